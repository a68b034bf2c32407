import { call } from '../api.js';
import { h } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';

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

function startScreen(app) {
  const sample = h('button', { class: 'primary', 'data-test': 'load-sample', onclick: () => loadSample(app, sample) }, t('load_sample'));
  const reviewed = h('button', { 'data-test': 'load-sample-reviewed', onclick: () => loadSample(app, reviewed, 'reviewed') }, t('load_sample_reviewed'));
  const awarded = h('button', { 'data-test': 'load-sample-awarded', onclick: () => loadSample(app, awarded, 'awarded') }, t('load_sample_awarded'));
  return h(
    'section',
    { class: 'start', 'data-test': 'start' },
    h('img', { src: 'icon.png', alt: '', width: 48, height: 48 }),
    h('h1', {}, t('start_heading')),
    h('p', { class: 'sub' }, t('start_text')),
    h('div', { class: 'actions' }, sample, reviewed, awarded, h('a', { class: 'button', href: '#/call/new', 'data-test': 'new-call' }, t('new_call'))),
  );
}

export async function renderCalls(app) {
  const calls = await call('list_calls');
  if (calls.length === 0) return startScreen(app);
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
