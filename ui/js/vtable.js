import { h, mount } from './dom.js';
import { visibleWindow, RowCache } from './table.js';

/**
 * The body of a virtually scrolled table whose order the core keeps. The core returns the
 * matching rows' handles in order; the page reads the lines of the handles in view, and a
 * screen either side, and forgets lines past a few screens. A table of 100,000 rows costs the
 * page what one of 100 does.
 *
 * - `first`: `{ order, asked }`, the order the page opened with and the criteria it was for;
 * - `asked()`: the table's criteria now (its filter and sort);
 * - `orderOf(criteria)` → `{ total, rows }`: the core's order for those criteria;
 * - `lines(ids, criteria, order)` → a line or `null` for each handle, for that order;
 * - `row(line, top)`: the element of a line read, placed at `top` (its `style`);
 * - `test`: the rows' `data-test`: the body is `${test}s`, a line not read yet `${test}-pending`;
 * - `ordered(order)`: called when a new order is drawn;
 * - `stale(error)`: whether a failed read says the order changed since: it is asked for again.
 *
 * Returns `{ body, reorder, shown, order }`: `reorder()` asks for the order again (one request
 * at a time: criteria changed meanwhile are asked for once it returns, so the last answer is the
 * latest); `shown()` gives the criteria of the order on screen (what an export should write).
 * While an order or a read is under way the body carries `data-busy`: the tests wait on it.
 */
export function virtualTable(app, { first, asked, orderOf, lines: readLines, row, test, rowHeight = 34, ordered = () => {}, stale = () => false }) {
  let current = first.order;
  let shown = first.asked;
  let lines = new RowCache();

  const spacer = h('div', { class: 'spacer' });
  const body = h('div', { class: 'body', 'data-test': `${test}s` }, spacer);

  const view = () => visibleWindow({ scrollTop: body.scrollTop, viewport: body.clientHeight || 600, rowHeight, total: current.rows.length });
  const screenful = () => 2 * Math.ceil((body.clientHeight || 600) / rowHeight);

  function rowEl(r, i) {
    const top = { top: `${i * rowHeight}px` };
    // Not read yet (a fast scroll outran the reads), or gone since the order was taken.
    if (!r) return h('div', { class: 'row pending', role: 'row', style: top, 'data-test': `${test}-pending` }, h('span', {}, r === null ? '—' : '…'));
    return row(r, top);
  }

  // The handles of the rows in view and a screen either side: what is read ahead, and kept.
  function wanted(w) {
    const screen = w.end - w.start;
    return current.rows.slice(Math.max(0, w.start - screen), w.end + screen);
  }

  let busy = false;
  let reads = 0;
  const settle = () => body.toggleAttribute('data-busy', busy || reads > 0);

  async function read(w) {
    // The cache of the order this read is for: a reorder meanwhile starts a new one.
    const cache = lines;
    const ids = cache.missing(wanted(w), 500);
    if (!ids.length) return;
    cache.asking(ids);
    reads++;
    settle();
    try {
      cache.put(ids, await readLines(ids, shown, current), wanted(view()));
    } catch (e) {
      cache.failed(ids);
      if (stale(e)) reorder();
      else app.error(e);
      return;
    } finally {
      reads--;
      settle();
    }
    if (cache === lines) draw();
  }

  function draw() {
    const w = view();
    spacer.style.height = `${w.height}px`;
    const items = [];
    for (let i = w.start; i < w.end; i++) items.push(rowEl(lines.get(current.rows[i]), i));
    mount(spacer, items);
    read(w);
  }

  let again = false;
  async function reorder() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    settle();
    let got = null;
    do {
      again = false;
      const criteria = asked();
      try {
        got = { order: await orderOf(criteria), asked: criteria };
      } catch (e) {
        // An older answer is not drawn under newer criteria.
        got = null;
        if (!again) app.error(e);
      }
    } while (again);
    if (got) {
      // The first screen's lines are read before the new order is drawn, so that the table
      // does not flash empty rows; any others are read as they come into view.
      const fresh = new RowCache();
      const ids = got.order.rows.slice(0, screenful());
      try {
        if (ids.length) fresh.put(ids, await readLines(ids, got.asked, got.order));
      } catch {
        // drawn as not read yet, and asked for again by the draw
      }
      current = got.order;
      shown = got.asked;
      lines = fresh;
      body.scrollTop = 0;
      ordered(current);
    }
    busy = false;
    draw();
    settle();
    if (again) reorder();
  }

  body.addEventListener('scroll', () => requestAnimationFrame(draw));
  new ResizeObserver(() => draw()).observe(body);
  draw();
  return { body, reorder, shown: () => shown, order: () => current };
}
