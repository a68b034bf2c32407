// The window: routing, language, messages. Views ask the core through api.js and draw with
// dom.js; none of them computes a business figure.

import { call } from './api.js';
import { h, mount } from './dom.js';
import { t, setLang, lang, initialLang, pick } from './i18n.js';

const LANG_KEY = 'grantdesk.lang';
const main = () => document.getElementById('main');

/** What every view receives. */
export const app = {
  vocab: null,
  info: null,
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  /** The label of a domain code (statuses, categories, reasons…) in the current (or given) language. */
  term(kind, code, inLang) {
    const found = app.vocab?.[kind]?.find((x) => x.code === code);
    return found ? pick(found, null, inLang) : code;
  },
  toast(message) {
    show(message, false);
  },
  error(e) {
    show(e?.message ?? String(e), true);
  },
  clearMessages() {
    mount(document.getElementById('status'));
  },
};

function show(message, isError) {
  const box = document.getElementById('status');
  mount(box, h('div', { class: isError ? 'toast error' : 'toast', 'data-test': isError ? 'error' : 'toast' }, message));
}

function chrome() {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app_title');
  document.getElementById('brand-title').textContent = t('app_title');
  document.getElementById('lang-label').textContent = t('language');
  document.getElementById('lang-select').value = lang();
  mount(
    document.getElementById('nav'),
    h('a', { href: '#/calls', 'data-test': 'nav-calls' }, t('nav_calls')),
    h('a', { href: '#/reviewers', 'data-test': 'nav-reviewers' }, t('nav_reviewers')),
    h('a', { href: '#/officers', 'data-test': 'nav-officers' }, t('nav_officers')),
    h('a', { href: '#/settings', 'data-test': 'nav-settings' }, t('nav_settings')),
  );
}

/** Marks the end of the record's checks on the page (make measure and the tests wait for it). */
function recordChecked() {
  document.getElementById('warnings').dataset.checked = 'true';
}

/** The warnings the officer closed (by their English text): a later list does not bring them back. */
const dismissed = new Set();

/** What the start found wrong (a broken audit chain, a failed backup), above every page. */
function warnings() {
  const box = document.getElementById('warnings');
  const list = (app.info?.warnings ?? []).filter((w) => !dismissed.has(w.message.en));
  mount(
    box,
    list.map((w) => {
      const item = h('div', { class: 'toast error', role: 'alert', 'data-test': 'startup-warning', 'data-code': w.code }, pick(w.message), ' ');
      item.append(
        h('button', {
          onclick: () => {
            dismissed.add(w.message.en);
            item.remove();
          },
        }, t('dismiss')),
      );
      return item;
    }),
  );
}

/** Every warning so far, sent when the checks of the record (the audit chain, the day's
 * backup) end after the window opened; it may come before the first `app_info` answer. */
let lateWarnings = null;
function warningsArrived(list) {
  lateWarnings = list;
  recordChecked();
  if (app.info) {
    app.info.warnings = list;
    warnings();
  }
}

let generation = 0;

async function route({ keepScroll = false } = {}) {
  const mine = ++generation;
  const scrolled = main().scrollTop;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent).filter(Boolean);
  let view;
  try {
    view = await resolve(parts);
  } catch (e) {
    view = h('p', { class: 'form-errors' }, e?.message ?? String(e));
  }
  if (mine !== generation) return; // a newer navigation won
  mount(main(), view);
  if (keepScroll) {
    // The same page drawn again with another officer's change: where the officer was.
    main().scrollTop = scrolled;
    return;
  }
  // A new page starts at its top, whatever the last one was scrolled to.
  main().scrollTop = 0;
  main().focus({ preventScroll: true });
}

/**
 * Another officer committed a change on the shared database (the shell forwards the server's
 * notification). A page showing that call, or the list of calls, is drawn again where it was;
 * a form being filled in is left alone, with a word that saving over the change is refused.
 */
function changedElsewhere(change) {
  const here = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const onList = here === '' || here === 'calls';
  const onCall = change.call && (here === `call/${change.call}` || here.startsWith(`call/${change.call}/`));
  if (!onList && !onCall && change.call) return;
  const editing = /\/(edit|new|new-proposal|import)$/.test(here) || here === 'call/new' || /^reviewers\/./.test(here);
  if (editing) {
    app.toast(t('changed_elsewhere_editing', { who: change.actor }));
    return;
  }
  route({ keepScroll: true });
  app.toast(t('changed_elsewhere', { who: change.actor }));
}

// Each view's module is loaded when a page first needs it, not all at start: the window parses,
// compiles and keeps in memory only the views an officer opens (issue #17).
async function resolve(p) {
  if (p.length === 0 || p[0] === 'calls') return (await import('./views/calls.js')).renderCalls(app);
  if (p[0] === 'reviewers') return (await import('./views/reviewers.js')).renderReviewers(app, p[1] ?? null);
  if (p[0] === 'settings') return (await import('./views/settings.js')).renderSettings(app);
  if (p[0] === 'officers') return (await import('./views/officers.js')).renderOfficers(app);
  if (p[0] === 'call' && p[2] === 'ranking') return (await import('./views/ranking.js')).renderRanking(app, p[1]);
  if (p[0] === 'call' && p[2] === 'matrix') return (await import('./views/matrix.js')).renderMatrix(app, p[1]);
  if (p[0] === 'call' && p[2] === 'decision') return (await import('./views/decision.js')).renderDecision(app, p[1]);
  if (p[0] === 'call' && p[2] === 'awards') return (await import('./views/awards.js')).renderAwards(app, p[1]);
  if (p[0] === 'call' && p[2] === 'finance') return (await import('./views/finance.js')).renderFinance(app, p[1]);
  if (p[0] === 'call' && p[2] === 'award' && p[3]) return (await import('./views/award.js')).renderAward(app, p[1], p[3]);
  if (p[0] === 'call' && p[2] === 'import') return (await import('./views/importer.js')).renderImport(app, p[1]);
  if (p[0] === 'call' && p[1] === 'new') return (await import('./views/callForm.js')).renderCallForm(app, null);
  if (p[0] === 'call' && p.length === 2) return (await import('./views/dashboard.js')).renderDashboard(app, p[1]);
  if (p[0] === 'call' && p[2] === 'edit') return (await import('./views/callForm.js')).renderCallForm(app, p[1]);
  if (p[0] === 'call' && p[2] === 'proposals') return (await import('./views/proposals.js')).renderProposals(app, p[1]);
  if (p[0] === 'call' && p[2] === 'new-proposal') return (await import('./views/proposalForm.js')).renderProposalForm(app, p[1], null);
  if (p[0] === 'call' && p[2] === 'p' && p[4] === 'edit') return (await import('./views/proposalForm.js')).renderProposalForm(app, p[1], p[3]);
  if (p[0] === 'call' && p[2] === 'p') return (await import('./views/proposal.js')).renderProposal(app, p[1], p[3]);
  return (await import('./views/calls.js')).renderCalls(app);
}

async function changeLang(next) {
  setLang(next);
  localStorage.setItem(LANG_KEY, lang());
  await call('set_lang', { lang: lang() });
  chrome();
  warnings();
  await route();
}

async function start() {
  // Listening first: the checks of the record may end before the first answer below.
  try {
    await window.__TAURI__?.event?.listen('warnings', (e) => warningsArrived(e.payload));
  } catch {
    // no events (a page opened outside the window): the first answer's warnings stand
  }
  try {
    app.info = await call('app_info');
    if (lateWarnings) app.info.warnings = lateWarnings;
    if (app.info.record_checked) recordChecked();
    app.vocab = await call('vocabulary');
  } catch (e) {
    mount(main(), h('p', { class: 'form-errors' }, e?.message ?? String(e)));
    return;
  }
  setLang(initialLang(localStorage.getItem(LANG_KEY), app.info.system_lang));
  await call('set_lang', { lang: lang() });
  chrome();
  warnings();
  document.getElementById('lang-select').addEventListener('change', (e) => changeLang(e.target.value));
  window.addEventListener('hashchange', () => {
    app.clearMessages();
    route();
  });
  window.__TAURI__?.event?.listen('changed', (e) => changedElsewhere(e.payload));
  // Where the officer left off on this database: its last call, if it is still there.
  if (!location.hash && app.info.last_call) {
    try {
      await call('get_call', { code: app.info.last_call });
      location.hash = `#/call/${encodeURIComponent(app.info.last_call)}`;
      return; // the hashchange routes
    } catch {
      // gone (a restore, another database): the list of calls
    }
  }
  await route();
}

start();
