// The decision board (立项决策): the ranking with the proposed awards, live totals and a
// budget gauge, the optimiser's suggestion beside the current choice, the robustness of each
// place, and issuing the awards. Every limit is checked by the core; this view asks and shows.

import { call } from '../api.js';
import { h, s, mount } from '../dom.js';
import { t, pick } from '../i18n.js';
import { formatYuan, formatPermille } from '../format.js';

const ORDERS = ['mean', 'trimmed_mean', 'calibrated'];
const PAGE = 200;

/** The gauge: committed against the budget, and the awards used of the cap. */
function gauge(b) {
  const W = 640;
  const barW = W - 10;
  const permille = Math.min(1000, b.committed_permille);
  const svg = s('svg', { viewBox: `0 0 ${W} 74`, width: '100%', role: 'img', 'data-test': 'budget-gauge' });
  svg.appendChild(s('title', {}, t('budget_gauge')));
  svg.appendChild(s('rect', { x: 0, y: 4, width: barW, height: 22, rx: 4, fill: '#e3ecf8' }));
  svg.appendChild(s('rect', { x: 0, y: 4, width: Math.max(2, (barW * permille) / 1000), height: 22, rx: 4, fill: b.committed_permille > 1000 ? '#b42318' : '#1f7a4d' }));
  svg.appendChild(s('text', { x: 8, y: 20, 'font-size': 12, fill: permille > 350 ? '#fff' : '#1b2430' }, `${formatYuan(b.committed)} / ${formatYuan(b.budget)} · ${formatPermille(b.committed_permille)}`));
  const cap = b.max_awards;
  const box = Math.min(36, (barW - 4 * cap) / Math.max(1, cap));
  for (let i = 0; i < cap; i += 1) {
    svg.appendChild(s('rect', { x: i * (box + 4), y: 40, width: box, height: 18, rx: 3, fill: i < b.awards ? '#1d4f91' : '#fff', stroke: '#1d4f91' }));
  }
  svg.appendChild(s('text', { x: cap * (box + 4) + 6, y: 54, 'font-size': 12, fill: '#5b6778' }, t('awards_of_cap', { n: b.awards, cap })));
  return svg;
}

function field(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

const NEVER = { per_mille: 0, verdict: 'stable_out' };

export async function renderDecision(app, code) {
  const c = await call('get_call', { code });
  const here = `#/call/${encodeURIComponent(c.code)}`;
  // The board shows the top `limit` of the ranking (and every decision below): more on asking.
  const state = { order: 'mean', suggestion: null, stability: null, board: null, limit: PAGE };
  const editable = () => state.board?.actions.review === true;
  // The suggestion's proposals are on the board wherever they rank while it is on screen.
  const suggestedRefs = () => state.suggestion?.chosen.map((x) => x.reference) ?? [];

  // The optimiser's controls.
  const mode = h('select', { 'data-test': 'opt-mode' }, h('option', { value: 'exact' }, t('mode_exact')), h('option', { value: 'strict' }, t('mode_strict')));
  const order = h('select', { 'data-test': 'opt-order', onchange: async (e) => { state.order = e.target.value; state.suggestion = null; state.stability = null; await refresh(); } }, ORDERS.map((o) => h('option', { value: o }, t(`agg_${o}`))));
  const cut = h('input', { class: 'narrow', 'data-test': 'opt-cut', placeholder: '0', inputmode: 'decimal' });
  const quotaInputs = c.topics.map((tp) => ({
    topic: tp.code,
    min: h('input', { class: 'tiny', 'data-test': `quota-min-${tp.code}`, inputmode: 'numeric', placeholder: '0' }),
    max: h('input', { class: 'tiny', 'data-test': `quota-max-${tp.code}`, inputmode: 'numeric', placeholder: String(c.max_awards) }),
  }));
  const form = () => ({
    call: c.code,
    mode: mode.value,
    order: state.order,
    cut: cut.value,
    quotas: quotaInputs.map((q) => ({ topic: q.topic, min: q.min.value, max: q.max.value })),
  });
  const optErrors = h('div', { class: 'form-errors', 'data-test': 'opt-errors' });
  const summary = h('div', { 'data-test': 'suggestion-summary' });

  async function guarded(button, fn) {
    button.disabled = true;
    mount(optErrors);
    try {
      await fn();
    } catch (e) {
      mount(optErrors, (e.fields?.length ? e.fields.map((f) => `${f.field}: ${f.message}`).join('\n') : e.message) ?? String(e));
      app.error(e);
    } finally {
      button.disabled = false;
    }
  }
  const suggestBtn = h('button', { 'data-test': 'suggest', onclick: () => guarded(suggestBtn, async () => { state.suggestion = await call('decision_suggest', { form: form() }); await refresh(); }) }, t('suggest'));
  const applyBtn = h('button', { class: 'primary', 'data-test': 'apply-suggestion', onclick: () => guarded(applyBtn, async () => { state.board = await call('decision_apply', { form: form(), limit: state.limit }); state.suggestion = await call('decision_suggest', { form: form() }); await refresh(); app.toast(t('applied', { n: state.board.awards })); }) }, t('apply_suggestion'));
  const robustBtn = h('button', { 'data-test': 'robustness', onclick: () => guarded(robustBtn, async () => { const robustness = await call('decision_robustness', { form: form(), draws: 1000, seed: 2026 }); state.stability = new Map(robustness.rows.map((x) => [x.reference, x])); draw(); }) }, t('robustness'));

  const totals = h('div', { class: 'panel', 'data-test': 'totals' });
  const body = h('tbody', {});
  const issuePanel = h('div', { class: 'panel', 'data-test': 'issue-panel' });
  const more = h('div', { class: 'more' });
  const moreBtn = h('button', { 'data-test': 'board-more', onclick: () => guarded(moreBtn, async () => { state.limit += PAGE; await refresh(); }) }, t('board_more', { n: PAGE }));

  function drawSummary() {
    const sg = state.suggestion;
    if (!sg) return mount(summary);
    const head = sg.proved_best ? t('proved_best') : sg.options.mode === 'strict_rank' ? t('strict_note') : t('no_feasible');
    mount(
      summary,
      h('p', { class: sg.feasible ? 'ok' : 'form-errors' }, head),
      h('p', {}, t('suggestion_line', { n: sg.chosen.length, total: formatYuan(sg.total), left: formatYuan(sg.remaining), score: sg.score.toFixed(2) })),
      sg.warnings.map((w) => h('p', { class: 'form-errors' }, pick(w))),
    );
  }

  function drawTotals() {
    const b = state.board;
    mount(
      totals,
      h('h2', {}, t('running_totals')),
      gauge(b),
      h(
        'div',
        { class: 'cards' },
        h('div', { class: 'card', 'data-test': 'kpi-committed' }, h('div', { class: 'label' }, t('committed')), h('div', { class: 'value' }, formatYuan(b.committed))),
        h('div', { class: 'card', 'data-test': 'kpi-remaining' }, h('div', { class: 'label' }, t('remaining')), h('div', { class: 'value' }, formatYuan(b.remaining))),
        h('div', { class: 'card', 'data-test': 'kpi-awards' }, h('div', { class: 'label' }, t('awards_used')), h('div', { class: 'value' }, `${b.awards} / ${b.max_awards}`)),
      ),
      h(
        'table',
        { class: 'plain', 'data-test': 'topic-totals' },
        h('thead', {}, h('tr', {}, h('th', {}, t('col_topic')), h('th', {}, ''), h('th', { class: 'num' }, t('awards_used')), h('th', { class: 'num' }, t('committed')))),
        h('tbody', {}, b.topics.map((x) => h('tr', { 'data-topic': x.code }, h('td', {}, x.code), h('td', {}, pick(x, 'name')), h('td', { class: 'num' }, String(x.awards)), h('td', { class: 'num' }, formatYuan(x.committed))))),
      ),
    );
  }

  function rowFor(r, isLast) {
    const sg = state.suggestion;
    const suggested = sg?.chosen.find((x) => x.reference === r.reference);
    const why = sg?.explanations.find((x) => x.reference === r.reference);
    // Robustness lists what some draw funds; a reviewed proposal it does not list, none did.
    const rob = state.stability ? state.stability.get(r.reference) ?? (r.reviewed ? NEVER : null) : null;
    const amount = h('input', { class: 'money', 'data-test': 'amount', value: r.proposed ? r.proposed.amount : r.requested, disabled: !editable() });
    const reason = h('input', { class: 'reason', 'data-test': 'reason', placeholder: t('cut_reason'), value: r.proposed?.reason ?? '', disabled: !editable() });
    const err = h('div', { class: 'field-error', 'data-test': 'row-error' });
    const save = async (button) => {
      button.disabled = true;
      mount(err);
      try {
        state.board = await call('decision_propose', { form: { call: c.code, reference: r.reference, amount: amount.value, reason: reason.value }, limit: state.limit, also: suggestedRefs() });
        app.clearMessages();
        draw();
      } catch (e) {
        mount(err, e.fields?.length ? e.fields.map((f) => f.message).join('；') : e.message);
        app.error(e);
        button.disabled = false;
      }
    };
    const remove = async (button) => {
      button.disabled = true;
      try {
        state.board = await call('decision_withdraw', { call: c.code, reference: r.reference, limit: state.limit, also: suggestedRefs() });
        app.clearMessages();
        draw();
      } catch (e) {
        app.error(e);
        button.disabled = false;
      }
    };
    const actions = [];
    if (editable() && r.reviewed) {
      const primary = h('button', { 'data-test': r.proposed ? 'save-award' : 'add-award', onclick: () => save(primary) }, r.proposed ? t('save') : t('fund'));
      actions.push(primary);
      if (r.proposed) {
        const off = h('button', { class: 'danger', 'data-test': 'remove-award', onclick: () => remove(off) }, t('unfund'));
        actions.push(off);
      }
    }
    const classes = [r.proposed ? 'funded' : '', isLast ? 'line-below' : ''].join(' ').trim();
    return h(
      'tr',
      { 'data-reference': r.reference, class: classes },
      h('td', {}, `${r.rank}${r.tied ? '=' : ''}`),
      h('td', {}, h('a', { href: `${here}/p/${encodeURIComponent(r.reference)}` }, r.reference)),
      h('td', { class: 'title-cell' }, pick(r, 'title') || r.title),
      h('td', {}, r.topic),
      h('td', { class: r.disagreement ? 'num flag' : 'num', title: r.disagreement ? t('disagreement') : '' }, r.score.toFixed(2) + (r.disagreement ? ' ⚠' : '')),
      h('td', { class: 'num' }, formatYuan(r.requested)),
      h('td', { class: 'num', 'data-test': 'suggested' }, suggested ? `✓ ${formatYuan(suggested.amount)}` : ''),
      h('td', { class: rob ? `num ${rob.verdict}` : 'num', 'data-test': 'stability', title: rob ? t(`verdict_${rob.verdict}`) : '' }, rob ? formatPermille(rob.per_mille) : ''),
      h('td', {}, r.award_number ?? h('div', { class: 'decide' }, amount, reason, actions, err)),
      h('td', { class: 'why', 'data-test': 'why' }, why ? pick(why.message) : ''),
    );
  }

  function drawIssue() {
    const b = state.board;
    if (b.actions.awarded) {
      return mount(issuePanel, h('p', {}, t('call_decided')), h('a', { class: 'button primary', href: `${here}/awards`, 'data-test': 'show-awards' }, t('awards')));
    }
    if (!editable()) return mount(issuePanel, h('p', { class: 'muted' }, t('decide_when_closed')));
    const start = h('input', { 'data-test': 'issue-start', placeholder: 'YYYY-MM-DD', class: 'date' });
    const decided = h('input', { 'data-test': 'issue-decided', placeholder: 'YYYY-MM-DD', class: 'date' });
    const err = h('div', { class: 'form-errors', 'data-test': 'issue-errors' });
    const confirm = h('button', { class: 'primary', 'data-test': 'issue-confirm', hidden: true }, t('issue_confirm', { n: b.awards, total: formatYuan(b.committed) }));
    const issue = h('button', { 'data-test': 'issue-awards', disabled: b.awards === 0, onclick: () => { confirm.hidden = false; } }, t('issue_awards'));
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      mount(err);
      try {
        const awards = await call('issue_awards', { form: { call: c.code, start_on: start.value, decided_on: decided.value } });
        app.toast(t('issued', { n: awards.length }));
        app.go(`${here}/awards`);
      } catch (e) {
        mount(err, e.fields?.length ? e.fields.map((f) => `${f.field}: ${f.message}`).join('\n') : e.message);
        confirm.disabled = false;
      }
    });
    mount(issuePanel, h('h2', {}, t('issue_awards')), h('div', { class: 'filters' }, field(t('start_on'), start), field(t('decided_on'), decided), issue, confirm), err, h('p', { class: 'muted' }, t('number_pattern', { p: b.award_number_pattern })));
  }

  function draw() {
    const b = state.board;
    drawTotals();
    drawSummary();
    drawIssue();
    let last = -1;
    b.rows.forEach((r, i) => { if (r.proposed) last = i; });
    mount(body, b.rows.length === 0 ? h('tr', {}, h('td', { colspan: 10, class: 'muted' }, t('no_ranking'))) : b.rows.map((r, i) => rowFor(r, i === last)));
    const shown = Math.min(state.limit, b.ranked);
    mount(more, b.ranked > shown ? [h('span', { class: 'muted', 'data-test': 'board-shown' }, t('board_shown', { n: shown, total: b.ranked })), moreBtn] : []);
    for (const el of [suggestBtn, applyBtn, robustBtn]) el.hidden = !editable() && el !== robustBtn;
  }

  async function refresh() {
    state.board = await call('decision_board', { call: c.code, order: state.order, limit: state.limit, also: suggestedRefs() });
    draw();
  }
  await refresh();

  return h(
    'section',
    { 'data-test': 'decision' },
    h('h1', {}, `${t('decision_board')} — ${c.code}`, h('span', { class: `badge ${c.status}` }, app.term('call_status', c.status))),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h(
      'div',
      { class: 'panels' },
      totals,
      h(
        'div',
        { class: 'panel', 'data-test': 'optimiser' },
        h('h2', {}, t('optimiser')),
        h('div', { class: 'grid2' }, field(t('opt_mode'), mode), field(t('order_by'), order), field(t('uniform_cut'), cut)),
        h('table', { class: 'plain quotas' }, h('thead', {}, h('tr', {}, h('th', {}, t('col_topic')), h('th', {}, t('quota_min')), h('th', {}, t('quota_max')))), h('tbody', {}, quotaInputs.map((q) => h('tr', {}, h('td', {}, q.topic), h('td', {}, q.min), h('td', {}, q.max))))),
        h('div', { class: 'actions' }, suggestBtn, applyBtn, robustBtn),
        optErrors,
        summary,
      ),
    ),
    issuePanel,
    h(
      'div',
      { class: 'panel board' },
      h(
        'table',
        { class: 'plain', 'data-test': 'board' },
        h('thead', {}, h('tr', {}, [t('col_rank'), t('col_reference'), t('col_title'), t('col_topic'), t('col_score'), t('col_requested'), t('col_suggested'), t('col_stability'), t('col_proposed'), t('col_why')].map((x, i) => h('th', { class: i === 4 || i === 5 || i === 7 ? 'num' : '' }, x)))),
        body,
      ),
      more,
    ),
  );
}
