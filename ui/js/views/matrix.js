import { call } from '../api.js';
import { h } from '../dom.js';
import { t, pick } from '../i18n.js';

const MARK = { assigned: '●', reviewed: '✓', declined: '↩', conflict: '✕' };

/** Proposals × reviewers: assigned, reviewed, declined, and conflicts (never assignable). */
export async function renderMatrix(app, code) {
  const [c, m] = await Promise.all([call('get_call', { code }), call('review_matrix', { call: code })]);
  const here = `#/call/${encodeURIComponent(c.code)}`;
  const at = new Map(m.cells.map(([p, r, cell]) => [`${p}|${r}`, cell]));
  const table = h(
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
  );
  return h(
    'section',
    {},
    h('h1', {}, `${t('matrix')} — ${c.code}`),
    h('p', { class: 'sub' }, h('a', { href: here }, `← ${pick(c, 'title')}`)),
    h('p', { class: 'legend matrix' }, ['assigned', 'reviewed', 'declined', 'conflict'].map((k) => h('span', { class: k }, `${MARK[k]} ${t(`cell_${k}`)}`))),
    h('div', { class: 'panel matrix' }, table),
  );
}
