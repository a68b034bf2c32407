// End-to-end on a shared server (issue #16): two GrantDesk windows on one PostgreSQL
// database, as two officers at two desks. Runs when run.sh is started beside a test server
// (`make test` does: .ci/pg around e2e/run.sh), which also starts the second driver.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window, CLI, ROOT, SECOND_DRIVER, tempDb, sleep } from './driver.mjs';

const SERVER = process.env.GRANTDESK_TEST_PG;
const skip = !SERVER || !SECOND_DRIVER ? 'no test server (make test starts one: .ci/pg)' : false;

/** A new database on the test server, loaded by the command line to `stage`. */
function serverDb(stage) {
  const name = `e2e_${process.pid}_${Date.now()}`;
  execFileSync('psql', [SERVER, '-qc', `CREATE DATABASE ${name}`]);
  const url = SERVER.replace(/\/[^/]*$/, `/${name}`);
  execFileSync(CLI, ['--db', url, '--lang', 'en', 'demo', '--stage', stage], { stdio: 'pipe' });
  return url;
}

test('two windows on one server database: an award proposed in one appears in the other; a stale edit is refused; the officers page adds an officer', { skip }, async () => {
  const url = serverDb('reviewed');
  const a = await Window.open(url);
  let b;
  try {
    b = await Window.open(url, [], SECOND_DRIVER);
    await a.useLang('en');
    await b.useLang('zh');
    const board = '#/call/BJ-AIXR-2026/decision';
    await a.go(board);
    await b.go(board);
    await a.waitFor('[data-test=board] tbody tr[data-reference]');
    await b.waitFor('[data-test=board] tbody tr[data-reference]');
    const funded = (w) => w.exec("return document.querySelectorAll('[data-test=board] tr.funded').length;");
    assert.equal(await funded(b), 0);

    // Officer A funds the first proposal of the ranking; B's board shows it, unasked.
    const ref = await a.exec("return document.querySelector('[data-test=board] tr[data-reference]').dataset.reference;");
    const started = Date.now();
    await a.click(`[data-test=board] tr[data-reference="${ref}"] [data-test=add-award]`);
    await a.waitFor(`[data-test=board] tr.funded[data-reference="${ref}"]`);
    await b.waitFor(`[data-test=board] tr.funded[data-reference="${ref}"]`, { timeout: 5000 });
    const took = Date.now() - started;
    console.log(`# the other window showed the award ${took} ms after the click`);
    assert.ok(took < 3000, `the other window showed the award after ${took} ms`);
    assert.match(await b.textOf('[data-test=kpi-awards]'), /1 \/ 12/);
    assert.match(await b.textOf('[data-test=toast]'), /dba 刚刚修改了数据/);
    // The window that made the change is not told about its own change.
    assert.equal(await a.exec("return document.querySelector('[data-test=toast]')?.textContent.includes('just changed') ?? false;"), false);
    const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'server-second-window-zh.png'), await b.screenshot());

    // Both open reviewer 1 to edit; A saves first; B's form is warned, and its save refused.
    await a.go('#/reviewers/1');
    await b.go('#/reviewers/1');
    await a.waitFor('[data-test=reviewer-form] input[name=phone]');
    await b.waitFor('[data-test=reviewer-form] input[name=phone]');
    await a.type('[data-test=reviewer-form] input[name=phone]', '010-88886666');
    await a.click('[data-test=reviewer-form] [data-test=save]');
    // Saved: the window goes back to the list.
    for (let i = 0; i < 50 && (await a.exec('return location.hash;')) !== '#/reviewers'; i += 1) await sleep(100);
    assert.equal(await a.exec('return location.hash;'), '#/reviewers');
    await b.waitFor('[data-test=toast]', { text: '保存时若与您的修改冲突会被拒绝', timeout: 5000 });
    await b.type('[data-test=reviewer-form] input[name=affiliation]', '北京大学');
    await b.click('[data-test=reviewer-form] [data-test=save]');
    await b.waitFor('[data-test=reviewer-form] [data-test=form-errors]', { text: '被 dba 修改' });
    const list = JSON.parse(execFileSync(CLI, ['--db', url, '--json', 'reviewer', 'list']).toString());
    const r1 = list.find((r) => r.id === 1);
    assert.equal(r1.phone, '010-88886666');
    assert.notEqual(r1.affiliation, '北京大学', 'the stale save changed nothing');

    // The officers page: the signed-in role, and an officer added with a role.
    await a.go('#/officers');
    assert.match(await a.textOf('[data-test=officer-name]'), /dba/);
    await a.type('[data-test=officer-new-name]', 'li_wei');
    await a.exec("const s = document.querySelector('[data-test=officer-new-role]'); s.value = 'finance';");
    await a.click('[data-test=officer-add]');
    await a.waitFor('[data-test=officers] tr[data-officer=li_wei]', { text: 'finance' });
    const officers = JSON.parse(execFileSync(CLI, ['--db', url, '--json', 'officer', 'list']).toString());
    assert.deepEqual(officers.find((o) => o.name === 'li_wei')?.roles, ['finance']);
    writeFileSync(join(dir, 'server-officers-en.png'), await a.screenshot());
  } finally {
    await b?.close();
    await a.close();
  }
});

test('a server chosen in the settings is signed in to once, kept without its password, and opened at the next start', { skip }, async () => {
  const url = serverDb('proposals');
  const saved = join(process.env.XDG_CONFIG_HOME, 'cn.grantdesk.desktop', 'server.json');
  const keyring = process.env.GRANTDESK_TEST_KEYRING;
  let w = await Window.open(tempDb());
  try {
    await w.useLang('en');
    await w.go('#/settings');
    await w.waitFor('[data-test=server-settings]', { text: "This computer's file is open now" });
    // A password in the address is refused before anything is tried.
    await w.type('[data-test=server-url]', url.replace('dba@', 'dba:hunter2@'));
    await w.click('[data-test=server-connect]');
    await w.waitFor('[data-test=server-result]', { text: 'leave the password out of the address' });
    assert.equal(existsSync(saved), false);
    await w.type('[data-test=server-url]', url);
    await w.type('[data-test=server-password]', 'hunter2');
    await w.click('[data-test=server-connect]');
    await w.waitFor('[data-test=server-result]', { text: 'Signed in as dba' });
    const dir = process.env.GRANTDESK_SHOTS ?? join(ROOT, 'target', 'e2e-shots');
    mkdirSync(dir, { recursive: true });
    await w.exec("document.querySelector('[data-test=server-settings]').scrollIntoView({ block: 'start' });");
    writeFileSync(join(dir, 'server-settings-en.png'), await w.screenshot());
    const kept = readFileSync(saved, 'utf8');
    assert.equal(JSON.parse(kept).url, url);
    assert.ok(!kept.includes('hunter2'), 'no password in the settings file');
    assert.ok(readFileSync(keyring, 'utf8').includes('hunter2'), 'the password is in the keyring');
  } finally {
    await w.close();
  }
  // Started with no --db: the saved server, with its password from the keyring.
  w = await Window.open(null);
  try {
    await w.useLang('en');
    const me = await w.invoke('whoami');
    assert.equal(me.ok.backend, 'postgres');
    assert.equal(me.ok.name, 'dba');
    assert.equal((await w.invoke('list_calls')).ok[0].code, 'BJ-AIXR-2026');
    await w.go('#/settings');
    await w.waitFor('[data-test=server-settings]', { text: "The database open now is the server's" });
    assert.match(await w.textOf('[data-test=server-saved]'), /the password in the system keyring/);
    // Backups of a server's database are the server's: the page says how, and offers no list.
    assert.match(await w.textOf('[data-test=backups-server-way]'), /pg_dump .*pg_restore/s);
    assert.equal(await w.exec("return document.querySelector('[data-test=backup-now]') === null;"), true);
    await w.click('[data-test=server-forget]');
    await w.waitFor('[data-test=server-result]', { text: "opens this computer's file at the next start" });
    assert.equal(existsSync(saved), false);
    assert.ok(!readFileSync(keyring, 'utf8').includes('hunter2'), 'the password left the keyring');
  } finally {
    await w.close();
    rmSync(saved, { force: true });
  }
});
