// Charts of disbursement, drawn as SVG from what the core sends: an award's timeline of
// milestones and tranches, and a call's cumulative scheduled against paid. Money stays in
// BigInt fen; only pixel positions are numbers.

import { s } from './dom.js';
import { t, pick, lang } from './i18n.js';
import { fenOf, formatShort } from './format.js';

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayOf(text) {
  const [y, m, d] = String(text).split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86400000;
}

/** A time axis: a date's x between x0 and x0 + width for dates from `from` to `to`. */
export function timeScale(from, to, x0, width) {
  const a = dayOf(from);
  const b = Math.max(dayOf(to), a + 1);
  return (date) => x0 + ((dayOf(date) - a) / (b - a)) * width;
}

/** a / b of two BigInt fen amounts as a number in 0..1 (for drawing only). */
export function ratio(a, b) {
  if (a === null || b === null || b <= 0n) return 0;
  const r = Number((a * 10000n) / b) / 10000;
  return Math.max(0, Math.min(1, r));
}

/** Points of a cumulative series of money strings, scaled to `max` fen, left to right. */
export function cumulativePoints(values, max, { x0, width, y0, height }) {
  const n = values.length;
  return values.map((v, i) => [x0 + (n <= 1 ? 0 : (i * width) / (n - 1)), y0 + height - ratio(fenOf(v), max) * height]);
}

const COLORS = {
  passed: '#1f7a4d',
  conditional: '#b26a00',
  failed: '#b42318',
  paid: '#1f7a4d',
  partly_paid: '#6aa984',
  approved: '#1d4f91',
  scheduled: '#8a96a8',
  released: '#c4c9d2',
};

function latest(dates) {
  return dates.filter(Boolean).sort().at(-1);
}

/** An award's milestones above the axis and its tranches below, with today marked. */
export function timeline(f, term) {
  const W = 760;
  const H = 150;
  const pad = 40;
  const from = f.start_on;
  const to = latest([...f.milestones.map((m) => m.due_on), ...f.tranches.map((x) => x.due_on), f.today, f.end_on]);
  const x = timeScale(from, to, pad, W - 2 * pad);
  // A label to the right of its mark, or to the left near the right edge.
  const beside = (xx) => (xx > W - 170 ? { x: xx - 10, 'text-anchor': 'end' } : { x: xx + 10 });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'data-test': 'timeline' });
  svg.appendChild(s('title', {}, t('timeline')));
  const axisY = 78;
  svg.appendChild(s('line', { x1: pad, x2: W - pad, y1: axisY, y2: axisY, stroke: '#c4c9d2', 'stroke-width': 2 }));
  for (let y = Number(from.slice(0, 4)) + 1; `${y}-01-01` <= to; y += 1) {
    const xx = x(`${y}-01-01`);
    svg.appendChild(s('line', { x1: xx, x2: xx, y1: axisY - 4, y2: axisY + 4, stroke: '#8a96a8' }));
    svg.appendChild(s('text', { x: xx, y: axisY + 16, 'font-size': 10, fill: '#5b6778', 'text-anchor': 'middle' }, String(y)));
  }
  // The period of the award itself.
  svg.appendChild(s('rect', { x: x(f.start_on), y: axisY - 3, width: Math.max(1, x(f.end_on) - x(f.start_on)), height: 6, fill: '#c9d7ec', rx: 3 }));
  f.milestones.forEach((m, i) => {
    const xx = x(m.due_on);
    const color = m.outcome ? COLORS[m.outcome] : m.overdue ? COLORS.failed : COLORS.scheduled;
    const y = 30 - (i % 2) * 14;
    const d = `M ${xx} ${y - 7} L ${xx + 7} ${y} L ${xx} ${y + 7} L ${xx - 7} ${y} Z`;
    const mark = s('path', { d, fill: m.outcome ? color : '#fff', stroke: color, 'stroke-width': 2, 'data-test': 'tl-milestone', 'data-kind': m.kind, 'data-outcome': m.outcome ?? '' });
    mark.appendChild(s('title', {}, `${pick(milestoneTitle(m, term))} ${m.due_on}${m.outcome ? ` · ${term('outcome', m.outcome)}` : ''}`));
    svg.appendChild(s('line', { x1: xx, x2: xx, y1: y + 7, y2: axisY, stroke: color, 'stroke-dasharray': '2 2' }));
    svg.appendChild(mark);
    svg.appendChild(s('text', { ...beside(xx), y: y + 4, 'font-size': 11, fill: '#1b2430' }, pick(milestoneTitle(m, term))));
  });
  f.tranches.forEach((tr, i) => {
    const xx = x(tr.due_on);
    const color = COLORS[tr.status] ?? COLORS.scheduled;
    const y = 106 + (i % 2) * 22;
    svg.appendChild(s('line', { x1: xx, x2: xx, y1: axisY, y2: y - 7, stroke: color }));
    const dot = s('circle', { cx: xx, cy: y, r: 7, fill: tr.status === 'scheduled' ? '#fff' : color, stroke: color, 'stroke-width': 2, 'data-test': 'tl-tranche', 'data-status': tr.status });
    dot.appendChild(s('title', {}, `${t('tranche_n', { n: tr.seq })} ${formatShort(tr.amount, lang())} · ${term('tranche_status', tr.status)}`));
    svg.appendChild(dot);
    svg.appendChild(s('text', { ...beside(xx), y: y + 4, 'font-size': 11, fill: '#1b2430' }, `${t('tranche_n', { n: tr.seq })} ${formatShort(tr.amount, lang())}`));
  });
  const now = x(f.today);
  svg.appendChild(s('line', { x1: now, x2: now, y1: 8, y2: H - 6, stroke: '#b42318', 'stroke-dasharray': '4 3', 'data-test': 'tl-today' }));
  svg.appendChild(s('text', { ...beside(now), y: H - 8, 'font-size': 10, fill: '#b42318' }, `${t('today')} ${f.today}`));
  return svg;
}

/** The name of a milestone in both languages: the officer's own for an added one. */
export function milestoneTitle(m, term) {
  if (m.kind === 'extra' && m.name) return { zh: m.name, en: m.name };
  return { zh: term('milestone_kind', m.kind, 'zh'), en: term('milestone_kind', m.kind, 'en') };
}

/** Cumulative scheduled against cumulative paid, month by month. */
export function cumulativeChart(rows) {
  const W = 760;
  const H = 220;
  const box = { x0: 70, width: W - 90, y0: 16, height: H - 56 };
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'data-test': 'cash-chart' });
  svg.appendChild(s('title', {}, t('cumulative_chart')));
  if (rows.length === 0) return svg;
  const last = rows.at(-1);
  const a = fenOf(last.cumulative_scheduled) ?? 0n;
  const b = fenOf(last.cumulative_paid) ?? 0n;
  const max = a > b ? a : b;
  for (const q of [0, 1, 2, 3, 4]) {
    const y = box.y0 + box.height - (box.height * q) / 4;
    svg.appendChild(s('line', { x1: box.x0, x2: box.x0 + box.width, y1: y, y2: y, stroke: '#eef1f5' }));
    const fen = (max * BigInt(q)) / 4n;
    svg.appendChild(s('text', { x: box.x0 - 6, y: y + 4, 'font-size': 10, fill: '#5b6778', 'text-anchor': 'end' }, formatShort(`${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`, lang())));
  }
  rows.forEach((r, i) => {
    if (rows.length > 1 && i % 6 !== 0 && i !== rows.length - 1) return;
    const xx = box.x0 + (rows.length <= 1 ? 0 : (i * box.width) / (rows.length - 1));
    svg.appendChild(s('text', { x: xx, y: H - 24, 'font-size': 10, fill: '#5b6778', 'text-anchor': 'middle' }, r.period));
  });
  const line = (key, color, test) => {
    const pts = cumulativePoints(rows.map((r) => r[key]), max, box);
    svg.appendChild(s('polyline', { points: pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2.5, 'data-test': test, 'data-last': rows.at(-1)[key] }));
  };
  line('cumulative_scheduled', '#1d4f91', 'cum-scheduled');
  line('cumulative_paid', '#1f7a4d', 'cum-paid');
  const legend = (x, color, label) => {
    svg.appendChild(s('rect', { x, y: H - 12, width: 12, height: 4, fill: color }));
    svg.appendChild(s('text', { x: x + 16, y: H - 8, 'font-size': 11, fill: '#1b2430' }, label));
  };
  legend(box.x0, '#1d4f91', t('cum_scheduled'));
  legend(box.x0 + 180, '#1f7a4d', t('cum_paid'));
  return svg;
}
