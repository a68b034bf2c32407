import { test } from 'node:test';
import assert from 'node:assert/strict';
import { t, setLang, initialLang, pick, keys } from '../js/i18n.js';

test('every label exists in both languages and they differ', () => {
  for (const k of keys) {
    const zh = t(k, {}, 'zh');
    const en = t(k, {}, 'en');
    assert.ok(zh && en, k);
    if (k !== 'wan_view') assert.notEqual(zh, en, k);
  }
});

test('placeholders are filled', () => {
  assert.equal(t('shown_of', { n: 5, total: 40 }, 'en'), '5 of 40 shown');
  assert.equal(t('shown_of', { n: 5, total: 40 }, 'zh'), '显示 5 / 40 份');
});

test('the current language follows setLang and ignores unknown ones', () => {
  setLang('en');
  assert.equal(t('save'), 'Save');
  setLang('fr');
  assert.equal(t('save'), 'Save');
  setLang('zh');
  assert.equal(t('save'), '保存');
});

test('start in the remembered language, else the system one, else Chinese', () => {
  assert.equal(initialLang('en', 'zh'), 'en');
  assert.equal(initialLang(null, 'en'), 'en');
  assert.equal(initialLang(undefined, 'de'), 'zh');
});

test('pick chooses a bilingual field', () => {
  const topic = { name_zh: '人工智能', name_en: 'Artificial intelligence' };
  assert.equal(pick(topic, 'name', 'en'), 'Artificial intelligence');
  assert.equal(pick({ zh: '草稿', en: 'draft' }, null, 'zh'), '草稿');
});
