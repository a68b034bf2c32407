// An award's spending against its approved budget: the flags, the reports owed and made,
// budget adjustments (and the agency's decision on those that wait for it), and close-out.

import { call } from '../api.js';
import { h } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { doButton } from '../act.js';

const money = (m) => h('td', { class: 'num' }, formatYuan(m));

/** The panels of an award's spending: { spending, reports, adjustments, closeout }. */
export function spendingPanels(app, f, redraw) {
  const sp = f.spending;
  const term = (kind, c) => app.term(kind, c);
  const categories = app.vocab.category;

  const uses = h(
    'table',
    { class: 'plain compact', 'data-test': 'spending' },
    h('thead', {}, h('tr', {}, [t('category'), t('approved'), t('spent'), t('remaining'), t('over')].map((x, i) => h('th', { class: i ? 'num' : '' }, x)))),
    h('tbody', {}, sp.categories.map((c) => h('tr', { class: c.over !== '0.00' ? 'overdue' : '' }, h('td', {}, term('category', c.category)), money(c.approved), money(c.spent), money(c.remaining), h('td', { class: 'num' }, c.over === '0.00' ? '' : formatYuan(c.over))))),
  );
  const flags = sp.flags.map((m) => h('p', { class: 'form-errors', 'data-test': 'spending-flag' }, `⚠ ${pick(m)}`));
  const due = sp.due.map((r) => h(
    'li',
    { 'data-test': 'report-due', class: r.overdue ? 'overdue' : '' },
    r.is_final ? t('final_report') : t('year_report', { n: r.year }), ' ', r.due_on, ' ',
    r.submitted ? h('span', { class: 'ok' }, t('submitted')) : r.overdue ? h('span', { class: 'form-errors' }, t('overdue')) : '',
  ));
  const years = sp.years.map((y) => h('tr', {}, h('td', {}, t('year_n', { n: y.year })), money(y.planned), money(y.actual), money(y.remaining), h('td', { class: 'num' }, y.over === '0.00' ? '' : formatYuan(y.over))));

  // A report: one amount per category.
  const year = h('input', { class: 'tiny', placeholder: t('year'), 'data-test': 'report-year' });
  const finalBox = h('input', { type: 'checkbox', 'data-test': 'report-final' });
  const amounts = categories.map((c) => [c.code, h('input', { class: 'money', placeholder: pick(c), 'data-test': `report-${c.code}` })]);
  const reportForm = f.closeout ? null : h(
    'div',
    { class: 'actions' },
    year, amounts.map(([, i]) => i), h('label', { class: 'inline' }, finalBox, t('final_report')),
    doButton(app, t('submit_report'), 'submit-report', () => call('submit_report', { form: {
      award: f.number,
      year: year.value,
      final: finalBox.checked ? 'true' : '',
      submitted_on: '',
      note: '',
      lines: amounts.filter(([, i]) => i.value.trim() !== '').map(([code, i]) => ({ category: code, amount: i.value })),
    } }), redraw),
  );

  // Adjustments, newest first; those waiting for the agency can be decided here.
  const adjRows = sp.adjustments.map((a) => {
    let decide = null;
    if (a.status === 'requested' && f.can_edit) {
      const note = h('input', { placeholder: t('note'), 'data-test': 'adjust-note' });
      const go = (decision) => doButton(app, t(`adjust_${decision}`), `adjust-${decision}`, () => call('decide_adjustment', { form: { adjustment: String(a.id), decision, note: note.value } }), redraw, { class: decision === 'refuse' ? 'danger' : '' });
      decide = h('span', { class: 'decide' }, note, go('approve'), go('refuse'));
    }
    return h(
      'tr',
      { 'data-test': 'adjustment', 'data-status': a.status },
      h('td', {}, `#${a.id}`),
      h('td', {}, t('year_n', { n: a.year })),
      h('td', {}, `${term('category', a.from)} → ${term('category', a.to)}`),
      money(a.amount),
      h('td', {}, term('adjustment_status', a.status), a.version ? ` v${a.version}` : ''),
      h('td', {}, a.reason),
      h('td', {}, decide),
    );
  });
  const choose = (test) => h('select', { 'data-test': test }, categories.map((c) => h('option', { value: c.code }, pick(c))));
  const adj = { year: h('input', { class: 'tiny', placeholder: t('year'), 'data-test': 'adjust-year' }), from: choose('adjust-from'), to: choose('adjust-to'), amount: h('input', { class: 'money', placeholder: t('amount'), 'data-test': 'adjust-amount' }), reason: h('input', { placeholder: t('reason'), 'data-test': 'adjust-reason' }) };
  const adjustForm = f.can_edit && !f.closeout ? h(
    'div',
    { class: 'actions' },
    adj.year, adj.from, '→', adj.to, adj.amount, adj.reason,
    doButton(app, t('request_adjustment'), 'request-adjustment', () => call('adjust_budget', { form: { award: f.number, year: adj.year.value, from: adj.from.value, to: adj.to.value, amount: adj.amount.value, reason: adj.reason.value } }), redraw),
  ) : null;
  const needs = sp.needs_approval.length === 0 ? t('no_approval_needed') : t('approval_needed_for', { list: sp.needs_approval.map((c) => term('category', c)).join(t('list_sep')) });

  const closeNote = h('input', { placeholder: t('note'), 'data-test': 'closeout-note' });
  const closeout = f.closeout
    ? h('p', { 'data-test': 'closed-out' }, t('closed_out_on', { d: f.closeout.closed_on }), ' · ', t('spent'), ' ', formatYuan(f.closeout.spent), ' · ', f.closeout.kept ? t('balance_kept', { m: formatYuan(f.closeout.balance) }) : t('balance_recovered', { m: formatYuan(f.closeout.balance) }))
    : h('div', { class: 'actions' }, closeNote, doButton(app, t('close_out'), 'close-out', () => call('close_out', { form: { award: f.number, note: closeNote.value } }), redraw));

  return {
    spending: h('div', { class: 'panel' }, h('h2', {}, t('spending_title', { v: sp.version })), sp.categories.length ? uses : h('p', { class: 'muted' }, t('lump_sum_budget')), flags, years.length ? h('table', { class: 'plain compact', 'data-test': 'years' }, h('thead', {}, h('tr', {}, [t('year'), t('planned'), t('actual'), t('remaining'), t('over')].map((x, i) => h('th', { class: i ? 'num' : '' }, x)))), h('tbody', {}, years)) : null),
    reports: h('div', { class: 'panel' }, h('h2', {}, t('reports')), h('ul', { class: 'plain' }, due), reportForm),
    adjustments: h('div', { class: 'panel' }, h('h2', {}, t('adjustments')), h('p', { class: 'muted' }, needs), adjRows.length ? h('table', { class: 'plain compact', 'data-test': 'adjustments' }, h('tbody', {}, adjRows)) : null, adjustForm),
    closeout: h('div', { class: 'panel', 'data-test': 'closeout' }, h('h2', {}, t('closeout_title')), closeout),
  };
}
