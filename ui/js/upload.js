// A file chooser that sends the chosen spreadsheet (CSV or XLSX) to one core command and
// shows its answer. The core reads, checks and writes (every row or none); with "check only"
// ticked it checks the same way and writes nothing.

import { call } from './api.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { toBase64 } from './views/importer.js';

export function uploadField(app, { label, test, command, callCode = '', done }) {
  const result = h('span', { class: 'muted', 'data-test': `${test}-result` });
  const dry = h('input', { type: 'checkbox', 'data-test': `${test}-dry` });
  const input = h('input', { type: 'file', accept: '.csv,.xlsx', 'data-test': test, onchange: async (e) => {
    const f = e.target.files?.[0];
    if (!f) return;
    mount(result);
    try {
      const data = toBase64(new Uint8Array(await f.arrayBuffer()));
      const dryRun = dry.checked;
      const n = await call(command, { upload: { call: callCode, name: f.name, data, dry_run: dryRun } });
      if (dryRun) {
        mount(result, t('checked_n', { n }));
      } else {
        app.toast(t('imported_n', { n }));
        await done?.(n);
      }
    } catch (err) {
      mount(result, h('span', { class: 'form-errors' }, err.message ?? String(err)));
    } finally {
      input.value = '';
    }
  } });
  return h(
    'span',
    { class: 'inline' },
    h('label', {}, label, ' ', input),
    ' ',
    h('label', {}, dry, ' ', t('dry_run_only')),
    ' ',
    result,
  );
}
