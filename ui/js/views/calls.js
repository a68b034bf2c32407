import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { showErrors } from '../form.js';

async function loadSample(app, button, stage = null) {
  button.disabled = true;
  try {
    const loaded = await call('load_sample', { stage });
    app.go(`#/call/${encodeURIComponent(loaded.call)}`);
    app.toast(t('sample_loaded', { n: loaded.proposals_total }));
  } catch (e) {
    app.error(e);
    button.disabled = false;
  }
}

// Time zones an agency in China (and a few abroad) would pick at its first run.
const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'UTC'];

/**
 * The first run's questions, asked once on the start screen until answered: the agency's
 * names, its letterhead (the letters print them) and its time zone (every act is dated in
 * it). The core checks and keeps them together; `done` is called with the settings after.
 */
function firstRun(settings, done) {
  const model = { name_zh: '', name_en: '', letterhead_zh: '', letterhead_en: '', time_zone: settings.time_zone };
  const field = (key, label, input) =>
    h('div', { class: 'field', 'data-field': key }, h('label', { for: `first-${key}` }, label), input, h('span', { class: 'field-error', 'data-error-for': key }));
  const text = (key, label, placeholder) =>
    field(key, label, h('input', { type: 'text', id: `first-${key}`, 'data-test': `first-${key}`, value: model[key], placeholder, autocomplete: 'off', oninput: (e) => { model[key] = e.target.value; } }));
  // A choice of the usual zones (the settings page takes any IANA name).
  const zones = ZONES.includes(model.time_zone) ? ZONES : [model.time_zone, ...ZONES];
  const zone = field('time_zone', t('time_zone'), h('select', { id: 'first-time_zone', 'data-test': 'first-time_zone', onchange: (e) => { model.time_zone = e.target.value; } }, zones.map((z) => h('option', { value: z, selected: z === model.time_zone }, z))));
  const grid = h(
    'div',
    { class: 'grid' },
    text('name_zh', t('agency_name_zh'), t('first_name_zh_eg')),
    text('name_en', t('agency_name_en'), t('first_name_en_eg')),
    text('letterhead_zh', t('letterhead_zh'), t('first_letterhead_zh_eg')),
    text('letterhead_en', t('letterhead_en')),
    zone,
  );
  const general = h('p', { class: 'form-errors', 'data-test': 'first-errors', tabindex: '-1' });
  const save = h('button', { class: 'primary', type: 'submit', 'data-test': 'first-save' }, t('first_save'));
  const form = h(
    'form',
    { class: 'panel first-run', 'data-test': 'first-run', novalidate: true },
    h('h2', {}, t('first_heading')),
    h('p', { class: 'sub' }, t('first_text')),
    general,
    grid,
    h('div', { class: 'actions' }, save),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      done(await call('first_run', { form: model }));
    } catch (e) {
      showErrors(grid, e, general);
      save.disabled = false;
    }
  });
  return form;
}

async function startScreen(app) {
  const sample = h('button', { class: 'primary', 'data-test': 'load-sample', onclick: () => loadSample(app, sample) }, t('load_sample'));
  const reviewed = h('button', { 'data-test': 'load-sample-reviewed', onclick: () => loadSample(app, reviewed, 'reviewed') }, t('load_sample_reviewed'));
  const awarded = h('button', { 'data-test': 'load-sample-awarded', onclick: () => loadSample(app, awarded, 'awarded') }, t('load_sample_awarded'));
  const settings = await call('get_settings');
  // A real call waits for the agency: its letters would otherwise print the sample's
  // fictional one. The sample itself needs no answers.
  const newCall = h('a', { class: 'button', href: '#/call/new', 'data-test': 'new-call' }, t('new_call'));
  const asked = h('div', {});
  const show = (s) => {
    if (s.agency_set) {
      newCall.classList.remove('disabled');
      newCall.removeAttribute('aria-disabled');
      newCall.setAttribute('href', '#/call/new');
      mount(asked, h('p', { class: 'ok', 'data-test': 'first-done' }, t('first_done', { z: s.time_zone })));
    } else {
      newCall.classList.add('disabled');
      newCall.setAttribute('aria-disabled', 'true');
      newCall.removeAttribute('href');
      newCall.title = t('first_needed');
      mount(asked, firstRun(s, (after) => { show(after); app.toast(t('agency_saved')); }));
    }
  };
  show(settings);
  return h(
    'section',
    { class: 'start', 'data-test': 'start' },
    h('img', { src: 'icon.png', alt: '', width: 48, height: 48 }),
    h('h1', {}, t('start_heading')),
    h('p', { class: 'sub' }, t('start_text')),
    h('div', { class: 'actions' }, sample, reviewed, awarded, newCall),
    asked,
  );
}

export async function renderCalls(app) {
  const calls = await call('list_calls');
  if (calls.length === 0) return await startScreen(app);
  // The sample is offered only on an empty database (the start screen): never beside real calls.
  return h(
    'section',
    {},
    h('h1', {}, t('calls_heading')),
    h('div', { class: 'actions' }, h('a', { class: 'button primary', href: '#/call/new', 'data-test': 'new-call' }, t('new_call'))),
    h(
      'div',
      { class: 'panel' },
      h(
        'table',
        { class: 'plain', 'data-test': 'calls-table' },
        h('thead', {}, h('tr', {}, [t('col_code'), t('col_title'), t('col_status'), t('col_budget'), t('col_max_awards'), t('col_window')].map((c, i) => h('th', { class: i === 3 || i === 4 ? 'num' : '' }, c)))),
        h(
          'tbody',
          {},
          calls.map((c) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/call/${encodeURIComponent(c.code)}` }, c.code)),
              h('td', {}, pick(c, 'title')),
              h('td', {}, h('span', { class: `badge ${c.status}` }, app.term('call_status', c.status))),
              h('td', { class: 'num' }, formatYuan(c.total_budget)),
              h('td', { class: 'num' }, String(c.max_awards)),
              h('td', {}, `${c.opens_on} – ${c.closes_on}`),
            ),
          ),
        ),
      ),
    ),
  );
}
