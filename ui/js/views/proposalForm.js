import { call } from '../api.js';
import { h } from '../dom.js';
import { t, pick } from '../i18n.js';
import { field, editForm } from '../form.js';

/** The budget as a grid of category × year inputs; only filled cells become lines. */
function budgetGrid(app, model, years) {
  const categories = app.vocab.category.map((c) => c.code);
  const cell = new Map();
  for (const line of model.budget ?? []) cell.set(`${line.category}|${line.year}`, line.amount);
  const inputs = [];
  const grid = h(
    'table',
    { class: 'rows-table', 'data-test': 'budget-grid' },
    h('thead', {}, h('tr', {}, h('th', {}, t('category')), years.map((y) => h('th', {}, t('year_n', { n: y }))))),
    h(
      'tbody',
      {},
      categories.map((cat) =>
        h(
          'tr',
          {},
          h('td', {}, app.term('category', cat)),
          years.map((y) => {
            const input = h('input', { 'aria-label': `${app.term('category', cat)} ${t('year_n', { n: y })}`, value: cell.get(`${cat}|${y}`) ?? '', 'data-cell': `${cat}|${y}`, autocomplete: 'off' });
            const td = h('td', {}, input, h('div', { class: 'field-error' }));
            inputs.push({ cat, y, input, td });
            return td;
          }),
        ),
      ),
    ),
  );
  /** Writes the filled cells into model.budget and names each cell by its index, as the core will. */
  grid.collect = () => {
    model.budget = [];
    for (const { cat, y, input, td } of inputs) {
      delete td.dataset.field;
      td.lastChild.removeAttribute('data-error-for');
      if (input.value.trim() === '') continue;
      model.budget.push({ category: cat, year: String(y), amount: input.value });
      const n = model.budget.length;
      td.dataset.field = `budget[${n}].amount`;
      td.lastChild.setAttribute('data-error-for', `budget[${n}].amount`);
    }
  };
  return grid;
}

export async function renderProposalForm(app, code, reference) {
  const [c, model] = await Promise.all([call('get_call', { code }), call('proposal_form', { call: code, reference })]);
  model.applicant ??= {};
  if (!reference && !model.topic) model.topic = c.topics[0]?.code ?? '';
  const back = reference ? `#/call/${encodeURIComponent(code)}/p/${encodeURIComponent(reference)}` : `#/call/${encodeURIComponent(code)}/proposals`;
  const f = (path, key, options) => field(model, path, t(key), options);
  const itemised = c.funding_mode === 'itemised';
  const years = Array.from({ length: c.years }, (_, i) => i + 1);
  const grid = itemised ? budgetGrid(app, model, years) : null;

  const form = editForm(
    {
      test: 'proposal-form',
      onCancel: () => app.go(back),
      onSave: async () => {
        grid?.collect();
        const saved = reference
          ? await call('update_proposal', { call: code, reference, form: model })
          : await call('create_proposal', { form: model });
        app.go(`#/call/${encodeURIComponent(code)}/p/${encodeURIComponent(saved.reference)}`);
        app.toast(t('saved'));
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t('section_call')),
      h('div', { class: 'grid' }, reference ? null : f('reference', 'f_reference'), f('title', 'f_title'), f('title_en', 'f_title_en_p'), f('topic', 'f_topic', { choices: c.topics.map((x) => [x.code, `${x.code} ${pick(x, 'name')}`]) }), f('requested', 'f_requested', { hint: itemised ? t('f_requested_hint') : null })),
      h('div', { class: 'spaced' }, f('summary', 'f_summary', { rows: 3 })),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('section_applicant')),
      h('div', { class: 'grid' }, f('applicant.credit_code', 'credit_code'), f('applicant.name', 'f_applicant_name'), f('applicant.bank_name', 'bank'), f('applicant.bank_account', 'bank_account'), f('applicant.contact_name', 'contact'), f('applicant.contact_phone', 'contact_phone'), f('applicant.contact_email', 'contact_email')),
    ),
    h('fieldset', {}, h('legend', {}, t('section_pi')), h('div', { class: 'grid' }, f('pi_name', 'f_pi_name'), f('pi_title', 'pi_title'), f('pi_email', 'f_pi_email'), f('pi_phone', 'f_pi_phone'))),
    itemised ? h('fieldset', { 'data-field': 'budget' }, h('legend', {}, t('section_budget')), grid, h('div', { class: 'field-error', 'data-error-for': 'budget' })) : null,
  );
  return h('section', {}, h('h1', {}, reference ? t('edit_proposal', { ref: reference }) : t('new_proposal')), h('p', { class: 'sub' }, `${c.code} — ${pick(c, 'title')}`), form);
}
