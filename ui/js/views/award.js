// One award's disbursement: what holds it, its timeline, milestones, schedule, payments and
// ledger, with a button for each thing the core allows; its spending is in awardSpending.js.
// Every refusal shown is the core's own message.

import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { timeline, milestoneTitle } from '../chart.js';
import { spendingPanels } from './awardSpending.js';
import { doButton } from '../act.js';
import { letterButtons } from '../letters.js';

const money = (m) => h('td', { class: 'num' }, formatYuan(m));

export async function renderAward(app, code, number) {
  const here = `#/call/${encodeURIComponent(code)}`;
  const root = h('section', { 'data-test': 'award' });

  async function draw() {
    const f = await call('award_finance', { number });
    const redraw = draw;
    const term = (kind, c, inLang) => app.term(kind, c, inLang);

    const holds = f.holds.length === 0 ? null : h(
      'div',
      { class: 'holds', 'data-test': 'holds', role: 'alert' },
      h('strong', {}, t('payments_held')),
      h('ul', {}, f.holds.map((m) => h('li', {}, pick(m)))),
    );

    // Milestones: record an outcome where one may be recorded.
    const milestoneRows = f.milestones.map((m) => {
      let action = null;
      if (m.outcomes.length > 0 && f.can_edit) {
        const outcome = h('select', { 'data-test': 'outcome' }, m.outcomes.map((o) => h('option', { value: o }, term('outcome', o))));
        const on = h('input', { class: 'date', placeholder: f.today, 'data-test': 'outcome-on' });
        const by = h('input', { class: 'date', placeholder: t('rectify_by'), 'data-test': 'rectify-by' });
        const note = h('input', { placeholder: t('note'), 'data-test': 'outcome-note' });
        const which = m.kind === 'extra' ? m.name : m.kind;
        const form = () => ({ award: f.number, milestone: which, outcome: outcome.value, decided_on: on.value, rectify_by: by.value, note: note.value });
        action = h('span', { class: 'decide' }, outcome, on, by, note, doButton(app, t('record'), 'record-outcome', () => call('record_outcome', { form: form() }), redraw));
        if (!m.outcome) {
          const due = h('input', { class: 'date', placeholder: m.due_on, 'data-test': 'move-due' });
          action = [action, h('span', { class: 'decide' }, due, doButton(app, t('reschedule'), 'move-milestone', () => call('move_milestone', { form: { award: f.number, milestone: which, due_on: due.value } }), redraw))];
        }
      }
      return h(
        'tr',
        { 'data-test': 'milestone', 'data-kind': m.kind, class: m.overdue ? 'overdue' : '' },
        h('td', {}, pick(milestoneTitle(m, term))),
        h('td', {}, m.due_on),
        h('td', { 'data-test': 'milestone-outcome' }, m.outcome ? term('outcome', m.outcome) : m.overdue ? t('overdue') : ''),
        h('td', {}, m.decided_on ?? ''),
        h('td', {}, m.rectify_by ?? ''),
        h('td', {}, m.note),
        h('td', {}, action),
      );
    });
    const newName = h('input', { placeholder: t('milestone_name'), 'data-test': 'new-milestone' });
    const newDue = h('input', { class: 'date', placeholder: 'YYYY-MM-DD', 'data-test': 'new-milestone-due' });
    const addMilestone = f.can_edit ? h('div', { class: 'actions' }, newName, newDue, doButton(app, t('add_milestone'), 'add-milestone', () => call('add_milestone', { form: { award: f.number, name: newName.value, due_on: newDue.value } }), redraw)) : null;

    // The schedule: approve what the core allows; each blocked tranche says why.
    const trancheRows = f.tranches.map((x) => {
      const amount = h('input', { class: 'money', placeholder: formatYuan(x.open), 'data-test': 'approve-amount' });
      // Offered while anything is open; a blocked tranche says why in its row, and the core
      // refuses it with the same reason if asked anyway.
      const approve = x.open !== '0.00' && !x.released_on && f.can_edit
        ? h('span', { class: 'decide' }, amount, doButton(app, t('approve'), `approve-${x.seq}`, () => call('approve_payment', { form: { award: f.number, tranche: String(x.seq), amount: amount.value } }), redraw, { class: x.blocked.length ? '' : 'primary' }))
        : null;
      return h(
        'tr',
        { 'data-test': 'tranche', 'data-seq': x.seq, 'data-status': x.status, class: x.overdue ? 'overdue' : '' },
        h('td', {}, String(x.seq)),
        money(x.amount),
        h('td', {}, x.due_on),
        h('td', {}, x.gate ? pick(x.gate.title) : ''),
        h('td', {}, h('span', { class: `badge ${x.status}`, 'data-test': 'tranche-status' }, term('tranche_status', x.status))),
        money(x.paid),
        money(x.open),
        h('td', { class: 'why', 'data-test': 'blocked' }, x.blocked.map((m) => pick(m)).join('；')),
        h('td', {}, approve),
      );
    });

    // Reshaping the schedule: one change at a time, the core keeps the sum.
    const edit = { action: h('select', { 'data-test': 'edit-action' }, ['split', 'move', 'gate', 'transfer', 'merge'].map((a) => h('option', { value: a }, t(`edit_${a}`)))) };
    for (const [k, ph] of [['tranche', t('tranche_no')], ['to', t('to_tranche')], ['amount', t('amount')], ['due_on', 'YYYY-MM-DD'], ['milestone', t('gate')]]) {
      edit[k] = h('input', { placeholder: ph, class: k === 'tranche' || k === 'to' ? 'tiny' : '', 'data-test': `edit-${k}` });
    }
    const editForm = f.can_edit ? h(
      'div',
      { class: 'actions' },
      edit.action, edit.tranche, edit.to, edit.amount, edit.due_on, edit.milestone,
      doButton(app, t('reshape'), 'edit-schedule', () => call('edit_schedule', { form: { ...Object.fromEntries(Object.entries({ award: f.number, ...edit }).map(([k, v]) => [k, typeof v === 'string' ? v : v.value])), seen_version: f.schedule_version } }), redraw),
    ) : null;

    // Payments: each entry offers the moves the core allows.
    const paymentRows = f.payments.map((p) => {
      const note = h('input', { placeholder: t('ref_or_reason'), 'data-test': 'payment-note' });
      const moves = p.next.map((to) => doButton(app, t(`pay_${to}`), `pay-${to}`, () => call('move_payment', { form: { payment: String(p.id), on: '', note: note.value }, to }), redraw, { class: to === 'cancelled' || to === 'failed' ? 'danger' : '' }));
      const clawback = p.kind === 'clawback';
      return h(
        'tr',
        { 'data-test': 'payment', 'data-id': p.id, 'data-status': clawback ? 'clawback' : p.status },
        h('td', {}, `#${p.id}`),
        h('td', {}, p.tranche ? String(p.tranche) : ''),
        h('td', { class: 'num' }, `${clawback ? '−' : ''}${formatYuan(p.amount)}`),
        h('td', {}, clawback ? t('clawback') : term('payment_status', p.status)),
        h('td', {}, p.approved_on),
        h('td', {}, p.paid_on ?? ''),
        h('td', {}, p.bank_ref || p.reason),
        h('td', {}, moves.length ? h('span', { class: 'decide' }, note, moves) : null),
      );
    });
    const clawAmount = h('input', { class: 'money', placeholder: t('amount'), 'data-test': 'clawback-amount' });
    const clawReason = h('input', { placeholder: t('reason'), 'data-test': 'clawback-reason' });
    const clawForm = h('div', { class: 'actions' }, clawAmount, clawReason, doButton(app, t('record_clawback'), 'record-clawback', () => call('record_clawback', { form: { award: f.number, amount: clawAmount.value, reason: clawReason.value, on: '' } }), redraw, { class: 'danger' }));

    const l = f.ledger;
    const ledger = h(
      'dl',
      { class: 'kv', 'data-test': 'award-ledger' },
      [
        [t('award_amount'), l.amount, 'amount'],
        [t('paid'), l.paid, 'paid'],
        [t('recovered'), l.recovered, 'recovered'],
        [t('net_paid'), l.net_paid, 'net_paid'],
        [t('pending'), l.pending, 'pending'],
        [t('released'), l.released, 'released'],
        [t('outstanding'), l.outstanding, 'outstanding'],
        [t('spent'), l.spent, 'spent'],
        [t('balance'), l.balance, 'balance'],
      ].map(([label, m, k]) => [h('dt', {}, label), h('dd', { 'data-test': `ledger-${k}` }, formatYuan(m))]),
    );

    const sp = spendingPanels(app, f, redraw);
    mount(
      root,
      h('h1', {}, `${f.number} — ${f.title}`, h('span', { class: `badge ${f.status}`, 'data-test': 'award-status' }, term('award_status', f.status)), f.suspended ? h('span', { class: 'badge failed', 'data-test': 'suspended' }, t('suspended')) : null),
      h('p', { class: 'sub' }, h('a', { href: `${here}/finance` }, `← ${t('finance')}`), ' · ', f.applicant, ' · ', formatYuan(f.amount), ' · ', `${f.start_on} – ${f.end_on}`, ' · ', t('as_of', { d: f.today })),
      h('div', { class: 'actions' }, letterButtons(app, f.number)),
      holds,
      h('div', { class: 'panel' }, h('h2', {}, t('timeline')), timeline(f, term)),
      h('div', { class: 'panel' }, h('h2', {}, t('milestones')), h('table', { class: 'plain compact', 'data-test': 'milestones' }, h('thead', {}, h('tr', {}, [t('milestone'), t('due'), t('outcome'), t('outcome_on'), t('rectify_by'), t('note'), ''].map((x) => h('th', {}, x)))), h('tbody', {}, milestoneRows)), addMilestone),
      h('div', { class: 'panel' }, h('h2', {}, t('schedule')), h('div', { class: 'board' }, h('table', { class: 'plain compact', 'data-test': 'tranches' }, h('thead', {}, h('tr', {}, [t('tranche'), t('amount'), t('due'), t('gate'), t('col_status'), t('paid'), t('open_amount'), '', ''].map((x, i) => h('th', { class: [1, 5, 6].includes(i) ? 'num' : '' }, x)))), h('tbody', {}, trancheRows))), editForm),
      h('div', { class: 'panel' }, h('h2', {}, t('payments')), f.payments.length === 0 ? h('p', { class: 'muted' }, t('no_payments')) : h('div', { class: 'board' }, h('table', { class: 'plain compact', 'data-test': 'payments' }, h('thead', {}, h('tr', {}, ['', t('tranche'), t('amount'), t('col_status'), t('approved_on'), t('paid_on'), t('ref_or_reason'), ''].map((x) => h('th', {}, x)))), h('tbody', {}, paymentRows))), f.ledger.net_paid !== '0.00' ? clawForm : null),
      h('div', { class: 'panels even' }, h('div', { class: 'panel' }, h('h2', {}, t('ledger_title')), ledger), sp.spending),
      h('div', { class: 'panels even' }, sp.reports, sp.adjustments),
      sp.closeout,
    );
  }

  await draw();
  return root;
}
