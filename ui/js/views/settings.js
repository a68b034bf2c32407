// Settings: where the database is, the agency's time zone and the agency that issues the
// award letters, backups (one a day kept automatically, or now), and
// restoring one after the core has checked it. The replaced database is kept aside.

import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { agencyForm } from '../letters.js';
import { serverPanel } from './serverSettings.js';

function infoLine(info) {
  return t('backup_info', { v: info.schema_version, c: info.calls, p: info.proposals, a: info.audit_entries, kb: Math.round(info.bytes / 1024) });
}

export async function renderSettings(app) {
  const result = h('div', { class: 'panel', 'data-test': 'backup-result', hidden: true });
  const list = h('tbody', {});
  const where = h('dl', { class: 'kv' });

  function showResult(...children) {
    result.hidden = false;
    mount(result, children);
  }

  async function draw() {
    const v = await call('list_backups');
    mount(where, h('dt', {}, t('database_file')), h('dd', { 'data-test': 'db-path' }, v.db_path), h('dt', {}, t('backups_folder')), h('dd', {}, v.dir));
    mount(
      list,
      v.backups.length === 0
        ? h('tr', {}, h('td', { colspan: 3, class: 'muted' }, t('no_backups')))
        : [...v.backups].reverse().map((b) => {
            const check = h('button', { 'data-test': 'check-backup', onclick: async () => {
              try {
                const info = await call('check_backup', { name: b.name });
                showResult(h('p', { class: 'ok' }, `${b.name}: ${t('backup_sound')}`), h('p', {}, infoLine(info)), h('p', { class: 'muted' }, `${t('audit_head')}: ${info.audit_head}`));
              } catch (e) {
                showResult(h('p', { class: 'form-errors' }, e.message));
              }
            } }, t('check'));
            const confirm = h('button', { class: 'danger', 'data-test': 'restore-confirm', hidden: true }, t('restore_confirm', { name: b.name }));
            confirm.addEventListener('click', async () => {
              confirm.disabled = true;
              try {
                const r = await call('restore_backup', { name: b.name });
                app.toast(t('restored', { name: b.name }));
                showResult(h('p', { class: 'ok' }, t('restored', { name: b.name })), h('p', {}, infoLine(r.restored)), r.kept_aside ? h('p', { class: 'muted', 'data-test': 'kept-aside' }, t('kept_aside', { path: r.kept_aside })) : null);
                await draw();
              } catch (e) {
                app.error(e);
                confirm.disabled = false;
              }
            });
            const restore = h('button', { 'data-test': 'restore-backup', onclick: () => { confirm.hidden = false; } }, t('restore'));
            return h('tr', { 'data-name': b.name }, h('td', {}, b.name), h('td', { class: 'num' }, `${Math.round(b.bytes / 1024)} KB`), h('td', {}, check, ' ', restore, ' ', confirm));
          }),
    );
  }

  const now = h('button', { class: 'primary', 'data-test': 'backup-now', onclick: async () => {
    now.disabled = true;
    try {
      const info = await call('backup_now');
      showResult(h('p', { class: 'ok' }, t('backed_up', { path: info.path })), h('p', {}, infoLine(info)), h('p', { class: 'muted' }, `${t('audit_head')}: ${info.audit_head}`));
      await draw();
    } catch (e) {
      app.error(e);
    } finally {
      now.disabled = false;
    }
  } }, t('backup_now'));

  // The agency's time zone: "today" for every act (submissions, decisions, backups).
  const s = await call('get_settings');
  const zone = h('input', { type: 'text', value: s.time_zone, 'aria-label': t('time_zone'), 'data-test': 'time-zone' });
  const today = h('span', { class: 'muted', 'data-test': 'agency-today' }, t('agency_today', { d: s.today }));
  const saveZone = h('button', { 'data-test': 'save-time-zone', onclick: async () => {
    saveZone.disabled = true;
    try {
      const r = await call('set_time_zone', { zone: zone.value });
      zone.value = r.time_zone;
      mount(today, t('agency_today', { d: r.today }));
      app.toast(t('time_zone_saved', { z: r.time_zone }));
    } catch (e) {
      app.error(e);
    } finally {
      saveZone.disabled = false;
    }
  } }, t('save'));

  // A copy anywhere (a USB stick, a network folder), and a restore from such a file: the
  // system's dialog asks where; the core checks the file before anything is replaced.
  const copy = h('button', { 'data-test': 'backup-to', onclick: async () => {
    copy.disabled = true;
    try {
      const info = await call('backup_to');
      if (info) showResult(h('p', { class: 'ok' }, t('backed_up', { path: info.path })), h('p', {}, infoLine(info)), h('p', { class: 'muted' }, `${t('audit_head')}: ${info.audit_head}`));
    } catch (e) {
      app.error(e);
    } finally {
      copy.disabled = false;
    }
  } }, t('backup_to'));
  const fromFile = h('button', { 'data-test': 'restore-from-file', onclick: async () => {
    try {
      const chosen = await call('choose_backup');
      if (!chosen) return;
      const go = h('button', { class: 'danger', 'data-test': 'restore-chosen-confirm' }, t('restore_confirm', { name: chosen.path }));
      go.addEventListener('click', async () => {
        go.disabled = true;
        try {
          const r = await call('restore_chosen');
          app.toast(t('restored', { name: chosen.path }));
          showResult(h('p', { class: 'ok' }, t('restored', { name: chosen.path })), h('p', {}, infoLine(r.restored)), r.kept_aside ? h('p', { class: 'muted', 'data-test': 'kept-aside' }, t('kept_aside', { path: r.kept_aside })) : null);
          await draw();
        } catch (e) {
          app.error(e);
          go.disabled = false;
        }
      });
      showResult(h('p', { class: 'ok' }, `${chosen.path}: ${t('backup_sound')}`), h('p', {}, infoLine(chosen.info)), h('div', { class: 'actions' }, go));
    } catch (e) {
      showResult(h('p', { class: 'form-errors' }, e.message));
    }
  } }, t('restore_from_file'));

  // On a server the core answers with the server's own way (pg_dump, pg_restore): only that
  // is shown of the backups.
  let serverWay = null;
  try {
    await draw();
  } catch (e) {
    serverWay = h('p', { class: 'panel', 'data-test': 'backups-server-way' }, e.message);
  }
  const agency = await agencyForm(app);
  const server = await serverPanel(app);
  return h(
    'section',
    { 'data-test': 'settings' },
    h('h1', {}, t('settings')),
    h('div', { class: 'panel' }, where),
    h('h2', {}, t('shared_server')),
    server,
    h('h2', {}, t('time_zone')),
    h('div', { class: 'filters' }, zone, saveZone, today),
    h('h2', {}, t('agency')),
    agency,
    h('h2', {}, t('backups')),
    ...(serverWay
      ? [serverWay]
      : [
          h('p', { class: 'sub' }, t('backups_note')),
          h('div', { class: 'actions' }, now, copy, fromFile),
          result,
          h('div', { class: 'panel' }, h('table', { class: 'plain', 'data-test': 'backups' }, h('thead', {}, h('tr', {}, h('th', {}, t('file')), h('th', { class: 'num' }, t('size')), h('th', {}, ''))), list)),
        ]),
  );
}
