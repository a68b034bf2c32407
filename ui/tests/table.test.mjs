import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRows, sortRows, nextSort, visibleWindow } from '../js/table.js';

const rows = [
  { reference: 'P-0003', title: 'Drone swarms', applicant: '北辰大学', pi_name: '王涛', topic: 'AI', status: 'eligible', requested: '5000000.00' },
  { reference: 'P-0001', title: '虚拟手术训练', applicant: '北京泓视科技有限公司', pi_name: 'Li Ming', topic: 'VR', status: 'ineligible', requested: '900000.00' },
  { reference: 'P-0002', title: 'AR glasses', applicant: '镜界显示', pi_name: '陈静', topic: 'AR', status: 'eligible', requested: '12000000.00' },
  { reference: 'P-0004', title: 'Speech', applicant: '声谷', pi_name: '周颖', topic: 'AI', status: 'submitted', requested: '5000000.00' },
];

test('filters by topic, status and a case-insensitive search', () => {
  assert.deepEqual(filterRows(rows, { topic: 'AI' }).map((r) => r.reference), ['P-0003', 'P-0004']);
  assert.deepEqual(filterRows(rows, { status: 'eligible' }).map((r) => r.reference), ['P-0003', 'P-0002']);
  assert.deepEqual(filterRows(rows, { search: 'li ming' }).map((r) => r.reference), ['P-0001']);
  assert.deepEqual(filterRows(rows, { search: '手术' }).map((r) => r.reference), ['P-0001']);
  assert.deepEqual(filterRows(rows, { search: '北辰' }).map((r) => r.reference), ['P-0003']);
  assert.deepEqual(filterRows(rows, { topic: 'AI', status: 'eligible' }).map((r) => r.reference), ['P-0003']);
  assert.equal(filterRows(rows, { search: 'nothing like this' }).length, 0);
});

test('sorts money exactly and breaks ties by reference', () => {
  assert.deepEqual(sortRows(rows, 'requested').map((r) => r.reference), ['P-0001', 'P-0003', 'P-0004', 'P-0002']);
  // Ties stay in reference order whichever way the column is sorted.
  assert.deepEqual(sortRows(rows, 'requested', 'desc').map((r) => r.reference), ['P-0002', 'P-0003', 'P-0004', 'P-0001']);
  assert.deepEqual(sortRows(rows, 'reference').map((r) => r.reference), ['P-0001', 'P-0002', 'P-0003', 'P-0004']);
  assert.notEqual(sortRows(rows, 'reference'), rows, 'a copy, the input untouched');
  assert.equal(rows[0].reference, 'P-0003');
});

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

test('ten thousand rows filter and sort correctly', () => {
  const many = Array.from({ length: 10000 }, (_, i) => ({
    reference: `P-${String(i).padStart(5, '0')}`,
    title: `Project ${i}`,
    applicant: `Org ${i % 700}`,
    pi_name: `PI ${i}`,
    topic: ['AI', 'AR', 'VR'][i % 3],
    status: i % 7 ? 'eligible' : 'ineligible',
    requested: `${1000000 + (i * 7919) % 7000000}.00`,
  }));
  const shown = sortRows(filterRows(many, { topic: 'AR', search: 'org 1' }), 'requested', 'desc');
  assert.ok(shown.length > 0 && shown.every((r) => r.topic === 'AR' && r.applicant.startsWith('Org 1')));
  for (let i = 1; i < shown.length; i++) {
    assert.ok(BigInt(shown[i - 1].requested.replace('.', '')) >= BigInt(shown[i].requested.replace('.', '')));
  }
});
