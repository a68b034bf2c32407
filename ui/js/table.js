// Pure logic of the proposals table: filtering, sorting and the visible window of a
// virtually scrolled list. No DOM here, so it is tested with node --test.

import { fenOf } from './format.js';

// The lower-cased text a row is searched in, computed once per row.
const haystacks = new WeakMap();
function haystack(r) {
  let text = haystacks.get(r);
  if (text === undefined) {
    text = [r.title, r.applicant, r.pi_name, r.reference].map((v) => String(v ?? '').toLowerCase()).join('\u0000');
    haystacks.set(r, text);
  }
  return text;
}

/** Rows matching every given criterion; search is case-insensitive on title, applicant, PI and reference. */
export function filterRows(rows, { topic = '', status = '', search = '' } = {}) {
  const needle = search.trim().toLowerCase();
  return rows.filter((r) => {
    if (topic && r.topic !== topic) return false;
    if (status && r.status !== status) return false;
    return !needle || haystack(r).includes(needle);
  });
}

const collator = new Intl.Collator(['zh-Hans-CN', 'en'], { numeric: true });

/** A sorted copy; stable, with the reference as tie-breaker so equal keys keep a fixed order. */
export function sortRows(rows, key, direction = 'asc') {
  const sign = direction === 'desc' ? -1 : 1;
  // Keys are computed once per row, not once per comparison.
  const money = key === 'requested';
  const keyed = rows.map((row, i) => ({ row, i, k: money ? (fenOf(row.requested) ?? -1n) : String(row[key] ?? '') }));
  const cmp = money ? (a, b) => (a < b ? -1 : a > b ? 1 : 0) : (a, b) => collator.compare(a, b);
  return keyed
    .sort((a, b) => sign * cmp(a.k, b.k) || collator.compare(a.row.reference, b.row.reference) || a.i - b.i)
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
