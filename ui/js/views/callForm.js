import { call } from '../api.js';
import { h } from '../dom.js';
import { t, pick } from '../i18n.js';
import { field, rowsEditor, editForm } from '../form.js';

export async function renderCallForm(app, code) {
  const model = await call('call_form', { code });
  const back = code ? `#/call/${encodeURIComponent(code)}` : '#/calls';
  const modes = app.vocab.funding_mode.map((m) => [m.code, pick(m)]);
  const milestones = app.vocab.milestone.map((m) => [m.code, pick(m)]);
  const unspent = app.vocab.unspent.map((m) => [m.code, pick(m)]);
  const f = (path, key, options) => field(model, path, t(key), options);

  const form = editForm(
    {
      test: 'call-form',
      onCancel: () => app.go(back),
      onSave: async () => {
        const saved = code ? await call('update_call', { code, form: model }) : await call('create_call', { form: model });
        app.go(`#/call/${encodeURIComponent(saved.code)}`);
        app.toast(t('saved'));
      },
    },
    h('fieldset', {}, h('legend', {}, t('section_call')), h('div', { class: 'grid' }, f('code', 'f_code'), f('title_zh', 'f_title_zh'), f('title_en', 'f_title_en'), f('funding_mode', 'f_funding_mode', { choices: modes }))),
    h('fieldset', {}, h('legend', {}, t('f_topics')), rowsEditor(model, 'topics', [['code', t('f_topic_code')], ['name_zh', t('f_name_zh')], ['name_en', t('f_name_en')]], () => ({ code: '', name_zh: '', name_en: '' }))),
    h(
      'fieldset',
      {},
      h('legend', {}, t('section_money')),
      h('div', { class: 'grid' }, f('total_budget', 'f_total_budget'), f('max_awards', 'f_max_awards'), f('award_floor', 'f_award_floor'), f('award_ceiling', 'f_award_ceiling'), f('duration_months', 'f_duration_months'), f('opens_on', 'f_opens_on', { placeholder: 'YYYY-MM-DD' }), f('closes_on', 'f_closes_on', { placeholder: 'YYYY-MM-DD' })),
    ),
    h('fieldset', {}, h('legend', {}, t('f_appropriations')), rowsEditor(model, 'appropriations', [['year', t('f_year')], ['amount', t('f_amount')]], () => ({ year: '', amount: '' }))),
    h('fieldset', {}, h('legend', {}, t('f_indirect_tiers')), rowsEditor(model, 'indirect_tiers', [['up_to', t('f_up_to')], ['rate', t('f_rate')]], () => ({ up_to: '', rate: '' }))),
    h(
      'fieldset',
      {},
      h('legend', {}, t('section_rules')),
      h('div', { class: 'grid' }, f('min_reviewers', 'f_min_reviewers'), f('max_proposals_per_applicant', 'f_max_proposals_per_applicant'), f('disagreement_threshold', 'f_disagreement_threshold'), f('award_number_pattern', 'f_award_number_pattern')),
      h('h2', { class: 'spaced' }, t('f_rubric')),
      rowsEditor(model, 'rubric', [['key', t('f_key')], ['name_zh', t('f_name_zh')], ['name_en', t('f_name_en')], ['weight', t('f_weight')], ['max_score', t('f_max_score')]], () => ({ key: '', name_zh: '', name_en: '', weight: '', max_score: '10' })),
      h('h2', { class: 'spaced' }, t('f_tranches')),
      rowsEditor(model, 'tranches', [['milestone', t('f_milestone'), { choices: milestones }], ['share', t('f_share')]], () => ({ milestone: 'signing', share: '' })),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('section_spending')),
      h('div', { class: 'grid' }, f('spend_tolerance', 'f_spend_tolerance'), f('adjust_approval', 'f_adjust_approval', { placeholder: 'equipment, operations, personnel' }), f('unspent', 'f_unspent', { choices: unspent }), f('letter_lang', 'f_letter_lang', { choices: [['zh', '中文'], ['en', 'English']] })),
    ),
  );
  return h('section', {}, h('h1', {}, code ? t('edit_call', { code }) : t('new_call')), form);
}
