// Export buttons for a table: the shell asks where in the system's dialog (exports/ beside
// the database offered), the core writes the file; the buttons only ask, and say where.

import { call } from './api.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';

/**
 * [XLSX button, CSV button, where-it-went line] for `what` (proposals, ranking, awards).
 * `view()` gives what the table shows when the button is pressed: the ranking's `order`, the
 * proposals' filter and `sort` (null: the whole table).
 */
export function exportButtons(app, callCode, what, view = () => null) {
  const note = h('span', { class: 'muted', 'data-test': `exported-${what}` });
  const button = (xlsx) => {
    const b = h('button', { 'data-test': `export-${what}-${xlsx ? 'xlsx' : 'csv'}`, onclick: async () => {
      b.disabled = true;
      try {
        const r = await call('export_table', { call: callCode, what, xlsx, view: view() });
        if (r) mount(note, t('exported_table', { path: r.path, n: r.rows }));
      } catch (e) {
        app.error(e);
      } finally {
        b.disabled = false;
      }
    } }, xlsx ? t('export_xlsx') : t('export_csv'));
    return b;
  };
  return [button(true), button(false), note];
}
