// A tour of every view of the awarded sample, in Chinese and English, at 1280 × 800, as a
// careful reader would look at them: one screenshot each into target/tour/ (or $TOUR_DIR).
// Asserts nothing; for looking.   make tour
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window, ROOT, sleep } from './driver.mjs';

const dir = process.env.TOUR_DIR ?? join(ROOT, 'target', 'tour');
mkdirSync(dir, { recursive: true });
const call = '#/call/BJ-AIXR-2026';
const number = encodeURIComponent('京科资〔2026〕第003号');
const views = [
  ['calls', '#/calls'],
  ['dashboard', call],
  ['proposals', `${call}/proposals`],
  ['proposal', `${call}/p/BJ-AIXR-2026-0001`],
  ['ranking', `${call}/ranking`],
  ['matrix', `${call}/matrix`],
  ['decision', `${call}/decision`],
  ['awards', `${call}/awards`],
  ['finance', `${call}/finance`],
  ['award', `${call}/award/${number}`],
  ['import', `${call}/import`],
  ['call-form', `${call}/edit`],
  ['reviewers', '#/reviewers'],
  ['settings', '#/settings'],
];

const empty = await Window.open();
try {
  await empty.rect({ width: 1280, height: 800 });
  for (const lang of ['zh', 'en']) {
    await empty.useLang(lang);
    await sleep(400);
    writeFileSync(join(dir, `start-${lang}.png`), await empty.screenshot());
  }
} finally {
  await empty.close();
}

const w = await Window.open();
try {
  await w.rect({ width: 1280, height: 800 });
  await w.click('[data-test=load-sample-awarded]');
  await w.waitFor('[data-test=dashboard]', { timeout: 60000 });
  for (const lang of ['zh', 'en']) {
    await w.useLang(lang);
    for (const [name, hash] of views) {
      await w.go(hash);
      await sleep(900);
      writeFileSync(join(dir, `${name}-${lang}.png`), await w.screenshot());
    }
  }
} finally {
  await w.close();
}
console.log(`tour: screenshots in ${dir}`);
