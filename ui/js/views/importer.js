// The import wizard: choose a file → check the column mapping → the dry-run report, row by
// row → import (every row or none). The core reads, maps, checks and writes; this view only
// sends the file and shows the answers.

import { call, fileButton } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';

export async function renderImport(app, code) {
  const c = await call('get_call', { code });
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const state = { name: null, data: null, overrides: {} };
  // Each panel shows once it is filled (CSS `.panel.when-filled:empty`). Not `:has()` on a
  // wrapper: WebKitGTK 2.50 did not lay the wrapper out again when its child filled, and the
  // report stayed invisible while it was in the page.
  const mapping = h('div', { class: 'panel when-filled', 'data-test': 'import-mapping' });
  const report = h('div', { class: 'panel when-filled', 'data-test': 'import-report' });
  const errors = h('div', { class: 'form-errors', 'data-test': 'import-errors' });
  const run = h('button', { class: 'primary', 'data-test': 'import-run', disabled: true }, t('import_run'));

  const upload = () => ({ call: c.code, name: state.name, data: state.data, overrides: state.overrides });

  function fieldLabel(f) {
    if (!f) return t('field_none');
    const m = /^budget:(\w+):(\d+)$/.exec(f);
    if (m) return `${app.term('category', m[1])} · ${t('year_n', { n: m[2] })}`;
    return `${t(`field_${f}`)} (${f})`;
  }

  function drawMapping(preview) {
    const rows = preview.headers.map((header) => {
      const current = preview.report.mapping.columns[header] ?? '';
      const select = h(
        'select',
        { 'data-test': 'map-select', 'data-header': header, onchange: async (e) => { state.overrides[header] = e.target.value; await check(); } },
        h('option', { value: '', selected: current === '' }, t('field_none')),
        preview.fields.map((f) => h('option', { value: f, selected: f === current }, fieldLabel(f))),
      );
      return h('tr', {}, h('td', {}, header), h('td', {}, select));
    });
    mount(mapping, h('h2', {}, t('import_mapping')), h('table', { class: 'plain compact' }, h('thead', {}, h('tr', {}, h('th', {}, t('import_column')), h('th', {}, t('import_field')))), h('tbody', {}, rows)));
  }

  function drawReport(r) {
    const counts = t('import_counts', { c: r.created, u: r.updated, s: r.unchanged, x: r.refused, enc: r.encoding });
    const missing = r.missing.map((m) => h('p', { class: 'form-errors' }, t('import_missing', { f: fieldLabel(m) })));
    const issues = r.issues.length === 0
      ? h('p', { class: 'ok' }, t('import_clean'))
      : h(
          'table',
          { class: 'plain compact', 'data-test': 'import-issues' },
          h('thead', {}, h('tr', {}, h('th', {}, t('import_row')), h('th', {}, t('import_column')), h('th', {}, t('import_value')), h('th', {}, t('import_problem')))),
          h('tbody', {}, r.issues.map((i) => h('tr', { 'data-line': i.line, 'data-rule': i.rule }, h('td', {}, String(i.line)), h('td', {}, i.column), h('td', {}, i.value), h('td', {}, pick(i.message))))),
        );
    const actions = h(
      'table',
      { class: 'plain compact', 'data-test': 'import-rows' },
      h('thead', {}, h('tr', {}, h('th', {}, t('import_row')), h('th', {}, t('col_reference')), h('th', {}, t('col_title')), h('th', {}, t('import_action')))),
      h('tbody', {}, r.rows.slice(0, 200).map((x) => h('tr', {}, h('td', {}, String(x.line)), h('td', {}, x.reference), h('td', {}, x.title), h('td', { class: x.action ? '' : 'form-errors' }, x.action ? t(`action_${x.action}`) : t('action_refused'))))),
    );
    mount(report, h('h2', {}, t('import_report')), h('p', { 'data-test': 'import-counts' }, counts), missing, issues, r.rows.length > 200 ? h('p', { class: 'muted' }, t('import_first_rows', { n: 200 })) : null, actions);
    run.disabled = r.refused > 0 || r.missing.length > 0 || r.issues.length > 0 || r.created + r.updated === 0;
  }

  async function check() {
    mount(errors);
    try {
      const preview = await call('import_preview', { upload: upload() });
      drawMapping(preview);
      drawReport(preview.report);
    } catch (e) {
      mount(errors, e.message ?? String(e));
      run.disabled = true;
    }
  }

  const chosenName = h('span', { class: 'muted', 'data-test': 'import-file-name' });
  const file = fileButton(h, { label: t('import_choose_button'), test: 'import-file', kind: 'sheet', onError: (e) => mount(errors, e.message ?? String(e)), chosen: async (f) => {
    state.name = f.name;
    state.data = f.data;
    state.overrides = {};
    chosenName.textContent = f.name;
    await check();
  } });

  run.addEventListener('click', async () => {
    run.disabled = true;
    try {
      const r = await call('import_commit', { upload: upload() });
      app.toast(t('import_done', { c: r.created, u: r.updated, s: r.unchanged }));
      app.go(`${here}/proposals`);
    } catch (e) {
      mount(errors, e.message ?? String(e));
    }
  });

  return h(
    'section',
    { 'data-test': 'import' },
    h('h1', {}, `${t('import_heading')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('div', { class: 'panel' }, h('p', {}, t('import_help')), h('div', { class: 'field' }, h('span', {}, t('import_choose')), h('span', { class: 'inline' }, file, ' ', chosenName))),
    errors,
    h('div', { class: 'panels' }, report, mapping),
    h('div', { class: 'actions' }, run),
  );
}
