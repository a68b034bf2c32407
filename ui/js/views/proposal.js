import { call } from '../api.js';
import { h } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { field, editForm } from '../form.js';

function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.flatMap(([k, v, test]) => [h('dt', {}, k), h('dd', test ? { 'data-test': test } : {}, v || '—')]));
}

function budgetTable(app, b) {
  return h(
    'table',
    { class: 'plain', 'data-test': 'budget-table' },
    h('thead', {}, h('tr', {}, h('th', {}, t('category')), b.years.map((y) => h('th', { class: 'num' }, t('year_n', { n: y }))), h('th', { class: 'num' }, t('total')))),
    h(
      'tbody',
      {},
      b.rows.map((r) => h('tr', {}, h('td', {}, app.term('category', r.category)), r.amounts.map((a) => h('td', { class: 'num' }, a ? formatYuan(a) : '—')), h('td', { class: 'num' }, formatYuan(r.total)))),
      h('tr', {}, h('th', {}, t('total')), b.year_totals.map((a) => h('th', { class: 'num' }, formatYuan(a))), h('th', { class: 'num', 'data-test': 'budget-total' }, formatYuan(b.total))),
    ),
  );
}

/** Who reviews this proposal, their scores, whom to add (never a conflicted reviewer), and score entry. */
async function reviewPanel(app, c, p, here) {
  const panel = await call('proposal_panel', { call: c.code, reference: p.reference });
  const crit = c.rubric;
  const reason = h('input', { type: 'text', placeholder: t('conflict_reason'), 'aria-label': t('conflict_reason'), 'data-test': 'conflict-reason' });
  const wholeOrg = h('input', { type: 'checkbox', 'data-test': 'conflict-org' });
  const scoring = panel.members.filter((m) => !m.recused);
  const members = h(
    'table',
    { class: 'plain', 'data-test': 'panel-members' },
    h('thead', {}, h('tr', {}, h('th', {}, t('reviewer')), crit.map((k) => h('th', { class: 'num' }, pick(k, 'name'))), h('th', { class: 'num' }, t('weighted')), h('th', {}, t('recommendation')), h('th', {}, ''))),
    h(
      'tbody',
      {},
      panel.members.map((m) => {
        const r = m.review;
        if (m.recused) {
          // Recused after assignment: the review stays on record but never counts.
          return h(
            'tr',
            { 'data-reviewer': m.reviewer, 'data-test': 'recused-member', class: 'recused' },
            h('td', {}, `R${m.reviewer} ${m.name}`, h('div', { class: 'muted' }, m.affiliation)),
            crit.map((k) => h('td', { class: 'num muted' }, r ? (r.scores[k.key] ?? 'n/a') : '—')),
            h('td', { class: 'num muted' }, r && r.weighted !== null ? r.weighted.toFixed(2) : '—'),
            h('td', { colspan: 2 }, h('strong', {}, t('recused_not_counted')), ' ', pick(m.recused)),
          );
        }
        const conflict = h('button', { class: 'danger', 'data-test': 'member-conflict', title: t('conflict_reason'), onclick: async () => {
          conflict.disabled = true;
          try {
            const n = await call('declare_conflict', { reviewer: m.reviewer, call: c.code, reference: p.reference, organisation: wholeOrg.checked, reason: reason.value });
            app.go(here);
            app.toast(t('recused_n', { n }));
          } catch (e) {
            app.error(e);
            conflict.disabled = false;
          }
        } }, t('declare_conflict'));
        const remove = r ? null : h('button', { class: 'danger', onclick: async () => { try { await call('release_panel_reviewer', { call: c.code, reference: p.reference, reviewer: m.reviewer, declined: false }); app.go(here); } catch (e) { app.error(e); } } }, t('remove_row'));
        const declined = r ? null : h('button', { 'data-test': 'declined', onclick: async () => { try { const d = await call('decline_panel_reviewer', { call: c.code, reference: p.reference, reviewer: m.reviewer }); app.go(here); app.toast(t('replaced', { n: d.assigned })); } catch (e) { app.error(e); } } }, t('declined'));
        return h(
          'tr',
          { 'data-reviewer': m.reviewer },
          h('td', {}, `R${m.reviewer} ${m.name}`, h('div', { class: 'muted' }, m.affiliation)),
          crit.map((k) => h('td', { class: 'num' }, r ? (r.scores[k.key] ?? 'n/a') : '—')),
          h('td', { class: 'num' }, r && r.weighted !== null ? r.weighted.toFixed(2) : '—'),
          h('td', {}, r ? t(`rec_${r.recommendation}`) : '—'),
          h('td', {}, declined, ' ', remove, ' ', conflict),
        );
      }),
    ),
  );
  const pickReviewer = h('select', { 'data-test': 'candidates', 'aria-label': t('reviewer') }, panel.candidates.map((x) => h('option', { value: String(x.reviewer) }, `R${x.reviewer} ${x.name}${x.knows_topic ? ` · ${p.topic}` : ''} · ${x.affiliation}`)));
  const add = h('button', { 'data-test': 'add-to-panel', onclick: async () => { add.disabled = true; try { await call('add_panel_reviewer', { call: c.code, reference: p.reference, reviewer: Number(pickReviewer.value) }); app.go(here); } catch (e) { app.error(e); add.disabled = false; } } }, t('add_to_panel'));
  const declare = h('button', { class: 'danger', 'data-test': 'declare-conflict', onclick: async () => {
    declare.disabled = true;
    try {
      await call('declare_conflict', { reviewer: Number(pickReviewer.value), call: c.code, reference: p.reference, organisation: wholeOrg.checked, reason: reason.value });
      app.go(here);
    } catch (e) {
      app.error(e);
      declare.disabled = false;
    }
  } }, t('declare_conflict'));
  const recused = panel.recused.length
    ? h('div', { 'data-test': 'recused' }, h('h2', { class: 'spaced' }, t('recused')), h('ul', { class: 'reasons' }, panel.recused.map((x) => h('li', { 'data-reviewer': x.reviewer }, `R${x.reviewer} ${x.name}: ${pick(x.reason)}`))))
    : null;

  const model = { call: c.code, reference: p.reference, reviewer: scoring[0] ? `R${scoring[0].reviewer}` : '', scores: Object.fromEntries(crit.map((k) => [k.key, ''])), comment: '', recommendation: 'fund' };
  const form = scoring.length
    ? editForm(
        {
          test: 'score-form',
          onCancel: () => app.go(here),
          onSave: async () => {
            await call('enter_review', { form: model });
            app.go(here);
            app.toast(t('review_saved'));
          },
        },
        h(
          'fieldset',
          {},
          h('legend', {}, t('enter_scores')),
          h(
            'div',
            { class: 'grid' },
            field(model, 'reviewer', t('reviewer'), { choices: scoring.map((m) => [`R${m.reviewer}`, `R${m.reviewer} ${m.name}`]) }),
            crit.map((k) => field(model, `scores.${k.key}`, `${pick(k, 'name')} (${k.weight}%)`, { hint: t('score_hint', { max: k.max_score }) })),
            field(model, 'recommendation', t('recommendation'), { choices: ['fund', 'fund_if_budget', 'do_not_fund'].map((x) => [x, t(`rec_${x}`)]) }),
          ),
          h('div', { class: 'spaced' }, field(model, 'comment', t('comment'), { rows: 2 })),
        ),
      )
    : null;
  return h(
    'div',
    { class: 'panel', 'data-test': 'review-panel' },
    h('h2', {}, `${t('panel')} · ${t('panel_need', { n: panel.need })}`, panel.serving < panel.need ? h('span', { class: 'form-errors', 'data-test': 'panel-short' }, ` · ${t('panel_short', { n: panel.serving })}`) : null),
    members,
    h('div', { class: 'filters spaced' }, pickReviewer, add, reason, h('label', { class: 'inline' }, wholeOrg, t('conflict_whole_org')), declare),
    recused,
    form,
  );
}

export async function renderProposal(app, code, reference) {
  const [c, p] = await Promise.all([call('get_call', { code }), call('get_proposal', { call: code, reference })]);
  const here = `#/call/${encodeURIComponent(c.code)}/p/${encodeURIComponent(p.reference)}`;
  const a = p.applicant;
  const actions = [h('a', { class: 'button', href: `#/call/${encodeURIComponent(c.code)}/proposals` }, `← ${t('proposals')}`)];
  // What may be done is the core's to say (p.actions), never worked out here.
  if (p.actions.edit) {
    actions.push(h('a', { class: 'button', href: `${here}/edit`, 'data-test': 'edit-proposal' }, t('edit')));
  }
  if (p.actions.submit) {
    const on = h('input', { type: 'text', placeholder: 'YYYY-MM-DD', 'aria-label': t('submitted_on'), title: t('submitted_on'), 'data-test': 'submit-on' });
    const submit = h('button', { class: 'primary', 'data-test': 'submit-proposal', onclick: async () => {
      submit.disabled = true;
      try {
        await call('submit_proposal', { call: c.code, reference: p.reference, on: on.value || null });
        app.go(here);
      } catch (e) {
        app.error(e);
        submit.disabled = false;
      }
    } }, t('submit'));
    actions.push(on, submit);
  }
  if (p.actions.withdraw) {
    const w = h('button', { class: 'danger', 'data-test': 'withdraw-proposal', onclick: async () => {
      if (w.dataset.armed !== 'yes') {
        w.dataset.armed = 'yes';
        w.textContent = `${t('withdraw')}?`;
        return;
      }
      try {
        await call('withdraw_proposal', { call: c.code, reference: p.reference });
        app.go(here);
      } catch (e) {
        app.error(e);
      }
    } }, t('withdraw'));
    actions.push(w);
  }

  let eligibility;
  if (!p.eligibility) eligibility = h('p', { class: 'muted' }, t('not_checked'));
  else if (p.eligibility.length === 0) eligibility = h('p', { class: 'ok', 'data-test': 'eligible' }, t('is_eligible'));
  else eligibility = h('ul', { class: 'reasons', 'data-test': 'reasons' }, p.eligibility.map((r) => h('li', { 'data-code': r.code }, pick(r))));

  const review = p.actions.review ? await reviewPanel(app, c, p, here) : null;
  return h(
    'section',
    { 'data-test': 'proposal' },
    h('h1', { 'data-test': 'proposal-title' }, p.title, h('span', { class: `badge ${p.status}` }, app.term('proposal_status', p.status))),
    h('p', { class: 'sub' }, `${p.reference}${p.title_en ? ' · ' + p.title_en : ''}`),
    h('div', { class: 'actions' }, actions),
    h(
      'div',
      { class: 'panels' },
      h(
        'div',
        {},
        h('div', { class: 'panel' }, h('h2', {}, t('applicant')), kv([
          [t('applicant'), a.name, 'applicant-name'],
          [t('credit_code'), a.credit_code],
          [t('bank'), a.bank_name],
          [t('bank_account'), a.bank_account],
          [t('contact'), a.contact_name],
          [t('contact_phone'), a.contact_phone],
          [t('contact_email'), a.contact_email],
        ])),
        h('div', { class: 'panel' }, h('h2', {}, t('budget')), budgetTable(app, p.budget_table)),
        review,
      ),
      h(
        'div',
        {},
        h('div', { class: 'panel' }, h('h2', {}, t('eligibility')), eligibility),
        h('div', { class: 'panel' }, kv([
          [t('col_requested'), formatYuan(p.requested), 'requested'],
          [t('in_capitals'), p.requested_capital],
          [t('col_topic'), `${p.topic} ${pick(c.topics.find((x) => x.code === p.topic), 'name')}`],
          [t('investigator'), `${p.pi_name} ${p.pi_title}`.trim()],
          [t('contact_email'), p.pi_email],
          [t('submitted_on'), p.submitted_on ?? ''],
          [t('summary'), p.summary],
        ])),
      ),
    ),
  );
}
