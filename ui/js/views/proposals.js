import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { filterRows, sortRows, nextSort, visibleWindow } from '../table.js';
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

export async function renderProposals(app, code) {
  const [c, rows] = await Promise.all([call('get_call', { code }), call('list_proposals', { query: { call: code } })]);
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const state = { topic: '', status: '', search: '', sort: { key: 'reference', direction: 'asc' }, shown: rows };

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
        return h('button', { type: 'button', class: sorted ? 'sorted' : '', 'data-test': `sort-${key}`, disabled: key === 'reasons', onclick: () => { state.sort = nextSort(state.sort, key); recompute(); } }, t(label) + arrow);
      }),
    );
  }

  function rowEl(r, i) {
    return h(
      'a',
      { class: 'row', role: 'row', href: `${here}/p/${encodeURIComponent(r.reference)}`, style: { top: `${i * ROW}px` }, 'data-test': 'proposal-row', 'data-reference': r.reference },
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

  function drawRows() {
    const w = visibleWindow({ scrollTop: body.scrollTop, viewport: body.clientHeight || 600, rowHeight: ROW, total: state.shown.length });
    spacer.style.height = `${w.height}px`;
    const items = [];
    for (let i = w.start; i < w.end; i++) items.push(rowEl(state.shown[i], i));
    mount(spacer, items);
  }

  function recompute() {
    state.shown = sortRows(filterRows(rows, state), state.sort.key, state.sort.direction);
    count.textContent = t('shown_of', { n: state.shown.length, total: rows.length });
    drawHead();
    drawRows();
  }

  body.addEventListener('scroll', () => requestAnimationFrame(drawRows));
  new ResizeObserver(() => drawRows()).observe(body);

  const topic = h('select', { 'data-test': 'filter-topic', onchange: (e) => { state.topic = e.target.value; recompute(); } }, h('option', { value: '' }, t('all_topics')), c.topics.map((x) => h('option', { value: x.code }, `${x.code} ${pick(x, 'name')}`)));
  const status = h('select', { 'data-test': 'filter-status', onchange: (e) => { state.status = e.target.value; recompute(); } }, h('option', { value: '' }, t('all_statuses')), app.vocab.proposal_status.map((x) => h('option', { value: x.code }, pick(x))));
  const search = h('input', { type: 'search', placeholder: t('search'), 'aria-label': t('search'), 'data-test': 'search', oninput: (e) => { state.search = e.target.value; recompute(); } });

  recompute();
  return h(
    'section',
    { class: 'fill' },
    h('h1', {}, `${t('proposals')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('div', { class: 'filters' }, search, topic, status, c.actions.take_proposals ? h('a', { class: 'button', href: `${here}/new-proposal`, 'data-test': 'new-proposal' }, t('new_proposal')) : null, count, exportButtons(app, c.code, 'proposals')),
    h('div', { class: 'vtable', role: 'table' }, head, body),
  );
}
