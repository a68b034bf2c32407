// Officers and their roles (人员与角色). On a shared server: who is signed in, every officer
// with the roles granted, and for an administrator a form to add an officer or a role. On the
// file: its one officer, who holds every role. The core decides who may do what; this page
// only shows it and asks.

import { call } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

function roleBadges(app, roles) {
  return roles.map((r) => h('span', { class: 'badge', 'data-role': r }, app.term('role', r)));
}

export async function renderOfficers(app) {
  const me = await call('whoami');
  const mine = h(
    'dl',
    { class: 'kv', 'data-test': 'whoami' },
    h('dt', {}, t('signed_in_as')),
    h('dd', { 'data-test': 'officer-name' }, me.name, me.superuser ? h('span', { class: 'badge' }, t('superuser')) : null),
    h('dt', {}, t('roles')),
    h('dd', { 'data-test': 'officer-roles' }, roleBadges(app, me.roles)),
  );
  const section = (...children) => h('section', { 'data-test': 'officers-page' }, h('h1', {}, t('officers_heading')), h('div', { class: 'panel' }, mine), ...children);
  if (me.backend !== 'postgres') return section(h('p', { class: 'muted', 'data-test': 'officers-file' }, t('officers_on_file')));

  const officers = await call('list_officers');
  const table = h(
    'table',
    { class: 'plain', 'data-test': 'officers' },
    h('thead', {}, h('tr', {}, h('th', {}, t('officer')), h('th', {}, t('roles')))),
    h(
      'tbody',
      {},
      officers.length === 0
        ? h('tr', {}, h('td', { colspan: 2, class: 'muted' }, t('no_officers')))
        : officers.map((o) => h('tr', { 'data-officer': o.name }, h('td', {}, o.name), h('td', {}, roleBadges(app, o.roles)))),
    ),
  );
  const admin = me.superuser || me.roles.includes('administrator');
  if (!admin) return section(h('div', { class: 'panel' }, table), h('p', { class: 'muted' }, t('officers_admin_only')));

  const name = h('input', { style: { minWidth: '24em' }, placeholder: t('officer_login'), 'aria-label': t('officer_login'), 'data-test': 'officer-new-name', autocomplete: 'off' });
  const role = h('select', { 'aria-label': t('roles'), 'data-test': 'officer-new-role' }, app.vocab.role.map((r) => h('option', { value: r.code }, app.term('role', r.code))));
  role.value = 'programme';
  const add = h('button', { class: 'primary', 'data-test': 'officer-add', onclick: async () => {
    add.disabled = true;
    try {
      const o = await call('add_officer', { name: name.value, role: role.value });
      app.toast(t('officer_added', { name: o.name, role: app.term('role', role.value) }));
      app.go('#/officers');
    } catch (e) {
      app.error(e);
      add.disabled = false;
    }
  } }, t('officer_add'));
  return section(
    h('div', { class: 'panel' }, table),
    h('h2', {}, t('officer_add_heading')),
    h('p', { class: 'muted' }, t('officer_add_hint')),
    h('div', { class: 'actions' }, name, role, add),
  );
}
