// Pure logic of the proposals table: filtering, sorting and the visible window of a
// virtually scrolled list. No DOM here, so it is tested with node --test.

import { compareMoney } from './format.js';

/** Rows matching every given criterion; search is case-insensitive on title, applicant, PI and reference. */
export function filterRows(rows, { topic = '', status = '', search = '' } = {}) {
  const needle = search.trim().toLowerCase();
  return rows.filter((r) => {
    if (topic && r.topic !== topic) return false;
    if (status && r.status !== status) return false;
    if (!needle) return true;
    return [r.title, r.applicant, r.pi_name, r.reference].some((v) =>
      String(v ?? '').toLowerCase().includes(needle),
    );
  });
}

const collator = new Intl.Collator(['zh-Hans-CN', 'en'], { numeric: true });

function compareBy(key) {
  if (key === 'requested') return (a, b) => compareMoney(a.requested, b.requested);
  return (a, b) => collator.compare(String(a[key] ?? ''), String(b[key] ?? ''));
}

/** A sorted copy; stable, with the reference as tie-breaker so equal keys keep a fixed order. */
export function sortRows(rows, key, direction = 'asc') {
  const cmp = compareBy(key);
  const sign = direction === 'desc' ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => sign * cmp(a.row, b.row) || collator.compare(a.row.reference, b.row.reference) || a.i - b.i)
    .map((x) => x.row);
}

/** Next sort state when a header is clicked: same key flips, new key starts ascending. */
export function nextSort(current, key) {
  if (current && current.key === key) {
    return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  }
  return { key, direction: 'asc' };
}

/** Which rows to draw for a scroll position: [start, end) with some rows of overscan. */
export function visibleWindow({ scrollTop, viewport, rowHeight, total, overscan = 8 }) {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(viewport / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end, offset: start * rowHeight, height: total * rowHeight };
}
