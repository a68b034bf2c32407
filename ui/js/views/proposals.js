import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { nextSort, visibleWindow, RowCache } from '../table.js';
import { exportButtons } from '../exporter.js';

const ROW = 34;

const COLUMNS = [
  ['reference', 'col_reference'],
  ['title', 'col_title'],
  ['applicant', 'col_applicant'],
  ['pi_name', 'col_pi'],
  ['topic', 'col_topic'],
  ['requested', 'col_requested'],
  ['status', 'col_status'],
  ['reasons', 'col_reasons'],
];

// The core filters and sorts a call's proposals and hands back their row handles in order
// (`order_proposals`); the page reads the lines in view, and a screen either side, by handle
// (`proposal_rows`). A call of 100,000 proposals costs the page what one of 100 does.
export async function renderProposals(app, code) {
  const state = { topic: '', status: '', search: '', sort: { key: 'reference', direction: 'asc' } };
  // What the table shows: its filter and sort (also what its export writes).
  const view = () => ({
    topic: state.topic || null,
    status: state.status || null,
    search: state.search.trim() || null,
    sort: { column: state.sort.key, descending: state.sort.direction === 'desc' },
  });
  const query = () => ({ call: code, ...view() });
  const [c, first] = await Promise.all([call('get_call', { code }), call('order_proposals', { query: query() })]);
  const here = `#/call/${encodeURIComponent(c.code)}`;
  let order = first;
  let lines = new RowCache();

  const count = h('span', { class: 'count', 'data-test': 'shown-count' });
  const head = h('div', { class: 'head', role: 'row' });
  const spacer = h('div', { class: 'spacer' });
  const body = h('div', { class: 'body', 'data-test': 'proposal-rows' }, spacer);

  function drawHead() {
    mount(
      head,
      COLUMNS.map(([key, label]) => {
        const sorted = state.sort.key === key;
        const arrow = sorted ? (state.sort.direction === 'asc' ? ' ▲' : ' ▼') : '';
        return h('button', { type: 'button', class: sorted ? 'sorted' : '', 'data-test': `sort-${key}`, disabled: key === 'reasons', onclick: () => { state.sort = nextSort(state.sort, key); drawHead(); reorder(); } }, t(label) + arrow);
      }),
    );
  }

  function rowEl(r, i) {
    const top = { top: `${i * ROW}px` };
    // Not read yet (a fast scroll outran the reads), or gone since the order was taken.
    if (!r) return h('div', { class: 'row pending', role: 'row', style: top, 'data-test': 'proposal-row-pending' }, h('span', {}, r === null ? '—' : '…'));
    return h(
      'a',
      { class: 'row', role: 'row', href: `${here}/p/${encodeURIComponent(r.reference)}`, style: top, 'data-test': 'proposal-row', 'data-reference': r.reference },
      h('span', {}, r.reference),
      h('span', { title: r.title }, r.title),
      h('span', { title: r.applicant }, r.applicant),
      h('span', {}, r.pi_name),
      h('span', {}, r.topic),
      h('span', { class: 'num' }, formatYuan(r.requested)),
      h('span', {}, app.term('proposal_status', r.status)),
      h('span', {}, r.reasons.map((x) => app.term('reason', x)).join(t('list_sep'))),
    );
  }

  // The handles of the rows in view and a screen either side: what is read ahead, and kept.
  function wanted(w) {
    const screen = w.end - w.start;
    return order.rows.slice(Math.max(0, w.start - screen), w.end + screen);
  }

  // `data-busy` on the rows while an order or a read is under way: the tests wait on it.
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
      cache.put(ids, await call('proposal_rows', { call: code, ids }), wanted(current()));
    } catch (e) {
      cache.failed(ids);
      app.error(e);
      return;
    } finally {
      reads--;
      settle();
    }
    if (cache === lines) drawRows();
  }

  const current = () => visibleWindow({ scrollTop: body.scrollTop, viewport: body.clientHeight || 600, rowHeight: ROW, total: order.rows.length });

  function drawRows() {
    const w = current();
    spacer.style.height = `${w.height}px`;
    const items = [];
    for (let i = w.start; i < w.end; i++) items.push(rowEl(lines.get(order.rows[i]), i));
    mount(spacer, items);
    read(w);
  }

  function drawCount() {
    count.textContent = t('shown_of', { n: order.rows.length, total: order.total });
  }

  // One order request at a time; criteria changed meanwhile are asked for once it returns,
  // so typing a search sends no queue of stale requests and the last answer is the latest.
  // The rows and the export follow the last order that came back (`shown`); its lines are
  // read afresh.
  let again = false;
  let shown = view();
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
      const asked = view();
      try {
        got = { order: await call('order_proposals', { query: { call: code, ...asked } }), asked };
      } catch (e) {
        if (!again) app.error(e);
      }
    } while (again);
    if (got) {
      // The first screen's lines are read before the new order is drawn, so that the table
      // does not flash empty rows; any others are read as they come into view.
      const fresh = new RowCache();
      const first = got.order.rows.slice(0, 2 * Math.ceil((body.clientHeight || 600) / ROW));
      try {
        if (first.length) fresh.put(first, await call('proposal_rows', { call: code, ids: first }));
      } catch {
        // drawn as not read yet, and asked for again by the draw
      }
      order = got.order;
      shown = got.asked;
      lines = fresh;
      body.scrollTop = 0;
      drawCount();
    }
    busy = false;
    drawRows();
    settle();
    if (again) reorder();
  }

  body.addEventListener('scroll', () => requestAnimationFrame(drawRows));
  new ResizeObserver(() => drawRows()).observe(body);

  const topic = h('select', { 'data-test': 'filter-topic', onchange: (e) => { state.topic = e.target.value; reorder(); } }, h('option', { value: '' }, t('all_topics')), c.topics.map((x) => h('option', { value: x.code }, `${x.code} ${pick(x, 'name')}`)));
  const status = h('select', { 'data-test': 'filter-status', onchange: (e) => { state.status = e.target.value; reorder(); } }, h('option', { value: '' }, t('all_statuses')), app.vocab.proposal_status.map((x) => h('option', { value: x.code }, pick(x))));
  const search = h('input', { type: 'search', placeholder: t('search'), 'aria-label': t('search'), 'data-test': 'search', oninput: (e) => { state.search = e.target.value; reorder(); } });

  drawHead();
  drawCount();
  drawRows();
  return h(
    'section',
    { class: 'fill' },
    h('h1', {}, `${t('proposals')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('div', { class: 'filters' }, search, topic, status, c.actions.take_proposals ? h('a', { class: 'button', href: `${here}/new-proposal`, 'data-test': 'new-proposal' }, t('new_proposal')) : null, count, exportButtons(app, c.code, 'proposals', () => shown)),
    h('div', { class: 'vtable', role: 'table' }, head, body),
  );
}
