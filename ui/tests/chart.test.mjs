import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayOf, timeScale, ratio, cumulativePoints } from '../js/chart.js';

test('dates fall on the time axis in proportion, leap days included', () => {
  assert.equal(dayOf('1970-01-02'), 1);
  const x = timeScale('2027-01-01', '2029-01-01', 40, 731);
  assert.equal(x('2027-01-01'), 40);
  assert.equal(x('2029-01-01'), 771);
  assert.equal(x('2028-01-01'), 40 + 365, '2028 is a leap year: its day 1 is 365 days in');
});

test('ratios of money are taken in BigInt fen and kept within 0..1', () => {
  assert.equal(ratio(2272640000n, 5681600000n), 0.4);
  assert.equal(ratio(1n, 0n), 0);
  assert.equal(ratio(null, 5n), 0);
  assert.equal(ratio(7n, 5n), 1, 'never drawn outside the frame');
});

test('a cumulative series rises left to right and ends at the top for the larger total', () => {
  const box = { x0: 0, width: 100, y0: 0, height: 50 };
  const pts = cumulativePoints(['0.00', '100.00', '250.00', '400.00'], 40000n, box);
  assert.deepEqual(pts.map(([x]) => x), [0, 100 / 3, 200 / 3, 100]);
  assert.deepEqual(pts.map(([, y]) => y), [50, 37.5, 18.75, 0]);
  assert.deepEqual(cumulativePoints(['5.00'], 500n, box), [[0, 0]]);
});
