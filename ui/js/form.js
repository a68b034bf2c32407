// Form building blocks shared by the call and proposal forms. Inputs are bound to a plain
// object (the core's form type, all values as text); field names follow the core's paths
// (`applicant.credit_code`, `topics[2].code`) so that its errors land next to their field.

import { h, mount } from './dom.js';
import { t } from './i18n.js';

export function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function setPath(obj, path, value) {
  const keys = path.split('.');
  const last = keys.pop();
  const target = keys.reduce((o, k) => (o[k] ??= {}), obj);
  target[last] = value;
}

/** A labelled input bound to model[path]. options: { type, placeholder, choices: [[value, label]], hint, rows } */
export function field(model, path, label, options = {}) {
  const id = `f-${path.replace(/[^\w]/g, '-')}`;
  const value = getPath(model, path) ?? '';
  const bind = (e) => setPath(model, path, e.target.value);
  let input;
  if (options.choices) {
    input = h('select', { id, name: path, onchange: bind }, options.choices.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
  } else if (options.rows) {
    input = h('textarea', { id, name: path, rows: options.rows, oninput: bind }, value);
  } else {
    input = h('input', { id, name: path, type: options.type ?? 'text', value, placeholder: options.placeholder, oninput: bind, autocomplete: 'off' });
  }
  return h(
    'div',
    { class: 'field', 'data-field': path },
    h('label', { for: id }, label),
    input,
    options.hint ? h('span', { class: 'hint' }, options.hint) : null,
    h('span', { class: 'field-error', 'data-error-for': path }),
  );
}

/**
 * A table of repeatable rows bound to model[key] (an array of objects). columns: [[name, label, options]].
 * Inputs are named `${key}[n].${name}` with n from 1, as the core names them.
 */
export function rowsEditor(model, key, columns, empty) {
  const wrap = h('div', { class: 'rows', 'data-field': key });
  function draw() {
    const rows = model[key] ?? (model[key] = []);
    mount(
      wrap,
      h(
        'table',
        { class: 'rows-table' },
        h('thead', {}, h('tr', {}, columns.map(([, label]) => h('th', {}, label)), h('th', {}, ''))),
        h(
          'tbody',
          {},
          rows.map((row, i) =>
            h(
              'tr',
              {},
              columns.map(([name, label, options = {}]) => {
                const path = `${key}[${i + 1}].${name}`;
                const bind = (e) => { row[name] = e.target.value; };
                const input = options.choices
                  ? h('select', { name: path, 'aria-label': label, onchange: bind }, options.choices.map(([v, l]) => h('option', { value: v, selected: v === (row[name] ?? '') }, l)))
                  : h('input', { name: path, 'aria-label': label, value: row[name] ?? '', oninput: bind, autocomplete: 'off' });
                return h('td', { 'data-field': path }, input, h('div', { class: 'field-error', 'data-error-for': path }));
              }),
              h('td', {}, h('button', { type: 'button', class: 'danger', onclick: () => { rows.splice(i, 1); draw(); } }, t('remove_row'))),
            ),
          ),
        ),
      ),
      h('button', { type: 'button', onclick: () => { rows.push(empty()); draw(); } }, t('add_row')),
      h('div', { class: 'field-error', 'data-error-for': key }),
    );
  }
  draw();
  return wrap;
}

/** Clears earlier errors, then puts each field error beside its field; the rest go to `general`. */
export function showErrors(root, error, general) {
  root.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
  root.querySelectorAll('[data-error-for]').forEach((el) => { el.textContent = ''; });
  const unplaced = [];
  for (const f of error.fields ?? []) {
    const slot = root.querySelector(`[data-error-for="${CSS.escape(f.field)}"]`);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent}；${f.message}` : f.message;
      root.querySelector(`[data-field="${CSS.escape(f.field)}"]`)?.classList.add('invalid');
    } else {
      unplaced.push(`${f.field}: ${f.message}`);
    }
  }
  const lines = [t('form_has_errors')];
  if (!(error.fields ?? []).length) lines.push(error.message);
  lines.push(...unplaced);
  general.textContent = lines.join('\n');
  const first = root.querySelector('.invalid input, .invalid select, .invalid textarea');
  (first ?? general).focus?.();
}

/** The form element: Enter saves (native submit), Esc cancels. */
export function editForm({ test, onSave, onCancel }, ...children) {
  const general = h('p', { class: 'form-errors', 'data-test': 'form-errors', tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'primary', 'data-test': 'save' }, t('save'));
  const form = h(
    'form',
    {
      class: 'edit',
      'data-test': test,
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        save.disabled = true;
        try {
          await onSave();
        } catch (err) {
          showErrors(form, err, general);
        } finally {
          save.disabled = false;
        }
      },
      onkeydown: (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      },
    },
    general,
    children,
    h('div', { class: 'actions' }, save, h('button', { type: 'button', 'data-test': 'cancel', onclick: onCancel }, t('cancel'))),
  );
  return form;
}
