// The awards (资助) of a decided call: numbers, amounts, periods, status and the approved
// budget; the public-notice list exported as XLSX or CSV; the award letters.

import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan } from '../format.js';
import { exportButtons } from '../exporter.js';
import { lettersPanel } from '../letters.js';


export async function renderAwards(app, code) {
  const c = await call('get_call', { code });
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const body = h('tbody', {});
  const exported = h('p', { class: 'muted', 'data-test': 'exported' });

  function budgetRow(a) {
    const lines = a.budget.length === 0
      ? h('p', { class: 'muted' }, t('lump_sum_budget'))
      : h(
          'table',
          { class: 'plain compact', 'data-test': 'award-budget' },
          h('thead', {}, h('tr', {}, h('th', {}, t('year')), h('th', {}, t('category')), h('th', { class: 'num' }, t('amount')))),
          h('tbody', {}, a.budget.map((l) => h('tr', {}, h('td', {}, String(l.year)), h('td', {}, app.term('category', l.category)), h('td', { class: 'num' }, formatYuan(l.amount))))),
        );
    return h('tr', { class: 'details', hidden: true }, h('td', { colspan: 9 }, lines));
  }

  // One award's letter from its row (Chinese; the award's page offers the English one too).
  const letterButton = (a) => {
    const b = h('button', { 'data-test': 'row-letter', title: t('write_letter'), onclick: async () => {
      b.disabled = true;
      try {
        const i = await call('write_letter', { number: a.number, lang: 'zh' });
        if (i) mount(exported, t('letter_written', { path: i.path, n: i.number, v: i.version, p: i.pages, kb: Math.round(i.bytes / 1024) }));
      } catch (e) {
        app.error(e);
      } finally {
        b.disabled = false;
      }
    } }, t('letter_short'));
    return b;
  };

  async function draw() {
    const awards = await call('list_awards', { call: c.code });
    const rows = [];
    for (const a of awards) {
      const details = budgetRow(a);
      // The core says where each award may go next; ending one early asks twice.
      const moves = a.next.map((to) => {
        const b = h('button', { class: to === 'terminated' ? 'danger' : '', 'data-test': `award-${to}`, onclick: async () => {
          if (to === 'terminated' && b.dataset.armed !== 'yes') {
            b.dataset.armed = 'yes';
            b.textContent = `${t('to_terminated')}?`;
            return;
          }
          b.disabled = true;
          try {
            await call('set_award_status', { number: a.number, to });
            await draw();
          } catch (e) {
            app.error(e);
            b.disabled = false;
          }
        } }, t(`to_${to}`));
        return b;
      });
      const toggle = h('button', { 'data-test': 'show-budget', onclick: () => { details.hidden = !details.hidden; } }, t('approved_budget'));
      rows.push(
        h(
          'tr',
          { 'data-number': a.number },
          h('td', { 'data-test': 'award-number' }, h('a', { href: `${here}/award/${encodeURIComponent(a.number)}` }, a.number)),
          h('td', {}, h('a', { href: `${here}/p/${encodeURIComponent(a.reference)}` }, a.reference)),
          h('td', {}, pick(a, 'title') || a.title),
          h('td', {}, a.applicant),
          h('td', { class: 'num' }, formatYuan(a.amount)),
          h('td', { class: 'num muted' }, a.amount === a.requested ? '' : formatYuan(a.requested)),
          h('td', {}, `${a.start_on} – ${a.end_on}`),
          h('td', {}, h('span', { class: `badge ${a.status}`, 'data-test': 'award-status' }, app.term('award_status', a.status))),
          h('td', {}, h('div', { class: 'row-actions' }, toggle, letterButton(a), moves)),
        ),
        details,
      );
    }
    mount(body, rows.length === 0 ? h('tr', {}, h('td', { colspan: 9, class: 'muted' }, t('no_awards'))) : rows);
  }

  const exportButton = (label, test, args) => {
    const b = h('button', { 'data-test': test, onclick: async () => {
      b.disabled = true;
      try {
        const r = await call('export_notice', { call: c.code, ...args });
        if (r) mount(exported, t('exported_to', { path: r.path, f: r.funded, u: r.unfunded }));
      } catch (e) {
        app.error(e);
      } finally {
        b.disabled = false;
      }
    } }, label);
    return b;
  };

  await draw();
  return h(
    'section',
    { 'data-test': 'awards' },
    h('h1', {}, `${t('awards')} — ${c.code}`, h('span', { class: `badge ${c.status}` }, app.term('call_status', c.status))),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`), ' · ', h('a', { href: `${here}/decision` }, t('decision_board')), ' · ', h('a', { href: `${here}/finance`, 'data-test': 'to-finance' }, t('finance'))),
    h(
      'div',
      { class: 'actions' },
      exportButton(t('export_notice_xlsx'), 'export-xlsx', { xlsx: true }),
      exportButton(t('export_notice_csv'), 'export-csv', { xlsx: false, unfunded: false }),
      exportButton(t('export_unfunded_csv'), 'export-unfunded-csv', { xlsx: false, unfunded: true }),
      exportButtons(app, c.code, 'awards'),
    ),
    exported,
    lettersPanel(app, c.code, c.letter_lang),
    h(
      'div',
      { class: 'panel' },
      h(
        'table',
        { class: 'plain', 'data-test': 'awards-table' },
        h('thead', {}, h('tr', {}, [t('award_number'), t('col_reference'), t('col_title'), t('applicant'), t('award_amount'), t('col_requested'), t('period'), t('col_status'), ''].map((x, i) => h('th', { class: i === 4 || i === 5 ? 'num' : '' }, x)))),
        body,
      ),
    ),
  );
}
