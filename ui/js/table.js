// Pure logic of the proposals table: the sort state, the visible window of a virtually
// scrolled list and the lines read so far. The core filters and sorts (the page gets the
// rows' handles in order) and the page reads the lines of the handles in view. No DOM here,
// so it is tested with node --test.

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

/**
 * The lines a virtual table has read, by row handle (`null`: the handle names no line any
 * more), and the handles being read. Past `limit` lines it forgets those a redraw no longer
 * wants, so that scrolling through a hundred thousand rows does not keep them all.
 */
export class RowCache {
  constructor(limit = 2000) {
    this.limit = limit;
    this.lines = new Map();
    this.reading = new Set();
  }

  has(id) {
    return this.lines.has(id);
  }

  get(id) {
    return this.lines.get(id);
  }

  /** Of `ids`, those neither read nor being read, in order, at most `max`. */
  missing(ids, max = Infinity) {
    const out = [];
    for (const id of ids) {
      if (out.length >= max) break;
      if (!this.lines.has(id) && !this.reading.has(id)) out.push(id);
    }
    return out;
  }

  /** Marks `ids` as being read. */
  asking(ids) {
    for (const id of ids) this.reading.add(id);
  }

  /** A read of `ids` failed: they may be asked for again. */
  failed(ids) {
    for (const id of ids) this.reading.delete(id);
  }

  /** Stores what a read of `ids` returned (one line or `null` each); keeps `keep` when trimming. */
  put(ids, lines, keep = []) {
    ids.forEach((id, i) => {
      this.reading.delete(id);
      this.lines.set(id, lines[i] ?? null);
    });
    if (this.lines.size > this.limit) {
      const wanted = new Set(keep);
      for (const id of this.lines.keys()) {
        if (!wanted.has(id)) this.lines.delete(id);
      }
    }
  }
}
