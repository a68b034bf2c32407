// End-to-end: the real GrantDesk window, driven over WebDriver (see run.sh).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Window, ROOT, APP, CLI, tempDb, sleep, answerDialog } from './driver.mjs';

/** One window at a time (WebKitWebDriver holds one session), closed whatever happens. */
function inWindow(name, body) {
  test(name, async () => {
    const w = await Window.open();
    try {
      await body(w);
    } finally {
      await w.close();
    }
  });
}

async function loadSample(w) {
  await w.click('[data-test=load-sample]');
  await w.waitFor('[data-test=dashboard]');
}

inWindow('first run offers the sample; loaded, the dashboard shows the budget and the awards cap', async (w) => {
  await w.useLang('zh');
  const start = await w.textOf('[data-test=start]');
  assert.match(start, /载入示例资助计划/);
  assert.match(start, /新建资助计划/);
  await loadSample(w);
  assert.match(await w.textOf('[data-test=kpi-budget]'), /¥60,000,000\.00/);
  assert.match(await w.textOf('[data-test=kpi-budget]'), /6,000\.00万元/);
  assert.match(await w.textOf('[data-test=kpi-max-awards]'), /\b12\b/);
  assert.match(await w.textOf('[data-test=kpi-proposals]'), /\b40\b/);
  assert.match(await w.textOf('[data-test=kpi-eligibility]'), /35 \/ 5/);
  assert.match(await w.textOf('[data-test=call-status]'), /已截止/);
  const bars = await w.exec("return document.querySelectorAll('[data-test=budget-bar] rect').length;");
  assert.equal(bars, 3);

  // The page's process was started with the window's environment (src-tauri/src/light.rs):
  // the baseline script compiler only, two allocator arenas.
  const app = execFileSync('pgrep', ['-n', '-f', `^${APP}`], { encoding: 'utf8' }).trim();
  const web = execFileSync('pgrep', ['-P', app, 'WebKitWebProces'], { encoding: 'utf8' }).trim().split('\n')[0];
  const environment = readFileSync(`/proc/${web}/environ`, 'utf8').split('\0');
  assert.ok(environment.includes('JSC_useDFGJIT=false'), 'the web process runs without the optimising script compilers');
  assert.ok(environment.includes('MALLOC_ARENA_MAX=2'), `the web process keeps two allocator arenas: ${environment.filter((v) => /MALLOC|JSC/.test(v))}`);

  // The screenshot of the dashboard in Chinese for the README.
  await sleep(300);
  const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dashboard-zh.png'), await w.screenshot());
});

test('the window opens where it was left, on the call last opened on that database', async () => {
  const db = tempDb();
  let w = await Window.open(db);
  try {
    await loadSample(w);
    await w.rect({ x: 40, y: 30, width: 1100, height: 720 });
    await sleep(300);
  } finally {
    await w.close();
  }
  w = await Window.open(db);
  try {
    await w.waitFor('[data-test=dashboard]');
    assert.match(await w.textOf('[data-test=kpi-budget]'), /¥60,000,000\.00/);
    const r = await w.rect();
    assert.deepEqual([r.x, r.y, r.width, r.height], [40, 30, 1100, 720]);
    // Another database opens on its own start screen, in the same place.
    await w.rect({ width: 1280, height: 840 });
    await sleep(300);
  } finally {
    await w.close();
  }
  w = await Window.open();
  try {
    await w.waitFor('[data-test=start]');
    const r = await w.rect();
    assert.deepEqual([r.width, r.height], [1280, 840]);
  } finally {
    await w.close();
  }
});

inWindow('a title with markup shows as text and runs nothing', async (w) => {
  await loadSample(w);
  await w.exec('window.__xss = 0; window.alert = () => { window.__xss += 1; };');
  const titles = ['<img src=x onerror=alert(1)>', '<img src=y onerror="window.__xss+=1">'];
  const form = await w.exec('return null;');
  assert.equal(form, null);
  for (const title of titles) {
    const r = await w.invoke('proposal_form', { call: 'BJ-AIXR-2026', reference: 'BJ-AIXR-2026-0001' });
    const f = r.ok;
    f.reference = '';
    f.title = title;
    f.applicant.credit_code = '91350100M000100Y43';
    const created = await w.invoke('create_proposal', { form: f });
    assert.ok(created.ok, JSON.stringify(created.err));
    await w.go(`#/call/BJ-AIXR-2026/p/${created.ok.reference}`);
    await w.waitFor('[data-test=proposal-title]', { text: title });
    assert.equal(await w.exec("return document.querySelector('[data-test=proposal-title]').firstChild.nodeValue;"), title);
    await w.go('#/call/BJ-AIXR-2026/proposals');
    await w.waitFor('[data-test=shown-count]');
    await w.type('[data-test=search]', title);
    await w.waitFor('[data-test=shown-count]', { text: (t) => /^(1 \/|1 of|显示 1 \/)/.test(t) || t.includes('1 /') });
    const row = await w.exec("return document.querySelector('[data-test=proposal-row]').textContent;");
    assert.ok(row.includes(title), row);
  }
  await sleep(500);
  assert.equal(await w.exec("return document.querySelectorAll('img[src=x], img[src=y]').length;"), 0);
  assert.equal(await w.exec('return window.__xss;'), 0, 'no handler ran');
});

inWindow('an invalid credit code is refused beside its field and the count stays the same', async (w) => {
  await w.useLang('zh');
  await loadSample(w);
  await w.go('#/call/BJ-AIXR-2026/new-proposal');
  await w.waitFor('[data-test=proposal-form]');
  await w.type('[name="title"]', '新的测试申请书');
  await w.type('[name="applicant.name"]', '测试大学');
  await w.type('[name="applicant.credit_code"]', '914403001922038217');
  await w.type('[data-cell="operations|1"]', '2000000');
  // Enter in a field saves the form.
  await w.keys('[name="applicant.name"]', '\uE007');
  // The refusal comes back from the core a moment later: wait for it (read at once, it raced).
  const slot = await w.waitFor('[data-error-for="applicant.credit_code"]', { text: '校验码错误' });
  assert.match(await w.text(slot), /校验码错误：应为“6”，实为“7”/);
  assert.equal(await w.exec("return document.querySelector('[data-field=\"applicant.credit_code\"]').classList.contains('invalid');"), true);
  const order = await w.invoke('order_proposals', { query: { call: 'BJ-AIXR-2026' } });
  assert.deepEqual([order.ok?.total, order.ok?.rows.length], [40, 40], `nothing was saved: ${JSON.stringify(order.err ?? '')}`);
  // Esc cancels and goes back to the table.
  await w.keys('[name="title"]', '\uE00C');
  await w.waitFor('[data-test=proposal-rows]');
});

inWindow('switching the language changes the labels', async (w) => {
  await w.useLang('zh');
  await loadSample(w);
  assert.match(await w.textOf('[data-test=kpi-budget]'), /总预算/);
  assert.match(await w.textOf('[data-test=nav-calls]'), /资助计划/);
  await w.useLang('en');
  await w.waitFor('[data-test=kpi-budget]', { text: 'Total budget' });
  assert.match(await w.textOf('[data-test=nav-calls]'), /Calls/);
  assert.match(await w.textOf('[data-test=call-status]'), /closed/);
  assert.equal(await w.exec("return localStorage.getItem('grantdesk.lang');"), 'en', 'the choice is remembered');
  // Errors from the core follow the language too.
  const r = await w.invoke('get_call', { code: 'NOPE-1' });
  assert.equal(r.err.code, 'call_not_found');
  assert.equal(r.err.message, 'no call with code NOPE-1');
  await w.useLang('zh');
  const z = await w.invoke('get_call', { code: 'NOPE-1' });
  assert.equal(z.err.message, '找不到编号为 NOPE-1 的资助计划');
});

const SETTLED = '[data-test=proposal-rows]:not([data-busy])';
const drawnReferences = (w) => w.exec("return [...document.querySelectorAll('[data-test=proposal-row]')].map((r) => r.dataset.reference);");

inWindow('the proposals table sorts, filters and opens a proposal', async (w) => {
  await w.useLang('en');
  await loadSample(w);
  await w.click('[data-test=show-proposals]');
  await w.waitFor('[data-test=shown-count]', { text: '40 of 40' });
  await w.exec("const s = document.querySelector('[data-test=filter-status]'); s.value = 'ineligible'; s.dispatchEvent(new Event('change'));");
  await w.waitFor('[data-test=shown-count]', { text: '5 of 40' });
  await w.click('[data-test=sort-requested]');
  await w.click('[data-test=sort-requested]');
  await w.waitFor(SETTLED);
  assert.match(await w.textOf('[data-test=sort-requested]'), /▼/);
  const first = (await drawnReferences(w))[0];
  assert.equal(first, 'BJ-AIXR-2026-0038', 'the largest request (¥9,000,000) comes first when sorted descending');
  // Titles sort by pinyin, as an officer reads a Chinese list: the core's order.
  await w.exec("const s = document.querySelector('[data-test=filter-status]'); s.value = ''; s.dispatchEvent(new Event('change'));");
  await w.click('[data-test=sort-title]');
  await w.waitFor('[data-test=shown-count]', { text: '40 of 40' });
  await w.waitFor(SETTLED);
  const titles = await w.exec("return [...document.querySelectorAll('[data-test=proposal-row] span:nth-child(2)')].map((s) => s.textContent);");
  const collator = new Intl.Collator(['zh-Hans-CN', 'en'], { numeric: true });
  assert.ok(titles.length >= 10, `${titles.length} titles drawn`);
  assert.deepEqual(titles, [...titles].sort(collator.compare), 'the drawn titles are in pinyin order');
  await w.click('[data-test=sort-requested]');
  await w.click('[data-test=sort-requested]');
  await w.waitFor(SETTLED);
  await w.click('[data-reference="BJ-AIXR-2026-0038"]');
  await w.waitFor('[data-test=reasons]', { text: 'above the award ceiling of ¥8,000,000.00' });
  assert.match(await w.textOf('[data-test=budget-total]'), /¥9,000,000\.00/);
});

// The end of a script that acts on the table: waits, inside the page, until the table has
// settled on `want` (the first argument) rows shown; resolves to the milliseconds since the
// script's \`t\` (the page's clock, taken just before the act).
const SETTLE_SCRIPT = `
  const [want, done] = arguments;
  const body = document.querySelector('[data-test=proposal-rows]');
  const count = document.querySelector('[data-test=shown-count]');
  (function poll() {
    if (!body.hasAttribute('data-busy') && count.textContent.startsWith(want) && document.querySelector('[data-test=proposal-row]')) done(performance.now() - t);
    else requestAnimationFrame(poll);
  })();`;

test('ten thousand proposals: the core sorts and filters, the page draws only what is in view', async () => {
  const db = tempDb();
  execFileSync(CLI, ['--db', db, 'demo', '--scale', '10000'], { stdio: 'ignore' });
  const w = await Window.open(db);
  try {
    await w.useLang('en');
    const t0 = Date.now();
    await w.go('#/call/BJ-SCALE-2026/proposals');
    await w.waitFor('[data-test=shown-count]', { text: '10000 of 10000', timeout: 60000 });
    await w.waitFor(SETTLED);
    const opened = Date.now() - t0;
    const drawn = (await drawnReferences(w)).length;
    assert.ok(drawn > 10 && drawn < 100, `${drawn} rows in the DOM for 10,000 proposals`);
    const searchMs = await w.execAsync(`
      const input = document.querySelector('[data-test=search]');
      const t = performance.now();
      input.value = '（9999）';
      input.dispatchEvent(new Event('input'));
      ${SETTLE_SCRIPT}`, '1 of 10000');
    assert.equal((await drawnReferences(w)).length, 1);
    const sortMs = await w.execAsync(`
      const input = document.querySelector('[data-test=search]');
      input.value = '';
      input.dispatchEvent(new Event('input'));
      const t = performance.now();
      document.querySelector('[data-test=sort-requested]').click();
      ${SETTLE_SCRIPT}`, '10000 of 10000');
    await w.waitFor(SETTLED);
    const amounts = await w.exec("return [...document.querySelectorAll('[data-test=proposal-row] .num')].map((s) => Number(s.textContent.replace(/[^0-9.]/g, '')));");
    assert.ok(amounts.length > 10 && amounts.every((a, i) => i === 0 || amounts[i - 1] <= a), `ascending amounts: ${amounts.slice(0, 5)}`);
    const bottom = await w.execAsync(`
      const done = arguments[0];
      const body = document.querySelector('[data-test=proposal-rows]');
      body.scrollTop = body.scrollHeight;
      const t = performance.now();
      (function poll() {
        const settled = !body.hasAttribute('data-busy') && !document.querySelector('[data-test=proposal-row-pending]');
        const rows = [...document.querySelectorAll('[data-test=proposal-row]')];
        const last = rows.some((r) => r.offsetTop + r.offsetHeight >= body.firstElementChild.offsetHeight - 1);
        if (settled && last || performance.now() - t > 10000) {
          done({ rows: rows.length, last, pending: document.querySelectorAll('[data-test=proposal-row-pending]').length, ms: performance.now() - t });
        } else requestAnimationFrame(poll);
      })();`);
    assert.ok(bottom.rows > 0 && bottom.last && bottom.pending === 0, `the last rows drawn at the bottom: ${JSON.stringify(bottom)}`);
    console.log(`# 10,000 proposals: table open ${opened} ms (to the drawn rows), search ${searchMs.toFixed(1)} ms, sort ${sortMs.toFixed(1)} ms, a jump to the bottom read in ${bottom.ms.toFixed(1)} ms`);
    // The screenshot for the README: in Chinese, by title, that is by pinyin.
    await w.useLang('zh');
    await w.waitFor('[data-test=shown-count]', { text: '10000' });
    await w.click('[data-test=sort-title]');
    await w.waitFor(SETTLED);
    await sleep(300);
    const titles = await w.exec("return [...document.querySelectorAll('[data-test=proposal-row] span:nth-child(2)')].map((s) => s.textContent);");
    assert.deepEqual(titles, [...titles].sort(new Intl.Collator(['zh-Hans-CN', 'en'], { numeric: true }).compare));
    const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'proposals-zh.png'), await w.screenshot());
  } finally {
    await w.close();
  }
});

test('a reviewed call of a thousand proposals: the core ranks it once, the page reads what is in view; the matrix and the board come a page at a time', async () => {
  const db = tempDb();
  execFileSync(CLI, ['--db', db, 'demo', '--scale', '1000', '--stage', 'reviewed'], { stdio: 'ignore' });
  const w = await Window.open(db);
  const settled = '[data-test=ranking-rows]:not([data-busy])';
  const figures = (column) => w.exec(`return [...document.querySelectorAll('[data-test=ranking-row]')].map((r) => r.children[${column}].textContent);`);
  try {
    await w.useLang('zh');
    await w.go('#/call/BJ-SCALE-2026/ranking');
    // Every eligible proposal was staffed and scored: all are ranked.
    await w.waitFor('[data-test=ranked-count]', { text: '已排名 875 份（评审中 875 份）', timeout: 60000 });
    const ranked = 875;
    await w.waitFor(settled);
    const ranks = (await figures(0)).map((x) => parseInt(x, 10));
    assert.ok(ranks.length > 10 && ranks.length < 100, `${ranks.length} rows in the DOM for ${ranked} ranked`);
    assert.equal(ranks[0], 1);
    const means = (await figures(6)).map(Number);
    assert.ok(means.every((m, i) => i === 0 || means[i - 1] >= m), `means descend: ${means.slice(0, 5)}`);
    // Another order: the calibrated figures descend from the top.
    await w.exec("const s = document.querySelector('[data-test=rank-order]'); s.value = 'calibrated'; s.dispatchEvent(new Event('change'));");
    await w.waitFor(settled);
    const calibrated = (await figures(8)).map(Number);
    assert.ok(calibrated.every((m, i) => i === 0 || calibrated[i - 1] >= m), `calibrated descend: ${calibrated.slice(0, 5)}`);
    // The bottom of the ranking, read when scrolled to: the last rank drawn.
    const bottom = await w.execAsync(`
      const done = arguments[0];
      const body = document.querySelector('[data-test=ranking-rows]');
      body.scrollTop = body.scrollHeight;
      const t = performance.now();
      (function poll() {
        const rows = [...document.querySelectorAll('[data-test=ranking-row]')];
        const last = rows.some((r) => r.offsetTop + r.offsetHeight >= body.firstElementChild.offsetHeight - 1);
        if (!body.hasAttribute('data-busy') && !document.querySelector('[data-test=ranking-row-pending]') && last || performance.now() - t > 10000) {
          done({ last, ranks: rows.map((r) => parseInt(r.firstElementChild.textContent, 10)) });
        } else requestAnimationFrame(poll);
      })();`);
    assert.ok(bottom.last, 'the last row is drawn');
    assert.ok(Math.max(...bottom.ranks) > ranked - 5, `ranks near ${ranked} at the bottom: ${bottom.ranks.slice(-3)}`);
    await w.exec("document.querySelector('[data-test=ranking-rows]').scrollTop = 0;");
    await w.waitFor(settled);
    await sleep(300);
    const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ranking-zh.png'), await w.screenshot());
    // The assignment matrix, a page of 50 proposals at a time, with the reviewers they meet.
    await w.go('#/call/BJ-SCALE-2026/matrix');
    await w.waitFor('[data-test=matrix-page]', { text: '第 1–50 份，共 875 份申请书' });
    const page = () => w.exec("return { rows: document.querySelectorAll('[data-test=matrix] tbody tr').length, columns: document.querySelectorAll('[data-test=matrix] thead th').length - 1, reviewed: document.querySelectorAll('[data-test=matrix] td.reviewed').length, first: document.querySelector('[data-test=matrix] tbody tr').dataset.reference };");
    const one = await page();
    assert.equal(one.rows, 50);
    assert.equal(one.reviewed, 250, 'five reviews on each of the 50');
    assert.ok(one.columns >= 5 && one.columns <= 50, `${one.columns} reviewers met on the page`);
    await w.click('[data-test=matrix-next]');
    await w.waitFor('[data-test=matrix-page]', { text: '第 51–100 份' });
    const two = await page();
    assert.equal(two.rows, 50);
    assert.notEqual(two.first, one.first);
    writeFileSync(join(dir, 'matrix-zh.png'), await w.screenshot());
    // The decision board: the top 200 of the ranking, and 200 more on asking.
    await w.go('#/call/BJ-SCALE-2026/decision');
    await w.waitFor('[data-test=board-shown]', { text: '显示排名前 200 名（共 875 名）', timeout: 60000 });
    assert.equal(await w.exec("return document.querySelectorAll('[data-test=board] tbody tr').length;"), 200);
    await w.click('[data-test=board-more]');
    await w.waitFor('[data-test=board-shown]', { text: '显示排名前 400 名' });
    assert.equal(await w.exec("return document.querySelectorAll('[data-test=board] tbody tr').length;"), 400);
    // Past 500 rows their texts come in two reads: every row still has its title.
    await w.click('[data-test=board-more]');
    await w.waitFor('[data-test=board-shown]', { text: '显示排名前 600 名' });
    assert.equal(await w.exec("return [...document.querySelectorAll('[data-test=board] tbody tr .title-cell')].filter((td) => td.textContent.trim() !== '').length;"), 600);
  } finally {
    await w.close();
  }
});

inWindow('the first run asks for the agency; a call and a proposal are entered through the forms, edited and submitted', async (w) => {
  await w.useLang('en');
  // A real call waits for the agency (its letters print it); bad answers are named.
  await w.waitFor('[data-test=first-run]');
  assert.equal(await w.exec("return document.querySelector('[data-test=new-call]').getAttribute('aria-disabled');"), 'true');
  await w.type('[data-test=first-name_zh]', '北京市科学技术委员会');
  await w.type('[data-test=first-letterhead_zh]', '文'.repeat(31));
  await w.click('[data-test=first-save]');
  await w.waitFor('[data-error-for="name_en"]', { text: "enter the agency's English name" });
  await w.waitFor('[data-error-for="letterhead_zh"]', { text: 'at most 30 characters' });
  const shots = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, 'first-run-en.png'), await w.screenshot());
  await w.type('[data-test=first-name_en]', 'Beijing Municipal Science and Technology Commission');
  await w.type('[data-test=first-letterhead_zh]', '北京市科学技术委员会文件');
  await w.type('[data-test=first-letterhead_en]', 'Beijing Municipal Science and Technology Commission');
  await w.exec("const s = document.querySelector('[data-test=first-time_zone]'); s.value = 'Asia/Urumqi'; s.dispatchEvent(new Event('change'));");
  await w.click('[data-test=first-save]');
  await w.waitFor('[data-test=first-done]', { text: 'Asia/Urumqi' });
  const agency = (await w.invoke('get_agency')).ok;
  assert.equal(agency.name_zh, '北京市科学技术委员会');
  assert.equal(agency.letterhead_en, 'Beijing Municipal Science and Technology Commission');
  assert.equal((await w.invoke('get_settings')).ok.time_zone, 'Asia/Urumqi');
  await w.click('[data-test=new-call]');
  await w.waitFor('[data-test=call-form]');
  const fill = async (name, value) => w.type(`[name="${name}"]`, value);
  await fill('code', 'BJ-QC-2027');
  await fill('title_zh', '北京市量子计算科研专项 2027');
  await fill('title_en', 'Beijing Quantum Computing Programme 2027');
  await fill('topics[1].code', 'QC');
  await fill('topics[1].name_zh', '量子计算');
  await fill('topics[1].name_en', 'Quantum computing');
  await fill('total_budget', '2000万');
  await fill('max_awards', '5');
  await fill('award_ceiling', '500万');
  await fill('opens_on', '2027-03-01');
  await fill('closes_on', '2027-02-01');
  await w.click('[data-test=save]');
  await w.waitFor('[data-error-for="closes_on"]', { text: 'must be after the opening date 2027-03-01' });
  await fill('closes_on', '2027-04-30');
  await w.click('[data-test=save]');
  await w.waitFor('[data-test=kpi-budget]', { text: '¥20,000,000.00' });
  assert.match(await w.textOf('[data-test=call-status]'), /draft/);

  // Edit while draft: five awards become six.
  await w.click('[data-test=edit-call]');
  await fill('max_awards', '6');
  await w.keys('[name="max_awards"]', '\uE007');
  await w.waitFor('[data-test=kpi-max-awards]', { text: '6' });
  await w.click('[data-test=to-open]');
  await w.waitFor('[data-test=call-status]', { text: 'open' });

  await w.click('[data-test=new-proposal]');
  await w.waitFor('[data-test=proposal-form]');
  await fill('title', '超导量子比特纠错');
  await fill('summary', '研究表面码纠错。');
  await fill('applicant.credit_code', '91110108551385082Q');
  await fill('applicant.name', '北京量子信息研究院');
  await fill('applicant.bank_name', '北京银行');
  await fill('applicant.bank_account', '01090000000001');
  await fill('applicant.contact_name', '王老师');
  await fill('applicant.contact_phone', '010-12345678');
  await fill('pi_name', '李明');
  await fill('pi_email', 'li.ming@example.cn');
  await w.type('[data-cell="operations|1"]', '1,000,000');
  await w.type('[data-cell="personnel|2"]', '800000');
  await w.type('[data-cell="indirect|1"]', '300000');
  await w.click('[data-test=save]');
  await w.waitFor('[data-test=proposal-title]', { text: '超导量子比特纠错' });
  assert.match(await w.textOf('[data-test=requested]'), /¥2,100,000\.00/);
  assert.match(await w.textOf('[data-test=budget-total]'), /¥2,100,000\.00/);

  await w.type('[data-test=submit-on]', '2027-04-01');
  await w.click('[data-test=submit-proposal]');
  await w.waitFor('.badge.submitted');
  const p = await w.invoke('get_proposal', { call: 'BJ-QC-2027', reference: 'BJ-QC-2027-0001' });
  assert.equal(p.ok.status, 'submitted');
  assert.equal(p.ok.submitted_on, '2027-04-01');
  const audit = await w.invoke('audit_verify');
  assert.equal(audit.ok.entries, 8, 'the agency and its time zone; call create, update, open; applicant and proposal create; submit');
});

inWindow('review: draw reviewers, a conflicted one is never offered, scores move the ranking', async (w) => {
  await w.useLang('en');
  await loadSample(w);
  const p1 = (await w.invoke('get_proposal', { call: 'BJ-AIXR-2026', reference: 'BJ-AIXR-2026-0001' })).ok;
  const topics = ['AI', 'AI', 'AI', 'AI', 'AR', 'AR', 'AR', 'VR', 'VR', 'VR'];
  for (const [i, topic] of topics.entries()) {
    const form = { name: `Expert ${i}`, affiliation: i === 0 ? p1.applicant.name : 'Some university', affiliation_code: i === 0 ? p1.applicant.credit_code : '', email: `e${i}@example.cn`, phone: '1', topics: [topic] };
    const r = await w.invoke('create_reviewer', { form });
    assert.ok(r.ok, JSON.stringify(r.err));
  }
  // The pool, edited in the window.
  await w.go('#/reviewers/2');
  await w.waitFor('[data-test=reviewer-form]');
  await w.type('[name="affiliation"]', 'Tsinghua Example Institute');
  await w.click('[data-test=reviewer-form] [data-test=save]');
  await w.waitFor('[data-test=reviewers]', { text: 'Tsinghua Example Institute' });

  await w.go('#/call/BJ-AIXR-2026');
  await w.waitFor('[data-test=run-draw]');
  await w.type('[data-test=draw-cap]', '30');
  await w.click('[data-test=run-draw]');
  await w.waitFor('[data-test=toast]', { text: 'Drawn: 105 assignments' });

  await w.go('#/call/BJ-AIXR-2026/p/BJ-AIXR-2026-0001');
  await w.waitFor('[data-test=review-panel]');
  const offered = await w.exec("return [...document.querySelectorAll('[data-test=candidates] option')].map((o) => o.textContent);");
  assert.ok(!offered.some((x) => x.includes('Expert 0')), `conflicted reviewer offered: ${offered}`);
  assert.match(await w.textOf('[data-test=recused]'), /Expert 0: reviewer Expert 0 belongs to the applicant/);
  const members = await w.exec("return [...document.querySelectorAll('[data-test=panel-members] tbody tr')].map((r) => r.dataset.reviewer);");
  assert.equal(members.length, 3);
  // A conflict declared in the window takes that reviewer out of the choices.
  const before = await w.exec("return document.querySelector('[data-test=candidates]').value;");
  await w.type('[data-test=conflict-reason]', 'co-author of the investigator');
  await w.click('[data-test=declare-conflict]');
  await w.waitFor('[data-test=recused]', { text: 'declared conflict: co-author of the investigator' });
  const now = await w.exec("return [...document.querySelectorAll('[data-test=candidates] option')].map((o) => o.value);");
  assert.ok(!now.includes(before), `R${before} still offered`);
  // Adding the conflicted reviewer anyway is refused by the core.
  const refused = await w.invoke('add_panel_reviewer', { call: 'BJ-AIXR-2026', reference: 'BJ-AIXR-2026-0001', reviewer: 1 });
  assert.equal(refused.err.code, 'conflict_of_interest');

  await w.go('#/call/BJ-AIXR-2026/matrix');
  await w.waitFor('[data-test=matrix]');
  const row = await w.exec("return [...document.querySelectorAll('[data-test=matrix] tr[data-reference=\"BJ-AIXR-2026-0001\"] td')].map((td) => td.className);");
  assert.equal(row[0], 'conflict', 'Expert 0 (first column) is marked as a conflict on 0001');
  assert.equal(row.filter((x) => x === 'assigned').length, 3);

  await w.go('#/call/BJ-AIXR-2026/ranking');
  await w.waitFor('[data-test=ranking]', { text: 'No reviews yet' });

  const enter = async (reviewer, scores) => {
    await w.go('#/call/BJ-AIXR-2026/p/BJ-AIXR-2026-0001');
    await w.waitFor('[data-test=score-form]');
    await w.exec("const s = document.querySelector('[name=reviewer]'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", `R${reviewer}`);
    for (const [key, value] of Object.entries(scores)) await w.type(`[name="scores.${key}"]`, value);
    await w.click('[data-test=score-form] [data-test=save]');
  };
  await enter(members[0], { innovation: '11', feasibility: '8', team: '7', impact: '9' });
  await w.waitFor('[data-error-for="scores.innovation"]', { text: 'from 0 to 10' });
  await enter(members[0], { innovation: '9', feasibility: '8', team: 'n/a', impact: '9' });
  await w.waitFor('[data-test=toast]', { text: 'Review saved' });
  await w.go('#/call/BJ-AIXR-2026/ranking');
  await w.waitFor('[data-test=ranking] [data-reference="BJ-AIXR-2026-0001"]');
  const row1 = await w.exec("return document.querySelector('[data-test=ranking] [data-reference=\"BJ-AIXR-2026-0001\"]').textContent;");
  // (9·30 + 8·25 + 9·25) / 80 = 86.88: n/a is left out, not a zero.
  assert.match(row1, /^1BJ-AIXR-2026-0001.*¥4,530,000\.00186\.88/);
  await enter(members[1], { innovation: '5', feasibility: '5', team: '5', impact: '5' });
  await w.waitFor('[data-test=toast]', { text: 'Review saved' });
  await w.go('#/call/BJ-AIXR-2026/ranking');
  await w.waitFor('[data-test=ranking] [data-reference="BJ-AIXR-2026-0001"]', { text: (t) => t.includes('2') });
  const row2 = await w.exec("return document.querySelector('[data-test=ranking] [data-reference=\"BJ-AIXR-2026-0001\"]').textContent;");
  assert.match(row2, /¥4,530,000\.00268\.44/, row2);
});

inWindow('decisions: apply the optimiser, a 13th award is refused, issue the awards and export the notice', async (w) => {
  await w.useLang('zh');
  const loaded = await w.invoke('load_sample', { stage: 'reviewed' });
  assert.equal(loaded.ok.call, 'BJ-AIXR-2026');
  await w.go('#/call/BJ-AIXR-2026');
  await w.click('[data-test=show-decision]');
  await w.waitFor('[data-test=board] tbody tr[data-reference]');
  assert.match(await w.textOf('[data-test=kpi-awards]'), /0 \/ 12/);

  for (const topic of ['AI', 'AR', 'VR']) await w.type(`[data-test=quota-min-${topic}]`, '2');
  await w.click('[data-test=suggest]');
  await w.waitFor('[data-test=suggestion-summary]', { text: '最优方案' });
  const suggested = await w.exec("return document.querySelectorAll('[data-test=board] td[data-test=suggested]:not(:empty)').length;");
  assert.equal(suggested, 12);
  const explained = await w.exec("return [...document.querySelectorAll('[data-test=board] td[data-test=why]')].filter((td) => td.textContent).length;");
  assert.ok(explained >= 5, `explanations near the line: ${explained}`);

  await w.click('[data-test=apply-suggestion]');
  await w.waitFor('[data-test=kpi-awards]', { text: '12 / 12' });
  const committed = await w.textOf('[data-test=kpi-committed]');
  assert.match(committed, /¥57,100,000\.00/);
  assert.match(await w.textOf('[data-test=kpi-remaining]'), /¥2,900,000\.00/);
  const funded = await w.exec("return document.querySelectorAll('[data-test=board] tr.funded').length;");
  assert.equal(funded, 12);

  // The 13th: refused by the core, shown beside the row and in the message bar; nothing changes.
  const ref = await w.exec("return document.querySelector('[data-test=board] tr:not(.funded)[data-reference]').dataset.reference;");
  await w.click(`[data-test=board] tr[data-reference="${ref}"] [data-test=add-award]`);
  await w.waitFor('[data-test=error]', { text: '最多资助 12 项' });
  await w.waitFor(`[data-test=board] tr[data-reference="${ref}"] [data-test=row-error]`, { text: '最多资助 12 项' });
  assert.match(await w.textOf('[data-test=kpi-awards]'), /12 \/ 12/);

  // A cut without a reason is refused beside the field; with one it is accepted.
  const first = await w.exec("return document.querySelector('[data-test=board] tr.funded').dataset.reference;");
  const row = `[data-test=board] tr[data-reference="${first}"]`;
  await w.type(`${row} [data-test=amount]`, '2000000');
  await w.click(`${row} [data-test=save-award]`);
  await w.waitFor(`${row} [data-test=row-error]`, { text: '核减理由' });
  await w.type(`${row} [data-test=reason]`, '设备费核减');
  await w.click(`${row} [data-test=save-award]`);
  await w.waitFor('[data-test=kpi-committed]', { text: '¥56,260,000.00' });

  await w.click('[data-test=robustness]');
  await w.waitFor('[data-test=board] td[data-test=stability]', { text: '%' });
  await w.exec("document.getElementById('main').scrollTop = 0; document.getElementById('status').replaceChildren();");
  await sleep(300);
  const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'decision-zh.png'), await w.screenshot());
  await w.exec("document.querySelector('[data-test=board] tr.line-below').scrollIntoView({ block: 'center' });");
  await sleep(200);
  writeFileSync(join(dir, 'decision-line-zh.png'), await w.screenshot());

  // Issue the awards (a two-step button), then the awards page.
  await w.exec("document.querySelector('[data-test=issue-start]').value = '2027-01-01'; document.querySelector('[data-test=issue-decided]').value = '2026-12-01';");
  await w.click('[data-test=issue-awards]');
  await w.click('[data-test=issue-confirm]');
  await w.waitFor('[data-test=awards-table] tbody tr[data-number]');
  const numbers = await w.exec("return [...document.querySelectorAll('[data-test=award-number]')].map((td) => td.textContent);");
  assert.equal(numbers.length, 12);
  assert.equal(numbers[0], '京科资〔2026〕第001号');
  assert.equal(numbers[11], '京科资〔2026〕第012号');
  assert.match(await w.textOf('[data-test=awards] .badge'), /已立项/);

  await w.click('[data-test=awards-table] tr[data-number] [data-test=award-accepted]');
  await w.waitFor('[data-test=awards-table] tr[data-number] [data-test=award-status]', { text: '已接受' });

  await w.click('[data-test=export-xlsx]');
  const exported = await w.waitFor('[data-test=exported]', { text: '.xlsx' });
  const path = (await w.text(exported)).match(/(\/\S+\.xlsx)/)[1];
  assert.deepEqual([...readFileSync(path).subarray(0, 2)], [0x50, 0x4b]);
  await w.exec("document.getElementById('main').scrollTop = 0;");
  writeFileSync(join(dir, 'awards-zh.png'), await w.screenshot());
  await w.click('[data-test=export-csv]');
  const csvText = await w.waitFor('[data-test=exported]', { text: '.csv' });
  const csvPath = (await w.text(csvText)).match(/(\/\S+\.csv)/)[1];
  const csv = readFileSync(csvPath, 'utf8');
  assert.match(csv, /^\uFEFF序号,资助文号/);
  assert.match(csv, /京科资〔2026〕第001号/);

  const audit = await w.invoke('audit_verify');
  assert.ok(audit.ok.entries > 300);
});

inWindow('backups: one at start, one on demand, and a restore that keeps the replaced database aside', async (w) => {
  await w.useLang('en');
  await loadSample(w);
  // The day's backup is taken once the window is open: its checks have ended before we look.
  await w.waitFor('#warnings[data-checked]', { shown: false });
  await w.click('[data-test=nav-settings]');
  await w.waitFor('[data-test=settings]');
  const daily = await w.exec("return document.querySelectorAll('[data-test=backups] tr[data-name]').length;");
  assert.equal(daily, 1, 'the daily backup taken at start');
  // The agency's time zone: shown, a wrong one refused by the core, a right one kept.
  assert.equal(await w.exec("return document.querySelector('[data-test=time-zone]').value;"), 'Asia/Shanghai');
  await w.type('[data-test=time-zone]', 'Mars/Olympus');
  await w.click('[data-test=save-time-zone]');
  await w.waitFor('[data-test=error]', { text: 'is not a time-zone name' });
  await w.type('[data-test=time-zone]', 'Asia/Urumqi');
  await w.click('[data-test=save-time-zone]');
  await w.waitFor('[data-test=toast]', { text: 'Asia/Urumqi' });
  assert.equal((await w.invoke('get_settings')).ok.time_zone, 'Asia/Urumqi');

  await w.click('[data-test=backup-now]');
  await w.waitFor('[data-test=backup-result]', { text: '40 proposals' });
  await w.waitFor('[data-test=backups] tr[data-name]:nth-child(2)');
  // The one taken on demand (its name has the time): by name, the day's backup can sort
  // after it when the time zone was just moved west across midnight.
  const newest = await w.exec("return document.querySelector('[data-test=backups] tr[data-name*=\"T\"]').dataset.name;");

  // Later work: a reviewer joins the pool (the sample itself is offered only on an empty
  // database: a second load is refused by the core).
  const again = await w.invoke('load_sample', { stage: 'reviewed' });
  assert.equal(again.err?.code, 'sample_needs_empty_database');
  const added = await w.invoke('create_reviewer', { form: { name: '王立新', affiliation: '北京理工大学', affiliation_code: '', email: 'wang@example.cn', phone: '010-1', topics: ['AI'] } });
  assert.ok(added.ok, JSON.stringify(added));
  assert.equal((await w.invoke('list_reviewers')).ok.length, 1);

  const row = `[data-test=backups] tr[data-name="${newest}"]`;
  await w.click(`${row} [data-test=check-backup]`);
  await w.waitFor('[data-test=backup-result]', { text: 'sound' });
  await w.click(`${row} [data-test=restore-backup]`);
  await w.click(`${row} [data-test=restore-confirm]`);
  const aside = await w.waitFor('[data-test=kept-aside]');
  assert.match(await w.text(aside), /e2e\.db\.replaced-/);
  assert.deepEqual((await w.invoke('list_reviewers')).ok, [], 'back to before the review');
  const audit = await w.invoke('audit_verify');
  assert.ok(audit.ok, JSON.stringify(audit));
  const calls = await w.invoke('list_calls');
  assert.equal(calls.ok.length, 1);
});

/**
 * Chooses a file in the button's system dialog (the test seam answers it): `bytes` saved as
 * `name` beside the test's database first.
 */
async function chooseFile(w, css, name, bytes) {
  const dir = join(dirname(w.db), 'chosen');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, bytes);
  answerDialog(path);
  await w.click(css);
}

inWindow('files go where the officer chooses in the dialog; a cancelled dialog writes nothing; a backup on a stick restores', async (w) => {
  await w.useLang('en');
  await loadSample(w);
  const dir = dirname(w.db);
  mkdirSync(join(dir, 'desktop'));
  await w.go('#/call/BJ-AIXR-2026/proposals');
  answerDialog(join(dir, 'desktop', 'our proposals.xlsx'));
  await w.click('[data-test=export-proposals-xlsx]');
  await w.waitFor('[data-test=exported-proposals]', { text: 'our proposals.xlsx (40 rows)' });
  assert.deepEqual([...readFileSync(join(dir, 'desktop', 'our proposals.xlsx')).subarray(0, 2)], [0x50, 0x4b]);
  answerDialog('');
  await w.click('[data-test=export-proposals-csv]');
  await sleep(500);
  assert.match(await w.textOf('[data-test=exported-proposals]'), /our proposals\.xlsx/, 'the note stays as it was');
  assert.ok(!existsSync(join(dir, 'exports')), 'nothing written when cancelled');
  // The export writes what the table shows: here the ineligible ones, the largest first.
  await w.exec("const s = document.querySelector('[data-test=filter-status]'); s.value = 'ineligible'; s.dispatchEvent(new Event('change'));");
  await w.waitFor('[data-test=shown-count]', { text: '5 of 40' });
  await w.click('[data-test=sort-requested]');
  await w.click('[data-test=sort-requested]');
  await w.waitFor('[data-test=proposal-rows]:not([data-busy])');
  answerDialog(join(dir, 'desktop', 'ineligible.csv'));
  await w.click('[data-test=export-proposals-csv]');
  await w.waitFor('[data-test=exported-proposals]', { text: 'ineligible.csv (5 rows)' });
  const lines = readFileSync(join(dir, 'desktop', 'ineligible.csv'), 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 6, 'a header and the five shown');
  assert.match(lines[1], /^BJ-AIXR-2026-0038,/, 'in the order shown');

  await w.go('#/settings');
  mkdirSync(join(dir, 'usb'));
  const copy = join(dir, 'usb', 'before-review.db');
  answerDialog(copy);
  await w.click('[data-test=backup-to]');
  await w.waitFor('[data-test=backup-result]', { text: `Backed up to ${copy}` });
  const added = await w.invoke('create_reviewer', { form: { name: '王立新', affiliation: '北京理工大学', affiliation_code: '', email: 'wang@example.cn', phone: '010-1', topics: ['AI'] } });
  assert.ok(added.ok, JSON.stringify(added));
  answerDialog(copy);
  await w.click('[data-test=restore-from-file]');
  await w.waitFor('[data-test=backup-result]', { text: `${copy}: sound` });
  await w.click('[data-test=restore-chosen-confirm]');
  await w.waitFor('[data-test=kept-aside]');
  assert.deepEqual((await w.invoke('list_reviewers')).ok, [], 'back to the copy');
  assert.ok((await w.invoke('audit_verify')).ok);
});

inWindow('import: a GB18030 file is checked row by row and refused; a good one is imported; tables export', async (w) => {
  await w.useLang('zh');
  await loadSample(w);
  // A second call with the sample's rules, open and empty.
  const form = (await w.invoke('call_form', { code: 'BJ-AIXR-2026' })).ok;
  form.code = 'BJ-IMPORT-2027';
  assert.ok((await w.invoke('create_call', { form })).ok);
  assert.ok((await w.invoke('set_call_status', { code: 'BJ-IMPORT-2027', status: 'open' })).ok);
  await w.go('#/call/BJ-IMPORT-2027');
  await w.click('[data-test=import-proposals]');
  await w.waitFor('[data-test=import]');
  await chooseFile(w, '[data-test=import-file]', 'proposals-gb18030.csv', readFileSync(join(ROOT, 'tests/fixtures/proposals-gb18030.csv')));
  await w.waitFor('[data-test=import-counts]', { text: '拒绝 2' });
  assert.match(await w.textOf('[data-test=import-counts]'), /GB18030：新建 2，更新 0，不变 0，拒绝 2/);
  // On screen, not only in the page (a panel shown by a `:has()` rule once stayed unlaid-out).
  const onScreen = (css) => w.exec('const r = document.querySelector(arguments[0]).getBoundingClientRect(); return r.width > 0 && r.height > 0;', css);
  assert.ok(await onScreen('[data-test=import-counts]'), 'the report is on screen');
  assert.ok(await onScreen('[data-test=import-issues]'), 'the issues are on screen');
  const rules = await w.exec("return [...document.querySelectorAll('[data-test=import-issues] tr[data-rule]')].map((r) => `${r.dataset.line}:${r.dataset.rule}`);");
  assert.deepEqual(rules, ['4:credit_code_check', '4:money_decimals', '5:email_format', '5:topic_unknown']);
  assert.equal(await w.exec("return document.querySelector('[data-test=import-run]').disabled;"), true);
  await sleep(200);
  const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'import-zh.png'), await w.screenshot());

  // The good rows of the UTF-8 fixture.
  const lines = readFileSync(join(ROOT, 'tests/fixtures/proposals-utf8-bom.csv'), 'utf8').split('\n');
  await chooseFile(w, '[data-test=import-file]', 'good.csv', Buffer.from(lines.slice(0, 3).join('\n') + '\n'));
  await w.waitFor('[data-test=import-counts]', { text: '新建 2，更新 0，不变 0，拒绝 0' });
  await w.click('[data-test=import-run]');
  await w.waitFor('[data-test=shown-count]', { text: '2' });
  assert.match(await w.textOf('[data-test=shown-count]'), /\b2\b/);

  await w.click('[data-test=export-proposals-xlsx]');
  const note = await w.waitFor('[data-test=exported-proposals]', { text: '.xlsx' });
  const path = (await w.text(note)).match(/(\/\S+\.xlsx)/)[1];
  assert.deepEqual([...readFileSync(path).subarray(0, 2)], [0x50, 0x4b]);
  const audit = await w.invoke('audit_verify');
  assert.ok(audit.ok.entries > 80);

  // A reviewer list, checked first: the bad row is named by the row the file shows (a blank
  // row before it counts); a good list checked writes nothing; unticked, it is imported.
  await w.go('#/reviewers');
  await w.waitFor('[data-test=import-reviewers]');
  const head = '\ufeff姓名,工作单位,电子邮箱,研究方向\n王立新,北京理工大学,wang@example.cn,AI\n';
  await w.click('[data-test=import-reviewers-dry]');
  await chooseFile(w, '[data-test=import-reviewers]', '专家.csv', Buffer.from(head + '\n李雅静,北京交通大学,not-an-email,AR\n'));
  const refused = await w.waitFor('[data-test=import-reviewers-result] .form-errors', { text: '第 4 行' });
  assert.doesNotMatch(await w.text(refused), /第 2 行/);
  await chooseFile(w, '[data-test=import-reviewers]', '专家.csv', Buffer.from(head + '李雅静,北京交通大学,li@example.cn,AR\n'));
  await w.waitFor('[data-test=import-reviewers-result]', { text: '检查通过：2 行均可导入' });
  writeFileSync(join(dir, 'reviewers-check-zh.png'), await w.screenshot());
  assert.equal(await w.exec("return document.querySelectorAll('[data-test=reviewers] tr[data-reviewer]').length;"), 0);
  assert.match(await w.textOf('[data-test=reviewers] tbody'), /还没有评审专家/);
  await w.click('[data-test=import-reviewers-dry]');
  await chooseFile(w, '[data-test=import-reviewers]', '专家.csv', Buffer.from(head + '李雅静,北京交通大学,li@example.cn,AR\n'));
  await w.waitFor('[data-test=reviewers] tr[data-reviewer]:nth-child(2)');
  assert.equal(await w.exec("return document.querySelectorAll('[data-test=reviewers] tr[data-reviewer]').length;"), 2);
});

inWindow('a conflict declared after scoring recuses the reviewer: the review is shown as not counted', async (w) => {
  await w.useLang('zh');
  const loaded = await w.invoke('load_sample', { stage: 'reviewed' });
  assert.equal(loaded.ok.call, 'BJ-AIXR-2026');
  const ranked = async () => {
    const order = (await w.invoke('ranking_order', { call: 'BJ-AIXR-2026', by: 'mean' })).ok;
    const lines = (await w.invoke('ranking_rows', { call: 'BJ-AIXR-2026', by: 'mean', version: order.version, ids: order.rows })).ok;
    return lines.find((r) => r.reference === 'BJ-AIXR-2026-0010');
  };
  assert.equal((await ranked()).reviews, 3);
  await w.go('#/call/BJ-AIXR-2026/p/BJ-AIXR-2026-0010');
  await w.waitFor('[data-test=panel-members] tr[data-reviewer]');
  const scorer = await w.exec("return document.querySelector('[data-test=panel-members] tr[data-reviewer] [data-test=member-conflict]').closest('tr').dataset.reviewer;");
  await w.type('[data-test=conflict-reason]', '与项目负责人合作发表论文');
  await w.click(`[data-test=panel-members] tr[data-reviewer="${scorer}"] [data-test=member-conflict]`);
  const row = await w.waitFor(`[data-test=panel-members] tr[data-test=recused-member][data-reviewer="${scorer}"]`);
  assert.match(await w.text(row), /已回避，不计分：.*与项目负责人合作发表论文/);
  assert.match(await w.textOf('[data-test=panel-short]'), /现仅 2 位计分/);
  assert.equal((await ranked()).reviews, 2, 'the ranking left the review out');
  await w.exec("document.querySelector('[data-test=review-panel]').scrollIntoView({ block: 'start' });");
  await sleep(300);
  const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'recusal-zh.png'), await w.screenshot());
  const choices = await w.exec("return [...document.querySelectorAll('[data-test=score-form] select option')].map((o) => o.value);");
  assert.ok(!choices.includes(`R${scorer}`), `a recused reviewer cannot score: ${choices}`);
});

test('a database whose audit log was altered opens with a warning that names the first bad entry', async () => {
  // The sample, written by the command line, then one entry altered behind GrantDesk's back.
  const db = tempDb();
  execFileSync(CLI, ['--db', db, 'demo']);
  execFileSync('python3', ['-c', "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE audit_log SET actor='intruder' WHERE seq=7\"); c.commit()", db]);
  const other = await Window.open(db);
  try {
    await other.useLang('en');
    const warning = await other.waitFor('[data-test=startup-warning][data-code=audit_tampered]');
    assert.match(await other.text(warning), /audit log does not verify.*#7/);
    assert.ok(await other.exec("return document.querySelectorAll('[data-test=startup-warning]').length;") >= 1);
    await other.useLang('zh');
    await other.waitFor('[data-test=startup-warning]', { text: '审计日志校验失败' });
    await sleep(300);
    const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'audit-warning-zh.png'), await other.screenshot());
    // Closed, it stays closed when the page is drawn again (another language).
    await other.exec("document.querySelector('[data-test=startup-warning][data-code=audit_tampered] button').click();");
    await other.useLang('en');
    await other.waitFor('[data-test=lang-select]');
    assert.equal(await other.exec("return document.querySelectorAll('[data-test=startup-warning][data-code=audit_tampered]').length;"), 0);
  } finally {
    await other.close();
  }
});

test('a year into the awards: a mid-term review passed, the second tranche approved and paid, the timeline, ledger and chart move', async () => {
  // The sample carried a year on by the command line; the window opened on 1 February 2028.
  const db = tempDb();
  execFileSync(CLI, ['--db', db, 'demo', '--stage', 'disbursing']);
  const w = await Window.open(db, ['--now', '2028-02-01T10:00:00+08:00']);
  const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
  mkdirSync(dir, { recursive: true });
  try {
    await w.useLang('zh');
    await w.go('#/call/BJ-AIXR-2026/finance');
    await w.waitFor('[data-test=finance] [data-test=cash-chart]');
    // Holds and overdue items first: the suspended award leads.
    const first = await w.textOf('[data-test=attention-list] [data-test=attention]');
    assert.match(first, /京科资〔2026〕第004号[\s\S]*资助已暂停/);
    assert.match(await w.textOf('[data-test=attention-list]'), /第 1 年度经费使用情况报告应于 2028-01-31 提交，已逾期/);
    assert.match(await w.textOf('[data-test=cash-warning]'), /2029 年计划拨付 .*超出该年度预算 ¥0\.00/);
    const paidBefore = await w.exec("return document.querySelector('[data-test=cum-paid]').dataset.last;");
    await sleep(300);
    writeFileSync(join(dir, 'finance-zh.png'), await w.screenshot());

    const number = '京科资〔2026〕第002号';
    await w.go(`#/call/BJ-AIXR-2026/award/${encodeURIComponent(number)}`);
    await w.waitFor('[data-test=award] [data-test=timeline]');
    assert.match(await w.textOf('[data-test=tranche][data-seq="2"] [data-test=blocked]'), /限期整改/);
    // Asked anyway, the core refuses and says why, in the window's language.
    await w.useLang('en');
    await w.waitFor('[data-test=tranche][data-seq="2"] [data-test=approve-2]');
    await w.click('[data-test=approve-2]');
    const refused = await w.waitFor('[data-test=error]');
    assert.match(await w.text(refused), /tranche 2 of award .* cannot be approved yet: the mid-term review passed with conditions/);
    await w.useLang('zh');

    // The conditions are met: the mid-term review passes, tranche 2 is approved and paid.
    await w.waitFor('[data-test=milestone][data-kind=midterm] [data-test=outcome]');
    await w.exec("const s = document.querySelector('[data-test=milestone][data-kind=midterm] [data-test=outcome]'); s.value = 'passed';");
    await w.type('[data-test=milestone][data-kind=midterm] [data-test=outcome-note]', '整改材料经专家复核通过');
    await w.click('[data-test=milestone][data-kind=midterm] [data-test=record-outcome]');
    await w.waitFor('[data-test=milestone][data-kind=midterm] [data-test=milestone-outcome]', { text: '通过' });
    await w.waitFor('[data-test=tl-milestone][data-kind=midterm][data-outcome=passed]');
    await w.click('[data-test=approve-2]');
    await w.waitFor('[data-test=payment][data-status=approved]');
    await w.type('[data-test=payment][data-status=approved] [data-test=payment-note]', 'BOC-20280201-0002');
    await w.click('[data-test=payment][data-status=approved] [data-test=pay-paid]');
    await w.waitFor('[data-test=tranche][data-seq="2"] [data-test=tranche-status]', { text: '已拨付' });
    const dots = await w.exec("return [...document.querySelectorAll('[data-test=tl-tranche]')].map((d) => d.dataset.status);");
    assert.deepEqual(dots, ['paid', 'paid', 'scheduled']);
    assert.equal(await w.textOf('[data-test=ledger-paid]'), '¥3,912,000.00');
    await w.exec("document.querySelector('[data-test=timeline]').scrollIntoView({ block: 'start' });");
    await sleep(300);
    writeFileSync(join(dir, 'award-zh.png'), await w.screenshot());
    await w.exec("document.querySelector('[data-test=payments]').scrollIntoView({ block: 'start' });");
    await sleep(300);
    writeFileSync(join(dir, 'award-spending-zh.png'), await w.screenshot());

    // The call's chart moved by what was paid.
    await w.go('#/call/BJ-AIXR-2026/finance');
    await w.waitFor('[data-test=finance] [data-test=cash-chart]');
    const paidAfter = await w.exec("return document.querySelector('[data-test=cum-paid]').dataset.last;");
    const fen = (s) => BigInt(s.replace('.', ''));
    assert.equal(fen(paidAfter) - fen(paidBefore), 195600000n, '¥1,956,000.00 more paid');

    // The same pages in English, as an English-reading officer sees them.
    await w.useLang('en');
    await w.waitFor('[data-test=attention-list]', { text: 'the award is suspended' });
    await sleep(300);
    writeFileSync(join(dir, 'finance-en.png'), await w.screenshot());
    await w.go(`#/call/BJ-AIXR-2026/award/${encodeURIComponent('京科资〔2026〕第004号')}`);
    await w.waitFor('[data-test=award] [data-test=holds]', { text: 'the award is suspended' });
    await sleep(300);
    writeFileSync(join(dir, 'award-en.png'), await w.screenshot());
  } finally {
    await w.close();
  }
});

test('award letters: one from the award page and all of the call with a merged file; the files verify, an edited one does not', async () => {
  const db = tempDb();
  execFileSync(CLI, ['--db', db, 'demo', '--stage', 'awarded']);
  const w = await Window.open(db);
  const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
  mkdirSync(dir, { recursive: true });
  try {
    await w.useLang('zh');
    // One award's letter from its page.
    const number = '京科资〔2026〕第003号';
    await w.go(`#/call/BJ-AIXR-2026/award/${encodeURIComponent(number)}`);
    await w.waitFor('[data-test=award] [data-test=write-letter-zh]');
    await w.click('[data-test=write-letter-zh]');
    const one = await w.waitFor('[data-test=letter-written]', { text: '已写出' });
    const said = await w.text(one);
    assert.match(said, /第 1 版，2 页/);
    const path = said.match(/已写出 (.+\.pdf)（/)[1];
    assert.ok(path.endsWith(`exports/letters/${number}.pdf`), path);
    const cli = execFileSync(CLI, ['--db', db, 'letter', 'verify', path, '--lang', 'en']).toString();
    assert.match(cli, new RegExp(`Genuine: a letter GrantDesk issued for ${number} version v1`));

    // Every letter of the call, with a merged file; the progress bar ends full.
    await w.go('#/call/BJ-AIXR-2026/awards');
    await w.waitFor('[data-test=letters-panel] [data-test=write-letters]');
    await w.click('[data-test=letters-merged]');
    await w.click('[data-test=write-letters]');
    const result = await w.waitFor('[data-test=letters-result]', { text: '已写出 12 份通知书', timeout: 60000 });
    assert.match(await w.text(result), /合并文件 .*-合并\.pdf（24 页）/);
    const bar = await w.exec("const p = document.querySelector('[data-test=letters-progress]'); return [p.value, p.max];");
    assert.deepEqual(bar, [12, 12]);
    await sleep(300);
    writeFileSync(join(dir, 'letters-zh.png'), await w.screenshot());

    // The register tells the files apart: the batch's letter is version 2, the award page's
    // one is now superseded; an altered copy matches nothing.
    const batchFile = join(path, '..', 'BJ-AIXR-2026', `${number}.pdf`);
    await chooseFile(w, '[data-test=verify-letter]', 'batch.pdf', readFileSync(batchFile));
    await w.waitFor('[data-test=verify-result]', { text: `真实：本系统出具的 ${number} 第 2 版通知书` });
    const bytes = readFileSync(path);
    await chooseFile(w, '[data-test=verify-letter]', 'letter.pdf', bytes);
    await w.waitFor('[data-test=verify-result]', { text: `真实但已被取代：${number} 第 1 版` });
    const altered = Buffer.from(bytes);
    altered[altered.length - 20] ^= 1;
    await chooseFile(w, '[data-test=verify-letter]', 'altered.pdf', altered);
    await w.waitFor('[data-test=verify-result]', { text: '不符' });

    // The agency's settings: a bad entry is named beside its field; a good one is kept.
    await w.go('#/settings');
    await w.waitFor('[data-test=agency] [data-test=save-agency]');
    await w.exec("document.querySelector('[data-test=agency-name_zh]').value = '';");
    await w.click('[data-test=save-agency]');
    await w.waitFor('[data-field=name_zh].invalid');
    await w.exec("document.querySelector('[data-test=agency-name_zh]').value = '海淀区科学技术委员会';");
    // The title font chosen in the system's dialog (the seam answers it).
    const font = '/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc';
    answerDialog(font);
    await w.click('[data-test=choose-title_font]');
    const end = Date.now() + 5000;
    while (Date.now() < end && (await w.exec("return document.querySelector('[data-test=agency-title_font]').value;")) !== font) await sleep(50);
    assert.equal(await w.exec("return document.querySelector('[data-test=agency-title_font]').value;"), font);
    await w.click('[data-test=save-agency]');
    await w.waitFor('[data-test=toast]', { text: '出具机构已保存' });
    const shown = execFileSync(CLI, ['--db', db, 'settings', '--json']).toString();
    assert.equal(JSON.parse(shown).agency.name.zh, '海淀区科学技术委员会');
    assert.equal(JSON.parse(shown).agency.title_font, font);
  } finally {
    await w.close();
  }
});
