// Measures the window as a user meets it: cold start to a drawn dashboard, and the memory of
// the app with its web processes, with the sample call loaded — beside a bare Tauri window of
// the same build (`--bare-window`: one static page), each with WebKitGTK's defaults
// (`--webkit-defaults`) and with GrantDesk's lighter settings (src-tauri/src/light.rs), in one
// run. Prints figures; asserts nothing.
//   make measure            (release build)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { Window, APP, CLI, tempDb } from './driver.mjs';

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

// Proportional set size: shared libraries split between the processes that map them.
function pssKiB(pid) {
  try {
    const m = /Pss:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function children(pid) {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function processTree(root) {
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

function name(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

const runs = Number(process.env.RUNS ?? 3);
/** The agency's day on this machine as the backups name it (the sample's zone, Asia/Shanghai). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const db = tempDb();
execFileSync(CLI, ['--db', db, 'demo'], { stdio: 'ignore' });
console.log(`app: ${APP}`);

/** The window's process and its web processes, once the page has settled. */
async function footprint(pattern, key) {
  await new Promise((r) => setTimeout(r, 1500)); // let memory settle
  const pid = Number(execFileSync('pgrep', ['-n', '-f', pattern], { encoding: 'utf8' }).trim());
  const tree = processTree(pid);
  // MEASURE_SMAPS=dir keeps each process's memory map, mapping by mapping, to compare.
  if (process.env.MEASURE_SMAPS) {
    mkdirSync(process.env.MEASURE_SMAPS, { recursive: true });
    for (const p of tree) {
      try {
        writeFileSync(join(process.env.MEASURE_SMAPS, `${key}-${name(p)}.smaps`.replace(/[ ()]/g, '_')), readFileSync(`/proc/${p}/smaps`));
      } catch {}
    }
  }
  return {
    rss: tree.reduce((s, p) => s + rssKiB(p), 0) / 1024,
    pss: tree.reduce((s, p) => s + pssKiB(p), 0) / 1024,
    parts: tree.map((p) => `${name(p)} ${(pssKiB(p) / 1024).toFixed(1)}`).join(', '),
  };
}

/** Waits until no web process is left from the window before: one still mapping the fonts
 * would take half of their pages from the next window's figure. */
async function gone() {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('pgrep', ['-f', 'WebKit(Web|Network)Process'], { stdio: 'ignore' });
    } catch {
      return; // pgrep found none
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log('(web processes of the window before were still running after 10 s)');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
// MEASURE_SAMPLE=0 leaves out the sample's figures (to rerun only the national scale's).
const sample = process.env.MEASURE_SAMPLE !== '0';
for (const settings of sample ? ['defaults', 'light'] : []) {
  const flags = settings === 'defaults' ? ['--webkit-defaults'] : [];
  for (const which of ['bare', 'grantdesk']) {
    const key = `${which} (${settings})`;
    results[key] = [];
    for (let run = 1; run <= runs; run++) {
      const t0 = performance.now();
      let w;
      let line = '';
      if (which === 'bare') {
        w = await Window.open(null, ['--bare-window', ...flags]);
        line = `first screen ${(performance.now() - t0).toFixed(0)} ms`;
      } else {
        w = await Window.open(db, flags);
        const firstScreen = performance.now() - t0;
        await w.go('#/call/BJ-AIXR-2026');
        await w.waitFor('[data-test=kpi-budget]', { text: '¥60,000,000.00' });
        line = `first screen ${firstScreen.toFixed(0)} ms, dashboard drawn ${(performance.now() - t0).toFixed(0)} ms`;
      }
      const f = await footprint(which === 'bare' ? `${APP} --bare-window` : `${APP} --db ${db}`, key);
      results[key].push(f.pss);
      console.log(`${key} run ${run}: ${line}; PSS ${f.pss.toFixed(1)} MiB (${f.parts}), RSS ${f.rss.toFixed(1)} MiB`);
      await w.close();
      await gone();
    }
  }
}
if (sample) {
  console.log('median PSS (MiB):');
  for (const [key, xs] of Object.entries(results)) console.log(`  ${key.padEnd(22)} ${median(xs).toFixed(1)}`);
  for (const settings of ['defaults', 'light']) {
    const share = median(results[`grantdesk (${settings})`]) - median(results[`bare (${settings})`]);
    console.log(`GrantDesk's own share with WebKitGTK's ${settings}: ${share.toFixed(1)} MiB PSS over the bare window`);
  }
  const floor = median(results['bare (defaults)']) - median(results['bare (light)']);
  console.log(`the floor lowered by the settings: ${floor.toFixed(1)} MiB PSS (bare window, defaults − light)`);
}

// MEASURE_SCALE=100000: the same cold start on a national programme's database (that many
// proposals in one call, `grantdesk demo --scale`), which the window opens before it has
// verified the audit chain and taken the day's backup; the first run also waits for that
// backup to be written and gives the window's memory after it.
const scale = Number(process.env.MEASURE_SCALE ?? 0);
// The end of a script that acts on the proposals table at the page's time `t`: resolves, in
// the page, to the milliseconds until the table has settled with its rows drawn (and, where
// the script set `end`, with the table's last row among them).
const SETTLED = `
  const done = arguments[0];
  const body = document.querySelector('[data-test=proposal-rows]');
  const spacer = body.firstElementChild;
  (function poll() {
    const pending = document.querySelector('[data-test=proposal-row-pending]');
    const rows = [...document.querySelectorAll('[data-test=proposal-row]')];
    const last = rows.some((r) => r.offsetTop + r.offsetHeight >= spacer.offsetHeight - 1);
    if (!body.hasAttribute('data-busy') && !pending && rows.length && (!end || last)) done(performance.now() - t);
    else requestAnimationFrame(poll);
  })();`;
if (scale > 0) {
  // MEASURE_SCALE_DB=FILE: a copy of that database (made by `demo --scale`) instead of a
  // new one, to save the minutes of writing it.
  const big = tempDb();
  const t = performance.now();
  if (process.env.MEASURE_SCALE_DB) {
    copyFileSync(process.env.MEASURE_SCALE_DB, big);
    if (existsSync(`${process.env.MEASURE_SCALE_DB}-wal`)) copyFileSync(`${process.env.MEASURE_SCALE_DB}-wal`, `${big}-wal`);
  }
  execFileSync(CLI, ['--db', big, 'demo', '--scale', String(scale)], { stdio: 'ignore' });
  console.log(`${scale} proposals written by the command line in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const backup = join(dirname(big), 'backups', `grantdesk-${today()}.db`);
  for (let run = 1; run <= runs; run++) {
    const t0 = performance.now();
    const w = await Window.open(big, []);
    const firstScreen = performance.now() - t0;
    await w.go('#/call/BJ-SCALE-2026');
    await w.waitFor('[data-test=kpi-budget]', { timeout: 60000 });
    const drawn = performance.now() - t0;
    const f = await footprint(`${APP} --db ${big}`, `scale-${run}`);
    let after = '';
    if (run === 1) {
      // The page marks the end of the record's checks (the copy's chain is verified after it
      // is written, so the file alone comes too early).
      let checked = false;
      let ended = 0;
      try {
        await w.waitFor('#warnings[data-checked]', { shown: false, timeout: 300000 });
        checked = true;
        ended = performance.now() - t0;
      } catch {}
      const g = await footprint(`${APP} --db ${big}`, 'scale-after-backup');
      after = checked && existsSync(backup)
        ? `; chain verified and the day's backup written ${(ended / 1000).toFixed(1)} s after the start, PSS then ${g.pss.toFixed(1)} MiB`
        : "; the record's checks had not ended after 300 s, or wrote no backup";
    }
    console.log(`${scale} proposals, run ${run}: first screen ${firstScreen.toFixed(0)} ms, dashboard drawn ${drawn.toFixed(0)} ms; PSS ${f.pss.toFixed(1)} MiB (${f.parts})${after}`);
    // The call's proposals table: opened, sorted by title (pinyin), searched, and jumped to
    // its end, each timed in the page until the rows are drawn; then the memory again.
    const t1 = performance.now();
    await w.go('#/call/BJ-SCALE-2026/proposals');
    await w.waitFor('[data-test=proposal-rows]:not([data-busy]) [data-test=proposal-row]', { timeout: 60000 });
    const opened = performance.now() - t1;
    const sortMs = await w.execAsync(`const t = performance.now(), end = false; document.querySelector('[data-test=sort-title]').click(); ${SETTLED}`);
    const searchMs = await w.execAsync(`const t = performance.now(), end = false; const i = document.querySelector('[data-test=search]'); i.value = '（${scale - 1}）'; i.dispatchEvent(new Event('input')); ${SETTLED}`);
    const clearMs = await w.execAsync(`const t = performance.now(), end = false; const i = document.querySelector('[data-test=search]'); i.value = ''; i.dispatchEvent(new Event('input')); ${SETTLED}`);
    const endMs = await w.execAsync(`const t = performance.now(), end = true; const b = document.querySelector('[data-test=proposal-rows]'); b.scrollTop = b.scrollHeight; ${SETTLED}`);
    const shown = await w.textOf('[data-test=shown-count]');
    const g = await footprint(`${APP} --db ${big}`, `scale-table-${run}`);
    console.log(`  proposals table (${shown}): opened ${opened.toFixed(0)} ms, sorted by title ${sortMs.toFixed(0)} ms, one searched ${searchMs.toFixed(0)} ms, search cleared ${clearMs.toFixed(0)} ms, its end drawn ${endMs.toFixed(0)} ms; PSS then ${g.pss.toFixed(1)} MiB (${g.parts})`);
    // MEASURE_RANKING=1, on a reviewed scale database (`demo --scale N --stage reviewed`):
    // the ranking page opened until its first lines are drawn (the same selector finds them
    // in the old page, which drew every line), then the memory again.
    if (process.env.MEASURE_RANKING === '1') {
      const t2 = performance.now();
      await w.go('#/call/BJ-SCALE-2026/ranking');
      await w.waitFor('[data-test=ranking] [data-reference]', { timeout: 120000 });
      const rankingMs = performance.now() - t2;
      const drawnRows = await w.exec("return document.querySelectorAll('[data-test=ranking] [data-reference]').length;");
      const r = await footprint(`${APP} --db ${big}`, `scale-ranking-${run}`);
      console.log(`  ranking page: opened ${rankingMs.toFixed(0)} ms, ${drawnRows} lines in the page; PSS then ${r.pss.toFixed(1)} MiB (${r.parts})`);
      // The decision board of the same call: opened until its rows are drawn (or 180 s).
      const t3 = performance.now();
      await w.go('#/call/BJ-SCALE-2026/decision');
      let boardRows = 0;
      try {
        await w.waitFor('[data-test=board] tbody tr[data-reference]', { timeout: 180000 });
        boardRows = await w.exec("return document.querySelectorAll('[data-test=board] tbody tr[data-reference]').length;");
      } catch {}
      const boardMs = performance.now() - t3;
      const d = await footprint(`${APP} --db ${big}`, `scale-board-${run}`);
      console.log(`  decision board: ${boardRows ? `opened ${boardMs.toFixed(0)} ms, ${boardRows} rows in the page` : 'not drawn within 180 s'}; PSS then ${d.pss.toFixed(1)} MiB (${d.parts})`);
      if (boardRows) {
        // An award proposed on the first row without one, then withdrawn: each until the
        // board is drawn again with the new count of awards.
        const awards = async () => w.textOf('[data-test=kpi-awards]');
        const timed = async (selector) => {
          const before = await awards();
          const t = performance.now();
          await w.click(selector);
          await w.waitFor('[data-test=kpi-awards]', { text: (x) => x !== before, timeout: 60000 });
          return performance.now() - t;
        };
        const free = await w.exec("const r = document.querySelector('[data-test=board] tr[data-reference] [data-test=add-award]')?.closest('tr'); return r ? r.dataset.reference : null;");
        if (free) {
          const row = `[data-test=board] tr[data-reference="${free}"]`;
          const proposeMs = await timed(`${row} [data-test=add-award]`);
          const withdrawMs = await timed(`${row} [data-test=remove-award]`);
          console.log(`  an award proposed on the board: ${proposeMs.toFixed(0)} ms to the board drawn again; withdrawn: ${withdrawMs.toFixed(0)} ms`);
        }
        // Robustness (1,000 draws) until the first stability figure is drawn.
        const t4 = performance.now();
        await w.click('[data-test=robustness]');
        await w.waitFor('[data-test=board] td[data-test=stability]', { text: '%', timeout: 300000 });
        const robustMs = performance.now() - t4;
        const e = await footprint(`${APP} --db ${big}`, `scale-robustness-${run}`);
        console.log(`  robustness (1,000 draws): ${robustMs.toFixed(0)} ms to the figures drawn; PSS then ${e.pss.toFixed(1)} MiB (${e.parts})`);
      }
    }
    await w.close();
    await gone();
  }
}
