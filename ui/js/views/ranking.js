import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { exportButtons } from '../exporter.js';
import { uploadField } from '../upload.js';

const ORDERS = ['mean', 'trimmed_mean', 'calibrated'];

export async function renderRanking(app, code, by = 'mean') {
  const c = await call('get_call', { code });
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'plain', 'data-test': 'ranking' },
    h('thead', {}, h('tr', {}, [t('col_rank'), t('col_reference'), t('col_title'), t('col_topic'), t('col_requested'), t('col_reviews'), t('agg_mean'), t('agg_trimmed_mean'), t('agg_calibrated'), t('col_sd')].map((x, i) => h('th', { class: i >= 4 ? 'num' : '' }, x)))),
    body,
  );
  async function draw(order) {
    const rows = await call('call_ranking', { call: c.code, by: order });
    mount(
      body,
      rows.length === 0
        ? h('tr', {}, h('td', { colspan: 10, class: 'muted' }, t('no_ranking')))
        : rows.map((r) =>
            h(
              'tr',
              { 'data-reference': r.reference },
              h('td', {}, `${r.rank}${r.tied ? '=' : ''}`),
              h('td', {}, h('a', { href: `${here}/p/${encodeURIComponent(r.reference)}` }, r.reference)),
              h('td', {}, r.title),
              h('td', {}, r.topic),
              h('td', { class: 'num' }, formatYuan(r.requested)),
              h('td', { class: 'num' }, String(r.reviews)),
              h('td', { class: 'num' }, r.mean.toFixed(2)),
              h('td', { class: 'num' }, r.trimmed_mean.toFixed(2)),
              h('td', { class: 'num' }, (r.calibrated >= 0 ? '+' : '') + r.calibrated.toFixed(3)),
              h('td', { class: r.disagreement ? 'num flag' : 'num', title: r.disagreement ? t('disagreement') : '' }, r.std_dev.toFixed(2) + (r.disagreement ? ' ⚠' : '')),
            ),
          ),
    );
  }
  const select = h('select', { 'data-test': 'rank-order', onchange: (e) => draw(e.target.value) }, ORDERS.map((o) => h('option', { value: o, selected: o === by }, t(`agg_${o}`))));
  await draw(by);
  return h(
    'section',
    {},
    h('h1', {}, `${t('ranking')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('div', { class: 'filters' }, h('label', {}, t('order_by'), ' ', select), exportButtons(app, c.code, 'ranking', () => ({ order: select.value }))),
    c.actions.review ? h('div', { class: 'actions' }, uploadField(app, { label: t('import_scores'), test: 'import-scores', command: 'import_scores', callCode: c.code, done: () => draw(select.value) })) : null,
    h('div', { class: 'panel' }, table),
  );
}
