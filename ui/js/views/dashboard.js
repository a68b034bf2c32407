import { call } from '../api.js';
import { h, s } from '../dom.js';
import { t, pick, lang } from '../i18n.js';
import { formatYuan, formatShort, formatPermille } from '../format.js';

function card(test, label, value, note) {
  return h('div', { class: 'card', 'data-test': test }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), note ? h('div', { class: 'note' }, note) : null);
}

/**
 * Budget against requests, drawn to one scale (the larger of the budget and the requests).
 * Each label stands above its bar, so a long one (English) never runs under it.
 */
function budgetBar(d) {
  const scale = Math.max(1000, d.requested_permille, d.eligible_permille);
  const W = 640;
  const labelW = 0;
  const barW = W - 10;
  const bars = [
    [t('total_budget'), 1000, d.call.total_budget, '#1d4f91', '#fff'],
    [t('requested_total'), d.requested_permille, d.proposals.requested, '#c9d7ec', '#1b2430'],
    [t('eligible_requested'), d.eligible_permille, d.eligible.requested, '#1f7a4d', '#fff'],
  ];
  const rowH = 44;
  const svg = s('svg', { viewBox: `0 0 ${W} ${bars.length * rowH + 10}`, width: '100%', role: 'img', 'data-test': 'budget-bar' });
  svg.appendChild(s('title', {}, t('budget_bar')));
  bars.forEach(([label, permille, amount, color, ink], i) => {
    const y = i * rowH + 18;
    const w = Math.max(2, (barW * permille) / scale);
    svg.appendChild(s('text', { x: 0, y: y - 5, 'font-size': 12, fill: '#5b6778', stroke: '#fff', 'stroke-width': 3, 'paint-order': 'stroke' }, label));
    svg.appendChild(s('rect', { x: labelW, y, width: w, height: 20, rx: 3, fill: color }));
    svg.appendChild(s('text', { x: labelW + 6, y: y + 15, 'font-size': 12, fill: permille > scale * 0.3 ? ink : '#1b2430' }, `${formatYuan(amount)} · ${formatPermille(permille)}`));
  });
  const budgetX = labelW + (barW * 1000) / scale;
  svg.appendChild(s('line', { x1: budgetX, x2: budgetX, y1: 4, y2: bars.length * rowH + 10, stroke: '#b42318', 'stroke-dasharray': '4 3' }));
  return svg;
}

function topicChart(d) {
  const max = Math.max(1, ...d.by_topic.map((x) => x.count));
  const W = 360;
  const rowH = 30;
  const svg = s('svg', { viewBox: `0 0 ${W} ${d.by_topic.length * rowH + 4}`, width: W, height: d.by_topic.length * rowH + 4, role: 'img', 'data-test': 'topic-chart' });
  d.by_topic.forEach((x, i) => {
    const y = i * rowH + 4;
    const all = (220 * x.count) / max;
    const ok = (220 * x.eligible.count) / max;
    svg.appendChild(s('text', { x: 0, y: y + 15, 'font-size': 12, fill: '#1b2430' }, x.code));
    svg.appendChild(s('rect', { x: 40, y, width: Math.max(1, all), height: 20, rx: 3, fill: '#9bb3d6' }));
    svg.appendChild(s('rect', { x: 40, y, width: Math.max(0, ok), height: 20, rx: 3, fill: '#1f7a4d' }));
    svg.appendChild(s('text', { x: 40 + all + 6, y: y + 15, 'font-size': 12, fill: '#5b6778' }, `${x.eligible.count} / ${x.count}`));
  });
  return svg;
}

async function act(app, button, command, args, after) {
  button.disabled = true;
  try {
    const result = await call(command, args);
    await after(result);
  } catch (e) {
    app.error(e);
    button.disabled = false;
  }
}

export async function renderDashboard(app, code) {
  const d = await call('call_dashboard', { code });
  const c = d.call;
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const reload = () => app.go(here);
  const actions = [
    h('a', { class: 'button primary', href: `${here}/proposals`, 'data-test': 'show-proposals' }, t('show_proposals')),
  ];
  // What may be done is the core's to say (d.actions), never worked out from the status here.
  const can = d.actions;
  if (can.take_proposals) {
    actions.push(h('a', { class: 'button', href: `${here}/new-proposal`, 'data-test': 'new-proposal' }, t('new_proposal')));
    actions.push(h('a', { class: 'button', href: `${here}/import`, 'data-test': 'import-proposals' }, t('import_proposals')));
    const check = h('button', { 'data-test': 'run-check', onclick: () => act(app, check, 'check_eligibility', { call: c.code }, async (r) => { await reload(); app.toast(t('check_done', { e: r.eligible, i: r.ineligible })); }) }, t('run_check'));
    actions.push(check);
  }
  if (can.edit) {
    actions.push(h('a', { class: 'button', href: `${here}/edit`, 'data-test': 'edit-call' }, t('edit')));
  }
  if (can.review) {
    const cap = h('input', { type: 'number', min: 1, value: d.draw_cap, class: 'narrow', 'aria-label': t('draw_cap'), title: t('draw_cap'), 'data-test': 'draw-cap' });
    const draw = h('button', { 'data-test': 'run-draw', onclick: () => act(app, draw, 'run_draw', { call: c.code, seed: null, cap: Number(cap.value) || d.draw_cap }, async (r) => {
      await reload();
      const short = r.short.map((x) => t('draw_short', { ref: x.reference, n: x.missing, why: pick(x.message) }));
      app.toast([t('draw_done', { n: r.assigned, seed: r.seed }), ...short].join('\n'));
    }) }, t('draw'));
    actions.push(h('span', { class: 'inline' }, draw, ' ', t('draw_cap'), ' ', cap));
    actions.push(h('a', { class: 'button', href: `${here}/matrix`, 'data-test': 'show-matrix' }, t('matrix')));
    actions.push(h('a', { class: 'button', href: `${here}/ranking`, 'data-test': 'show-ranking' }, t('ranking')));
    actions.push(h('a', { class: 'button primary', href: `${here}/decision`, 'data-test': 'show-decision' }, t('decision_board')));
  }
  if (can.awarded) {
    actions.push(h('a', { class: 'button', href: `${here}/ranking`, 'data-test': 'show-ranking' }, t('ranking')));
    actions.push(h('a', { class: 'button', href: `${here}/decision`, 'data-test': 'show-decision' }, t('decision_board')));
    actions.push(h('a', { class: 'button primary', href: `${here}/awards`, 'data-test': 'show-awards' }, t('awards')));
    actions.push(h('a', { class: 'button primary', href: `${here}/finance`, 'data-test': 'show-finance' }, t('finance')));
  }
  const move = (label, status) => {
    const b = h('button', { 'data-test': `to-${status}`, onclick: () => act(app, b, 'set_call_status', { code: c.code, status }, reload) }, label);
    return b;
  };
  const moveLabel = { open: c.status === 'closed' ? t('reopen_call') : t('open_call'), closed: t('close_call') };
  for (const to of can.moves) actions.push(move(moveLabel[to] ?? to, to));

  const other = pick(c, 'title') === c.title_zh ? c.title_en : c.title_zh;
  return h(
    'section',
    { 'data-test': 'dashboard' },
    h('h1', {}, `${c.code} — ${pick(c, 'title')}`, h('span', { class: `badge ${c.status}`, 'data-test': 'call-status' }, app.term('call_status', c.status))),
    h('p', { class: 'sub' }, other),
    h('div', { class: 'actions' }, actions),
    h(
      'div',
      { class: 'cards' },
      card('kpi-budget', t('total_budget'), formatYuan(c.total_budget), formatShort(c.total_budget, lang())),
      card('kpi-max-awards', t('max_awards'), String(c.max_awards), `${t('award_range')} ${formatShort(c.award_floor, lang())} – ${formatShort(c.award_ceiling, lang())}`),
      card('kpi-proposals', t('proposals'), String(d.proposals.count), null),
      card('kpi-requested', t('requested_total'), formatYuan(d.proposals.requested), t('of_budget', { p: formatPermille(d.requested_permille) })),
      card('kpi-eligibility', t('eligible_vs'), `${d.eligible.count} / ${d.ineligible.count}`, `${t('eligible_n', { n: d.eligible.count })} · ${t('ineligible_n', { n: d.ineligible.count })}`),
    ),
    h(
      'div',
      { class: 'panels' },
      h(
        'div',
        {},
        h('div', { class: 'panel' }, h('h2', {}, t('budget_bar')), budgetBar(d)),
        h(
          'div',
          { class: 'panel' },
          h('h2', {}, t('by_topic')),
          h(
            'table',
            { class: 'plain', 'data-test': 'by-topic' },
            h('thead', {}, h('tr', {}, h('th', {}, t('col_topic')), h('th', {}, ''), h('th', { class: 'num' }, t('proposals')), h('th', { class: 'num' }, t('is_eligible')), h('th', { class: 'num' }, t('col_requested')))),
            h('tbody', {}, d.by_topic.map((x) => h('tr', {}, h('td', {}, x.code), h('td', {}, pick(x, 'name')), h('td', { class: 'num' }, String(x.count)), h('td', { class: 'num' }, String(x.eligible.count)), h('td', { class: 'num' }, formatShort(x.requested, lang()))))),
          ),
          topicChart(d),
        ),
      ),
      h(
        'div',
        {},
        h('div', { class: 'panel' }, h('h2', {}, t('by_status')), h('table', { class: 'plain', 'data-test': 'by-status' }, h('tbody', {}, d.by_status.map((x) => h('tr', {}, h('td', {}, app.term('proposal_status', x.status)), h('td', { class: 'num' }, String(x.count))))))),
        h(
          'div',
          { class: 'panel' },
          h(
            'dl',
            { class: 'kv' },
            h('dt', {}, t('award_range')), h('dd', {}, `${formatYuan(c.award_floor)} – ${formatYuan(c.award_ceiling)}`),
            h('dt', {}, t('duration')), h('dd', {}, t('months', { n: c.duration_months })),
            h('dt', {}, t('col_window')), h('dd', {}, `${c.opens_on} – ${c.closes_on}`),
            h('dt', {}, t('funding_mode')), h('dd', {}, app.term('funding_mode', c.funding_mode)),
            h('dt', {}, t('f_topics')), h('dd', {}, c.topics.map((x) => `${x.code} ${pick(x, 'name')}`).join(t('list_sep'))),
          ),
        ),
      ),
    ),
  );
}
