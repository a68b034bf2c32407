// A file button (the system's dialog) that sends the chosen spreadsheet (CSV or XLSX) to one core command and
// shows its answer. The core reads, checks and writes (every row or none); with "check only"
// ticked it checks the same way and writes nothing.

import { call, fileButton } from './api.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';

export function uploadField(app, { label, test, command, callCode = '', done }) {
  const result = h('span', { class: 'muted', 'data-test': `${test}-result` });
  const dry = h('input', { type: 'checkbox', 'data-test': `${test}-dry` });
  const showError = (err) => mount(result, h('span', { class: 'form-errors' }, err.message ?? String(err)));
  const chosen = async (f) => {
    mount(result);
    try {
      const dryRun = dry.checked;
      const n = await call(command, { upload: { call: callCode, name: f.name, data: f.data, dry_run: dryRun } });
      if (dryRun) {
        mount(result, t('checked_n', { n }));
      } else {
        app.toast(t('imported_n', { n }));
        await done?.(n);
      }
    } catch (err) {
      showError(err);
    }
  };
  return h(
    'span',
    { class: 'inline' },
    fileButton(h, { label: `${label}…`, test, kind: 'sheet', chosen, onError: showError }),
    ' ',
    h('label', {}, dry, ' ', t('dry_run_only')),
    ' ',
    result,
  );
}
