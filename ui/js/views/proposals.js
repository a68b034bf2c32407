import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { nextSort } from '../table.js';
import { virtualTable } from '../vtable.js';
import { exportButtons } from '../exporter.js';

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
// (`order_proposals`); the page reads the lines in view by handle (`proposal_rows`).
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

  const count = h('span', { class: 'count', 'data-test': 'shown-count' });
  const head = h('div', { class: 'head', role: 'row' });
  const drawCount = (order) => {
    count.textContent = t('shown_of', { n: order.rows.length, total: order.total });
  };

  function drawHead() {
    mount(
      head,
      COLUMNS.map(([key, label]) => {
        const sorted = state.sort.key === key;
        const arrow = sorted ? (state.sort.direction === 'asc' ? ' ▲' : ' ▼') : '';
        return h('button', { type: 'button', class: sorted ? 'sorted' : '', 'data-test': `sort-${key}`, disabled: key === 'reasons', onclick: () => { state.sort = nextSort(state.sort, key); drawHead(); table.reorder(); } }, t(label) + arrow);
      }),
    );
  }

  const row = (r, top) =>
    h(
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

  const table = virtualTable(app, {
    first: { order: first, asked: view() },
    asked: view,
    orderOf: (asked) => call('order_proposals', { query: { call: code, ...asked } }),
    lines: (ids) => call('proposal_rows', { call: code, ids }),
    row,
    test: 'proposal-row',
    ordered: drawCount,
  });

  const topic = h('select', { 'data-test': 'filter-topic', onchange: (e) => { state.topic = e.target.value; table.reorder(); } }, h('option', { value: '' }, t('all_topics')), c.topics.map((x) => h('option', { value: x.code }, `${x.code} ${pick(x, 'name')}`)));
  const status = h('select', { 'data-test': 'filter-status', onchange: (e) => { state.status = e.target.value; table.reorder(); } }, h('option', { value: '' }, t('all_statuses')), app.vocab.proposal_status.map((x) => h('option', { value: x.code }, pick(x))));
  const search = h('input', { type: 'search', placeholder: t('search'), 'aria-label': t('search'), 'data-test': 'search', oninput: (e) => { state.search = e.target.value; table.reorder(); } });

  drawHead();
  drawCount(first);
  return h(
    'section',
    { class: 'fill' },
    h('h1', {}, `${t('proposals')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('div', { class: 'filters' }, search, topic, status, c.actions.take_proposals ? h('a', { class: 'button', href: `${here}/new-proposal`, 'data-test': 'new-proposal' }, t('new_proposal')) : null, count, exportButtons(app, c.code, 'proposals', table.shown)),
    h('div', { class: 'vtable proposals', role: 'table' }, head, table.body),
  );
}
