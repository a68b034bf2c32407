// Award letters (立项通知书) from the window: one award's, or all of a call's with a progress
// bar that can be cancelled; checking a file against the register; the agency that issues
// them. The core writes, registers and checks; these only ask and show.

import { call, fileButton } from './api.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';
import { showErrors } from './form.js';

function openFolder(app, path) {
  return h('button', { class: 'link', 'data-test': 'open-folder', onclick: async () => {
    try {
      await call('open_folder', { path });
    } catch (e) {
      app.error(e);
    }
  } }, t('open_folder'));
}

function issuedLine(app, i) {
  return [t('letter_written', { path: i.path, n: i.number, v: i.version, p: i.pages, kb: Math.round(i.bytes / 1024) }), ' ', openFolder(app, i.path)];
}

/** Buttons that write one award's letter (Chinese, and the English variant) and say where. */
export function letterButtons(app, number) {
  const note = h('span', { class: 'muted', 'data-test': 'letter-written' });
  const button = (lang) => {
    const b = h('button', { 'data-test': `write-letter-${lang}`, onclick: async () => {
      b.disabled = true;
      try {
        const i = await call('write_letter', { number, lang });
        if (i) mount(note, issuedLine(app, i));
      } catch (e) {
        app.error(e);
      } finally {
        b.disabled = false;
      }
    } }, lang === 'zh' ? t('write_letter') : t('write_letter_en'));
    return b;
  };
  return [button('zh'), button('en'), note];
}

/** The verdict of the register on a file, as a line. */
function verdictLine(v) {
  if (v.issued) {
    return h('span', { class: v.superseded ? 'warn' : 'ok', 'data-test': 'verdict' }, t(v.superseded ? 'letter_superseded' : 'letter_genuine', { n: v.issued.number, v: v.issued.version }), ` (SHA-256 ${v.sha256.slice(0, 16)}…)`);
  }
  if (v.merged) {
    return h('span', { class: 'ok', 'data-test': 'verdict' }, t('letters_merged_genuine', { c: v.merged.call, n: v.merged.letters.length }));
  }
  return h('span', { class: 'form-errors', 'data-test': 'verdict' }, t('letter_no_match'), ` (SHA-256 ${v.sha256.slice(0, 16)}…)`);
}

/** A file button (the system's dialog) that checks a PDF against the register of issued letters. */
export function verifyField(app) {
  const result = h('span', { 'data-test': 'verify-result' });
  const button = fileButton(h, { label: `${t('verify_letter')}…`, test: 'verify-letter', kind: 'pdf', onError: (e) => app.error(e), chosen: async (f) => {
    mount(result);
    mount(result, verdictLine(await call('verify_letter', { upload: { call: '', name: f.name, data: f.data } })));
  } });
  return h('span', { class: 'inline' }, button, ' ', result);
}

/** Every issued award's letter of a call: language, merged file, progress, cancel. */
export function lettersPanel(app, callCode, callLang = 'zh') {
  const lang = h('select', { 'data-test': 'letters-lang' }, h('option', { value: 'zh' }, '中文'), h('option', { value: 'en' }, 'English'));
  lang.value = callLang === 'en' ? 'en' : 'zh';
  const merged = h('input', { type: 'checkbox', 'data-test': 'letters-merged' });
  const bar = h('progress', { max: 1, value: 0, hidden: true, 'data-test': 'letters-progress' });
  const count = h('span', { class: 'muted' });
  const result = h('p', { class: 'muted', 'data-test': 'letters-result' });
  const cancel = h('button', { hidden: true, 'data-test': 'letters-cancel', onclick: () => call('cancel_letters').catch((e) => app.error(e)) }, t('cancel'));
  const go = h('button', { class: 'primary', 'data-test': 'write-letters', onclick: async () => {
    go.disabled = true;
    cancel.hidden = false;
    bar.hidden = false;
    bar.value = 0;
    mount(result);
    const poll = setInterval(async () => {
      try {
        const p = await call('letters_progress');
        if (p.total > 0) {
          bar.max = p.total;
          bar.value = p.done;
          mount(count, `${p.done} / ${p.total}`);
        }
      } catch {
        // The next poll asks again.
      }
    }, 200);
    try {
      const b = await call('write_letters', { call: callCode, lang: lang.value, merged: merged.checked });
      if (!b) {
        bar.hidden = true; // the folder dialog was cancelled
        return;
      }
      bar.max = b.total;
      bar.value = b.issued.length;
      mount(count, `${b.issued.length} / ${b.total}`);
      mount(
        result,
        b.cancelled ? t('letters_cancelled', { n: b.issued.length, total: b.total }) : t('letters_written', { n: b.issued.length, dir: b.dir }),
        ' ',
        openFolder(app, b.dir),
        b.merged ? h('span', { 'data-test': 'letters-merged-file' }, ' · ', t('letters_merged_file', { path: b.merged.path, p: b.merged.pages })) : null,
      );
    } catch (e) {
      app.error(e);
    } finally {
      clearInterval(poll);
      go.disabled = false;
      cancel.hidden = true;
    }
  } }, t('write_letters'));
  return h(
    'div',
    { class: 'panel', 'data-test': 'letters-panel' },
    h('h2', {}, t('award_letters')),
    h('div', { class: 'actions' }, go, lang, h('label', {}, merged, ' ', t('letters_merged')), bar, count, cancel),
    result,
    h('div', { class: 'actions' }, verifyField(app)),
  );
}

/** The agency that issues the letters: names, letterheads, standard conditions, fonts. */
export async function agencyForm(app) {
  const form = await call('get_agency');
  const inputs = {};
  const field = (key, label, area = false, pick = false) => {
    const input = area
      ? h('textarea', { rows: 5, id: `agency-${key}`, 'data-test': `agency-${key}` }, form[key])
      : h('input', { type: 'text', id: `agency-${key}`, value: form[key], 'data-test': `agency-${key}` });
    inputs[key] = input;
    // A font file is chosen in the system's dialog (or typed); the core checks it on saving.
    const choose = pick
      ? h('button', { type: 'button', 'data-test': `choose-${key}`, onclick: async () => {
          try {
            const path = await call('choose_font');
            if (path) input.value = path;
          } catch (e) {
            app.error(e);
          }
        } }, t('choose_file'))
      : null;
    return h('div', { class: 'field', 'data-field': key }, h('label', { for: `agency-${key}` }, label), choose ? h('span', { class: 'inline input-with-button' }, input, choose) : input, h('span', { class: 'field-error', 'data-error-for': key }));
  };
  const parts = {
    name_zh: field('name_zh', t('agency_name_zh')),
    name_en: field('name_en', t('agency_name_en')),
    letterhead_zh: field('letterhead_zh', t('letterhead_zh')),
    letterhead_en: field('letterhead_en', t('letterhead_en')),
    conditions_zh: field('conditions_zh', t('conditions_zh'), true),
    conditions_en: field('conditions_en', t('conditions_en'), true),
    title_font: field('title_font', t('title_font'), false, true),
    body_font: field('body_font', t('body_font'), false, true),
  };
  const general = h('p', { class: 'form-errors', 'data-test': 'agency-errors', tabindex: '-1' });
  const root = h('div', { class: 'grid' }, Object.values(parts));
  const save = h('button', { class: 'primary', 'data-test': 'save-agency', onclick: async () => {
    save.disabled = true;
    try {
      const sent = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value]));
      const back = await call('set_agency', { form: sent });
      for (const [k, input] of Object.entries(inputs)) input.value = back[k];
      showErrors(root, { fields: [] }, general);
      general.textContent = '';
      app.toast(t('agency_saved'));
    } catch (e) {
      showErrors(root, e, general);
    } finally {
      save.disabled = false;
    }
  } }, t('save'));
  return h(
    'div',
    { class: 'panel', 'data-test': 'agency' },
    h('p', { class: 'sub' }, t('agency_note')),
    general,
    root,
    h('div', { class: 'actions' }, save),
  );
}
