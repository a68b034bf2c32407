// The database the window works on (settings): this computer's file, or a shared server whose
// address is kept in the settings and whose password the system keyring keeps. The shell signs
// in once to check both before keeping anything; the choice takes effect at the next start.

import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, lang } from '../i18n.js';

export async function serverPanel(app) {
  const c = await call('server_connection');
  const box = h('div', { class: 'panel', 'data-test': 'server-settings' });
  const url = h('input', { style: { minWidth: '32em' }, type: 'text', value: c.saved ?? '', placeholder: 'postgres://li_wei@db.agency:5432/grantdesk', 'aria-label': t('server_url'), 'data-test': 'server-url', autocomplete: 'off', spellcheck: 'false' });
  const password = h('input', { type: 'password', 'aria-label': t('server_password'), placeholder: t('server_password'), 'data-test': 'server-password', autocomplete: 'off' });
  const result = h('div', { 'data-test': 'server-result' });
  const restart = () => h('button', { 'data-test': 'restart', onclick: () => call('restart_app') }, t('restart_now'));

  const connect = h('button', { class: 'primary', 'data-test': 'server-connect', onclick: async () => {
    connect.disabled = true;
    mount(result);
    try {
      const who = await call('connect_to_server', { url: url.value, password: password.value });
      password.value = '';
      const roles = who.roles.map((r) => app.term('role', r)).join(lang() === 'zh' ? '、' : ', ');
      mount(result, h('p', { class: 'ok' }, t('server_kept', { who: who.name, roles: roles || '—' })), restart());
    } catch (e) {
      mount(result, h('p', { class: 'form-errors' }, e.message));
    } finally {
      connect.disabled = false;
    }
  } }, t('server_connect'));

  const forget = h('button', { 'data-test': 'server-forget', onclick: async () => {
    try {
      await call('forget_server');
      url.value = '';
      mount(result, h('p', { class: 'ok' }, t('server_forgotten')), c.on_server ? restart() : null);
    } catch (e) {
      mount(result, h('p', { class: 'form-errors' }, e.message));
    }
  } }, t('server_forget'));

  mount(
    box,
    h('p', {}, c.on_server ? t('server_now', { where: c.now }) : t('file_now')),
    c.saved ? h('p', { class: 'muted', 'data-test': 'server-saved' }, t(c.saved_password ? 'server_saved_with_password' : 'server_saved', { where: c.saved })) : null,
    h('div', { class: 'actions' }, url, password, connect, c.saved ? forget : null),
    h('p', { class: 'muted' }, t('server_hint')),
    result,
  );
  return box;
}
