// A call's finances (经费拨付): what needs attention first, the cumulative chart, the
// cash-flow plan against the appropriations, the ledger, and the payment batches. Every
// figure comes from the core.

import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick, lang } from '../i18n.js';
import { formatYuan, formatShort } from '../format.js';
import { exportButtons } from '../exporter.js';
import { cumulativeChart } from '../chart.js';

function card(test, label, value, note) {
  return h('div', { class: 'card', 'data-test': test }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), note ? h('div', { class: 'note' }, note) : null);
}

const money = (m) => h('td', { class: 'num' }, formatYuan(m));

export async function renderFinance(app, code) {
  const c = await call('get_call', { code });
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const root = h('section', { 'data-test': 'finance' });
  let by = 'month';

  async function draw() {
    const f = await call('call_finance', { call: c.code, by });
    const l = f.ledger;
    const awardLink = (n) => h('a', { href: `${here}/award/${encodeURIComponent(n)}`, 'data-test': 'award-link' }, n);

    const attention = f.attention.length === 0
      ? h('p', { class: 'muted' }, t('nothing_to_do'))
      : h('ul', { class: 'attention' }, f.attention.map((a) => h(
          'li',
          { 'data-test': 'attention', 'data-number': a.number, class: a.suspended || a.held ? 'held' : '' },
          awardLink(a.number), ' ', a.applicant, ' ',
          h('span', { class: `badge ${a.status}` }, app.term('award_status', a.status)),
          a.suspended ? h('span', { class: 'badge failed' }, t('suspended')) : null,
          h('ul', {}, a.items.map((m) => h('li', {}, pick(m)))),
        )));

    const periods = h('select', { 'data-test': 'cash-by', onchange: async (e) => { by = e.target.value; await draw(); } },
      [['month', t('by_month')], ['quarter', t('by_quarter')], ['year', t('by_year')]].map(([v, label]) => h('option', { value: v, selected: v === by }, label)));
    const cash = h(
      'table',
      { class: 'plain compact', 'data-test': 'cash-table' },
      h('thead', {}, h('tr', {}, [t('period_col'), t('scheduled'), t('paid'), t('recovered'), t('cum_scheduled'), t('cum_paid'), t('appropriation')].map((x, i) => h('th', { class: i ? 'num' : '' }, x)))),
      h('tbody', {}, f.cash.rows.map((r) => h('tr', {}, h('td', {}, r.period), money(r.scheduled), money(r.paid), money(r.recovered), money(r.cumulative_scheduled), money(r.cumulative_paid), h('td', { class: 'num' }, r.appropriation ? formatYuan(r.appropriation) : '')))),
    );
    const warnings = f.cash.warnings.map((w) => h('p', { class: 'form-errors', 'data-test': 'cash-warning' }, `⚠ ${pick(w.message)}`));

    const ledger = h(
      'table',
      { class: 'plain compact', 'data-test': 'ledger' },
      h('thead', {}, h('tr', {}, [t('award_number'), t('applicant'), t('col_status'), t('award_amount'), t('paid'), t('recovered'), t('released'), t('outstanding'), t('spent'), t('balance')].map((x, i) => h('th', { class: i > 2 ? 'num' : '' }, x)))),
      h(
        'tbody',
        {},
        l.awards.map((a) => h('tr', { 'data-number': a.number }, h('td', {}, awardLink(a.number)), h('td', {}, a.applicant), h('td', {}, app.term('award_status', a.status)), money(a.amount), money(a.paid), money(a.recovered), money(a.released), money(a.outstanding), money(a.spent), money(a.balance))),
        h('tr', { class: 'total' }, h('td', {}, t('total')), h('td', {}, ''), h('td', {}, ''), money(l.awarded), money(l.paid), money(l.recovered), money(l.released), money(l.outstanding), money(l.spent), h('td', {}, '')),
      ),
    );

    mount(
      root,
      h('h1', {}, `${t('finance')} — ${c.code}`, h('span', { class: `badge ${c.status}` }, app.term('call_status', c.status))),
      h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`), ' · ', h('a', { href: `${here}/awards` }, t('awards')), ' · ', t('as_of', { d: f.today })),
      h(
        'div',
        { class: 'cards' },
        card('kpi-budget', t('total_budget'), formatYuan(l.budget), formatShort(l.budget, lang())),
        card('kpi-awarded', t('awarded'), formatYuan(l.awarded), null),
        card('kpi-paid', t('net_paid'), formatYuan(l.net_paid), `${t('paid')} ${formatShort(l.paid, lang())} · ${t('recovered')} ${formatShort(l.recovered, lang())}`),
        card('kpi-outstanding', t('outstanding'), formatYuan(l.outstanding), `${t('pending')} ${formatShort(l.pending, lang())}`),
        card('kpi-uncommitted', t('uncommitted'), formatYuan(l.uncommitted), l.balanced ? t('ledger_balanced') : t('ledger_unbalanced')),
      ),
      h('div', { class: 'panel', 'data-test': 'attention-list' }, h('h2', {}, t('attention')), attention),
      h('div', { class: 'panel' }, h('h2', {}, t('cumulative_chart')), cumulativeChart(f.monthly.rows)),
      h('div', { class: 'panel' }, h('h2', {}, t('cash_plan'), ' ', periods), warnings, h('div', { class: 'board' }, cash)),
      h('div', { class: 'panel' }, h('h2', {}, t('ledger_title')), h('div', { class: 'actions' }, exportButtons(app, c.code, 'ledger'), exportButtons(app, c.code, 'cashflow')), h('div', { class: 'board' }, ledger)),
      batchesPanel(app, c, f, draw),
    );
  }

  await draw();
  return root;
}

/** Payment batches: gather the approved payments, export for the finance office, mark paid. */
function batchesPanel(app, c, f, redraw) {
  const from = h('input', { class: 'date', placeholder: 'YYYY-MM-DD', 'data-test': 'batch-from' });
  const to = h('input', { class: 'date', placeholder: 'YYYY-MM-DD', 'data-test': 'batch-to' });
  const note = h('p', { class: 'muted', 'data-test': 'batch-exported' });
  const make = h('button', { class: 'primary', 'data-test': 'make-batch', disabled: f.unbatched === 0, onclick: async () => {
    make.disabled = true;
    try {
      const b = await call('create_batch', { form: { call: c.code, from: from.value, to: to.value } });
      app.toast(t('batch_made', { ref: b.reference, n: b.rows.length, total: formatYuan(b.total) }));
      await redraw();
    } catch (e) {
      app.error(e);
      make.disabled = false;
    }
  } }, t('make_batch', { n: f.unbatched }));
  const rows = f.batches.map((b) => {
    const ref = h('input', { placeholder: t('bank_ref'), 'data-test': 'batch-ref' });
    const paid = h('button', { 'data-test': 'batch-paid', onclick: async () => {
      paid.disabled = true;
      try {
        await call('batch_paid', { form: { batch: b.reference, on: '', bank_ref: ref.value } });
        await redraw();
      } catch (e) {
        app.error(e);
        paid.disabled = false;
      }
    } }, t('mark_paid'));
    const exp = (xlsx) => {
      const btn = h('button', { 'data-test': `batch-export-${xlsx ? 'xlsx' : 'csv'}`, onclick: async () => {
        try {
          const r = await call('export_batch', { reference: b.reference, xlsx });
          if (r) mount(note, t('exported_table', { path: r.path, n: r.rows }));
        } catch (e) {
          app.error(e);
        }
      } }, xlsx ? t('export_xlsx') : t('export_csv'));
      return btn;
    };
    return h('tr', { 'data-test': 'batch', 'data-ref': b.reference },
      h('td', {}, b.reference), h('td', {}, `${b.from_on} – ${b.to_on}`), h('td', { class: 'num' }, String(b.payments)), money(b.total),
      h('td', {}, b.paid_on ?? h('span', { class: 'inline' }, ref, paid)), h('td', {}, exp(true), ' ', exp(false)));
  });
  return h(
    'div',
    { class: 'panel', 'data-test': 'batches' },
    h('h2', {}, t('batches')),
    h('div', { class: 'actions' }, t('approved_between'), ' ', from, ' – ', to, ' ', make),
    rows.length === 0 ? h('p', { class: 'muted' }, t('no_batches')) : h(
      'table',
      { class: 'plain compact' },
      h('thead', {}, h('tr', {}, [t('batch'), t('approved_period'), t('count'), t('amount'), t('paid_on'), ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, rows),
    ),
    note,
  );
}
