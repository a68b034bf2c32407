import { call } from '../api.js';
import { h, mount } from '../dom.js';
import { t, pick } from '../i18n.js';

const MARK = { assigned: '●', reviewed: '✓', declined: '↩', conflict: '✕' };
const PAGE = 50;

/**
 * Proposals × reviewers: assigned, reviewed, declined, and conflicts (never assignable). A page
 * of proposals at a time, with the reviewers they meet as columns (the core chooses them): a
 * national call's 100,000 proposals and 5,000 reviewers are no one grid.
 */
export async function renderMatrix(app, code) {
  const [c, first] = await Promise.all([call('get_call', { code }), call('review_matrix', { call: code, from: 0, count: PAGE })]);
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const panel = h('div', { class: 'panel matrix' });
  const where = h('span', { class: 'count', 'data-test': 'matrix-page' });
  const prev = h('button', { type: 'button', 'data-test': 'matrix-prev', onclick: () => show(m.from - PAGE) }, t('page_prev'));
  const next = h('button', { type: 'button', 'data-test': 'matrix-next', onclick: () => show(m.from + PAGE) }, t('page_next'));
  let m = first;

  function draw() {
    const at = new Map(m.cells.map(([p, r, cell]) => [`${p}|${r}`, cell]));
    where.textContent = m.total === 0 ? '' : t('matrix_page', { from: m.from + 1, to: m.from + m.proposals.length, total: m.total });
    prev.disabled = m.from === 0;
    next.disabled = m.from + m.proposals.length >= m.total;
    mount(
      panel,
      h(
        'table',
        { 'data-test': 'matrix' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), m.reviewers.map(([id, name, topics]) => h('th', { title: topics.join(', ') }, h('span', { class: 'vert', lang: /[\u3400-\u9fff]/.test(name) ? 'zh-CN' : undefined }, `R${id} ${name}`))))),
        h(
          'tbody',
          {},
          m.proposals.map(([reference, topic], p) =>
            h(
              'tr',
              { 'data-reference': reference },
              h('th', {}, h('a', { href: `${here}/p/${encodeURIComponent(reference)}` }, reference), ` ${topic}`),
              m.reviewers.map((_, r) => {
                const cell = at.get(`${p}|${r}`);
                return h('td', { class: cell ?? '', title: cell ? t(`cell_${cell}`) : '' }, cell ? MARK[cell] : '');
              }),
            ),
          ),
        ),
      ),
    );
  }

  async function show(from) {
    prev.disabled = next.disabled = true;
    try {
      m = await call('review_matrix', { call: code, from: Math.max(0, from), count: PAGE });
      // Past the end (the call's eligible proposals fewer than when the page was drawn): the
      // last page there is.
      if (m.proposals.length === 0 && m.total > 0) m = await call('review_matrix', { call: code, from: Math.floor((m.total - 1) / PAGE) * PAGE, count: PAGE });
      panel.scrollTop = 0;
    } catch (e) {
      app.error(e);
    }
    draw();
  }

  draw();
  return h(
    'section',
    {},
    h('h1', {}, `${t('matrix')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('div', { class: 'filters' }, h('p', { class: 'legend matrix' }, ['assigned', 'reviewed', 'declined', 'conflict'].map((k) => h('span', { class: k }, `${MARK[k]} ${t(`cell_${k}`)}`))), where, prev, next),
    panel,
  );
}
