import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextSort, visibleWindow, RowCache } from '../js/table.js';

// Filtering and sorting are the core's (src/proposal/table.rs, tests/it/proposals.rs).

test('clicking a header twice flips the direction', () => {
  let s = nextSort(null, 'title');
  assert.deepEqual(s, { key: 'title', direction: 'asc' });
  s = nextSort(s, 'title');
  assert.deepEqual(s, { key: 'title', direction: 'desc' });
  assert.deepEqual(nextSort(s, 'requested'), { key: 'requested', direction: 'asc' });
});

test('only the rows in view (plus overscan) are drawn', () => {
  const w = visibleWindow({ scrollTop: 3200, viewport: 640, rowHeight: 32, total: 10000, overscan: 5 });
  assert.deepEqual(w, { start: 95, end: 125, offset: 95 * 32, height: 320000 });
  const top = visibleWindow({ scrollTop: 0, viewport: 640, rowHeight: 32, total: 3, overscan: 5 });
  assert.deepEqual(top, { start: 0, end: 3, offset: 0, height: 96 });
});

test('lines are asked for once: not again while being read, nor once read', () => {
  const c = new RowCache();
  assert.deepEqual(c.missing([7, 3, 9]), [7, 3, 9]);
  assert.deepEqual(c.missing([7, 3, 9], 2), [7, 3], 'at most max, in order');
  c.asking([7, 3]);
  assert.deepEqual(c.missing([7, 3, 9]), [9]);
  c.put([7, 3], [{ reference: 'P-7' }, null]);
  assert.equal(c.get(7).reference, 'P-7');
  assert.equal(c.get(3), null, 'a handle that names nothing any more is read, as null');
  assert.equal(c.get(9), undefined, 'not read yet');
  assert.deepEqual(c.missing([7, 3, 9]), [9]);
  c.asking([9]);
  c.failed([9]);
  assert.deepEqual(c.missing([9]), [9], 'a failed read may be asked for again');
});

test('past its limit the cache keeps only the lines still wanted', () => {
  const c = new RowCache(100);
  const ids = Array.from({ length: 100 }, (_, i) => i);
  c.put(ids, ids.map((i) => ({ reference: `P-${i}` })));
  assert.equal(c.lines.size, 100, 'at the limit, nothing is forgotten');
  const more = [100, 101, 102];
  c.put(more, more.map((i) => ({ reference: `P-${i}` })), [5, 6, 100, 101, 102]);
  assert.deepEqual([...c.lines.keys()].sort((a, b) => a - b), [5, 6, 100, 101, 102]);
  assert.deepEqual(c.missing([4, 5, 6, 7]), [4, 7]);
});
