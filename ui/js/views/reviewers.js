import { call } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { field, editForm } from '../form.js';
import { uploadField } from '../upload.js';

export async function renderReviewers(app, editId = null) {
  const all = await call('list_reviewers');
  const editing = all.find((r) => String(r.id) === String(editId));
  // An edit starts from the core's form: it carries the version read, so that saving over
  // another officer's change is refused.
  const loaded = editing ? await call('reviewer_form', { id: editing.id }) : null;
  const model = loaded
    ? { ...loaded, topics_text: loaded.topics.join(', ') }
    : { name: '', affiliation: '', affiliation_code: '', email: '', phone: '', topics_text: '' };
  const topicsField = field(model, 'topics_text', t('f_topics_tags'));
  topicsField.dataset.field = 'topics';
  topicsField.querySelector('[data-error-for]').dataset.errorFor = 'topics';
  const form = editForm(
    {
      test: 'reviewer-form',
      onCancel: () => app.go('#/reviewers'),
      onSave: async () => {
        const form = { ...model, topics: [model.topics_text ?? ''], topics_text: undefined };
        if (editing) await call('update_reviewer', { id: editing.id, form });
        else await call('create_reviewer', { form });
        app.go('#/reviewers');
        app.toast(t('saved'));
      },
    },
    h('fieldset', {}, h('legend', {}, editing ? `${t('edit')} R${editing.id}` : t('add_reviewer')), h('div', { class: 'grid' }, field(model, 'name', t('f_name')), field(model, 'affiliation', t('f_affiliation')), field(model, 'affiliation_code', t('f_affiliation_code')), field(model, 'email', t('f_email')), field(model, 'phone', t('f_phone')), topicsField)),
  );
  const toggle = (r) => {
    const b = h('button', { onclick: async () => { b.disabled = true; try { await call('set_reviewer_active', { id: r.id, active: !r.active }); app.go('#/reviewers'); } catch (e) { app.error(e); b.disabled = false; } } }, r.active ? t('deactivate') : t('activate'));
    return b;
  };
  return h(
    'section',
    {},
    h('h1', {}, t('reviewers_heading')),
    h('div', { class: 'actions' }, uploadField(app, { label: t('import_reviewers'), test: 'import-reviewers', command: 'import_reviewers', done: () => app.go('#/reviewers') })),
    h(
      'div',
      { class: 'panel' },
      h(
        'table',
        { class: 'plain', 'data-test': 'reviewers' },
        h('thead', {}, h('tr', {}, ['#', t('f_name'), t('f_affiliation'), t('f_topics'), t('f_email'), t('col_status'), ''].map((x) => h('th', {}, x)))),
        h('tbody', {}, all.length === 0 ? h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('no_reviewers'))) : all.map((r) => h('tr', { 'data-reviewer': r.id }, h('td', {}, `R${r.id}`), h('td', {}, r.name), h('td', {}, r.affiliation), h('td', {}, r.topics.join(', ')), h('td', {}, r.email), h('td', {}, r.active ? t('active') : t('inactive')), h('td', {}, h('a', { class: 'button', href: `#/reviewers/${r.id}`, 'data-test': 'edit-reviewer' }, t('edit')), ' ', toggle(r))))),
      ),
    ),
    form,
  );
}
