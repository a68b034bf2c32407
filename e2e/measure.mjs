// Measures the window as a user meets it: cold start to a drawn dashboard, and the memory of
// the app with its web processes, with the sample call loaded. Prints figures; asserts nothing.
//   make measure            (debug build)
//   GRANTDESK_APP=target/release/grantdesk-app make measure
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
const db = tempDb();
execFileSync(CLI, ['--db', db, 'demo'], { stdio: 'ignore' });
console.log(`app: ${APP}`);
for (let run = 1; run <= runs; run++) {
  const t0 = performance.now();
  const w = await Window.open(db);
  const firstScreen = performance.now() - t0;
  await w.go('#/call/BJ-AIXR-2026');
  await w.waitFor('[data-test=kpi-budget]', { text: '¥60,000,000.00' });
  const dashboard = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 1500)); // let memory settle
  const app = Number(execFileSync('pgrep', ['-n', '-f', `${APP} --db ${db}`], { encoding: 'utf8' }).trim());
  const tree = processTree(app);
  const parts = tree.map((p) => `${name(p)} ${(rssKiB(p) / 1024).toFixed(1)} MiB`);
  const total = tree.reduce((s, p) => s + rssKiB(p), 0) / 1024;
  const pss = tree.reduce((s, p) => s + pssKiB(p), 0) / 1024;
  console.log(`run ${run}: first screen ${firstScreen.toFixed(0)} ms, dashboard drawn ${dashboard.toFixed(0)} ms; RSS ${total.toFixed(1)} MiB (${parts.join(', ')}), PSS ${pss.toFixed(1)} MiB`);
  await w.close();
}
