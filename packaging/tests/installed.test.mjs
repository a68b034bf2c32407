// The installed package's window (packaging/install-test.sh runs this through e2e/run.sh with
// GRANTDESK_APP=/usr/bin/grantdesk-app and a home of its own): started as an officer starts
// it, on the database of its data directory, its first screen appears in both languages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Window, ROOT, APP, sleep } from '../../e2e/driver.mjs';

test('the installed window opens on the data directory with its first screen', async () => {
  assert.equal(APP, '/usr/bin/grantdesk-app', 'the installed binary, not the build');
  const home = process.env.GRANTDESK_PACKAGE_HOME;
  assert.ok(home, 'run by packaging/install-test.sh');
  const w = await Window.open(null);
  try {
    const info = (await w.invoke('app_info')).ok;
    assert.equal(info.db_path, join(home, '.local/share/grantdesk/grantdesk.db'));
    assert.ok(existsSync(info.db_path), 'the database is made on first start');
    await w.useLang('zh');
    const zh = await w.textOf('[data-test=start]');
    assert.match(zh, /欢迎使用科研资助管理台/);
    assert.match(zh, /载入示例资助计划/);
    assert.match(zh, /本机构/, 'the first run asks for the agency');
    await w.useLang('en');
    const en = await w.textOf('[data-test=start]');
    assert.match(en, /Welcome to GrantDesk/);
    assert.match(en, /Your agency/);
    await sleep(300);
    const dir = join(ROOT, 'target', 'e2e-shots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'installed-en.png'), await w.screenshot());
  } finally {
    await w.close();
  }
});
