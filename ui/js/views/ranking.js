import { call } from '../api.js';
import { h } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { virtualTable } from '../vtable.js';
import { exportButtons } from '../exporter.js';
import { uploadField } from '../upload.js';

const ORDERS = ['mean', 'trimmed_mean', 'calibrated'];
const HEADS = ['col_rank', 'col_reference', 'col_title', 'col_topic', 'col_requested', 'col_reviews', 'agg_mean', 'agg_trimmed_mean', 'agg_calibrated', 'col_sd'];

// The core ranks the call (`ranking_order`: the ranked proposals' handles, best first, and the
// version of the record they were ranked at) and keeps the reviews while nothing changes; the
// page reads the lines in view by handle (`ranking_rows`). A national call's hundred thousand
// ranked proposals cost the page a screen.
export async function renderRanking(app, code, by = 'mean') {
  const orderOf = ({ order }) => call('ranking_order', { call: code, by: order });
  const [c, first] = await Promise.all([call('get_call', { code }), orderOf({ order: by })]);
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const select = h('select', { 'data-test': 'rank-order', onchange: () => table.reorder() }, ORDERS.map((o) => h('option', { value: o, selected: o === by }, t(`agg_${o}`))));

  const row = (r, top) =>
    h(
      'div',
      { class: 'row', role: 'row', style: top, 'data-test': 'ranking-row', 'data-reference': r.reference },
      h('span', {}, `${r.rank}${r.tied ? '=' : ''}`),
      h('span', {}, h('a', { href: `${here}/p/${encodeURIComponent(r.reference)}` }, r.reference)),
      h('span', { title: r.title }, r.title),
      h('span', {}, r.topic),
      h('span', { class: 'num' }, formatYuan(r.requested)),
      h('span', { class: 'num' }, String(r.reviews)),
      h('span', { class: 'num' }, r.mean.toFixed(2)),
      h('span', { class: 'num' }, r.trimmed_mean.toFixed(2)),
      h('span', { class: 'num' }, (r.calibrated >= 0 ? '+' : '') + r.calibrated.toFixed(3)),
      h('span', { class: r.disagreement ? 'num flag' : 'num', title: r.disagreement ? t('disagreement') : '' }, r.std_dev.toFixed(2) + (r.disagreement ? ' ⚠' : '')),
    );

  const empty = h('p', { class: 'muted empty' }, t('no_ranking'));
  const count = h('span', { class: 'count', 'data-test': 'ranked-count' });
  const ordered = (order) => {
    empty.hidden = order.rows.length > 0;
    count.textContent = t('ranked_of', { n: order.rows.length, total: order.total });
  };
  const table = virtualTable(app, {
    first: { order: first, asked: { order: by } },
    asked: () => ({ order: select.value }),
    orderOf,
    lines: (ids, { order }, { version }) => call('ranking_rows', { call: code, by: order, version, ids }),
    row,
    test: 'ranking-row',
    ordered,
    // Reviews entered meanwhile (here, by a colleague, or a sheet imported): the order again.
    stale: (e) => e?.code === 'ranking_changed',
  });
  ordered(first);

  const head = h('div', { class: 'head', role: 'row' }, HEADS.map((x, i) => h('span', { class: i >= 4 ? 'num' : '' }, t(x))));
  return h(
    'section',
    { class: 'fill' },
    h('h1', {}, `${t('ranking')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('div', { class: 'filters' }, h('label', {}, t('order_by'), ' ', select), count, exportButtons(app, c.code, 'ranking', table.shown)),
    c.actions.review ? h('div', { class: 'actions' }, uploadField(app, { label: t('import_scores'), test: 'import-scores', command: 'import_scores', callCode: c.code, done: () => table.reorder() })) : null,
    h('div', { class: 'vtable ranking', role: 'table', 'data-test': 'ranking' }, head, empty, table.body),
  );
}
