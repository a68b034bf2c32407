// A file chooser that sends the chosen spreadsheet (CSV or XLSX) to one core command and
// shows its answer. The core reads, checks and writes (every row or none).

import { call } from './api.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { toBase64 } from './views/importer.js';

export function uploadField(app, { label, test, command, callCode = '', done }) {
  const result = h('span', { class: 'muted', 'data-test': `${test}-result` });
  const input = h('input', { type: 'file', accept: '.csv,.xlsx', 'data-test': test, onchange: async (e) => {
    const f = e.target.files?.[0];
    if (!f) return;
    mount(result);
    try {
      const data = toBase64(new Uint8Array(await f.arrayBuffer()));
      const n = await call(command, { upload: { call: callCode, name: f.name, data } });
      app.toast(t('imported_n', { n }));
      await done?.(n);
    } catch (err) {
      mount(result, h('span', { class: 'form-errors' }, err.message ?? String(err)));
    } finally {
      input.value = '';
    }
  } });
  return h('label', { class: 'inline' }, label, ' ', input, result);
}
