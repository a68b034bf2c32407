// A small WebDriver client over plain HTTP (fetch), for tauri-driver + WebKitWebDriver.
// Each test opens the real GrantDesk window on its own temporary database.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..');
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
export const APP = process.env.GRANTDESK_APP ?? join(TARGET, 'debug', 'grantdesk-app');
export const CLI = process.env.GRANTDESK_CLI ?? join(TARGET, 'debug', 'grantdesk');
const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
/** A second tauri-driver (run.sh starts one beside a test server), for a second window. */
export const SECOND_DRIVER = process.env.WEBDRIVER_URL2 ?? null;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

async function wd(method, path, body, timeout = 60000, driver = DRIVER) {
  // Never wait for ever: a window that fails to start would otherwise hang the whole run.
  const res = await fetch(`${driver}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeout),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json?.value?.error) {
    const v = json?.value ?? {};
    throw new Error(`WebDriver ${method} ${path}: ${v.error ?? res.status} ${v.message ?? ''}`);
  }
  return json.value;
}

// Each test's folder (database, backups, exports) goes when the run ends, unless
// GRANTDESK_KEEP_E2E is set to look at them: runs used to leave gigabytes behind.
const made = [];
process.on('exit', () => {
  if (process.env.GRANTDESK_KEEP_E2E) return;
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'grantdesk-e2e-'));
  made.push(dir);
  return join(dir, 'e2e.db');
}

/**
 * The officer's answer to the next file dialog (the shell's test seam, see
 * src-tauri/src/dialog.rs): a path, or '' to cancel. Without one, a save dialog takes what it
 * offers and an open dialog is cancelled.
 */
export function answerDialog(path) {
  const file = process.env.GRANTDESK_TEST_DIALOG;
  if (!file) throw new Error('GRANTDESK_TEST_DIALOG is not set: run the tests through e2e/run.sh');
  writeFileSync(file, path);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Window {
  /**
   * `args`: more flags for the app, e.g. ['--now', '2028-02-01T10:00:00+08:00']. With `db`
   * null, the app opens the database of its data directory, as an officer starts it.
   * `driver`: another tauri-driver's URL, for a second window at once (one session each).
   */
  static async open(db = tempDb(), args = [], driver = DRIVER) {
    const all = db === null ? args : ['--db', db, ...args];
    const caps = { capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args: all } } } };
    let value;
    // Once in a long run WebKitGTK has failed to initialise GTK at start-up; try again once.
    for (let attempt = 1; ; attempt += 1) {
      try {
        value = await wd('POST', '/session', caps, 45000, driver);
        break;
      } catch (e) {
        if (attempt >= 2) throw e;
        console.log(`# new session failed (${e.message}); retrying`);
        await sleep(2000);
      }
    }
    const w = new Window(value.sessionId, db, driver);
    await w.waitFor('#main > *');
    return w;
  }

  constructor(id, db, driver = DRIVER) {
    this.id = id;
    this.db = db;
    this.driver = driver;
  }

  /** A WebDriver request to this window's own driver. */
  wd(method, path, body, timeout) {
    return wd(method, path, body, timeout, this.driver);
  }

  close() {
    return this.wd('DELETE', `/session/${this.id}`).catch(() => {});
  }

  exec(script, ...args) {
    return this.wd('POST', `/session/${this.id}/execute/sync`, { script, args });
  }

  async execAsync(script, ...args) {
    return this.wd('POST', `/session/${this.id}/execute/async`, { script, args });
  }

  /** The core, called from inside the window as the UI calls it. */
  invoke(command, args = {}) {
    return this.execAsync(
      'const [c, a, done] = arguments; window.__TAURI__.core.invoke(c, a).then((v) => done({ ok: v }), (e) => done({ err: e }));',
      command,
      args,
    );
  }

  async find(css) {
    const v = await this.wd('POST', `/session/${this.id}/element`, { using: 'css selector', value: css });
    return v[ELEMENT];
  }

  async findAll(css) {
    const v = await this.wd('POST', `/session/${this.id}/elements`, { using: 'css selector', value: css });
    return v.map((e) => e[ELEMENT]);
  }

  /** Whether the element has a box on screen: laid out, not only in the page. */
  async onScreen(el) {
    return this.exec('const r = arguments[0].getBoundingClientRect(); return r.width > 0 || r.height > 0;', { [ELEMENT]: el });
  }

  /**
   * Waits until css matches (and, if given, its text passes the test) and the element is on
   * screen. Reading the page is not enough: once a panel's text was in the page for the tests
   * while the officer saw nothing. `shown: false` waits for a marker that has no box of its
   * own (an empty element's attribute).
   */
  async waitFor(css, { timeout = 15000, text, shown = true } = {}) {
    const end = Date.now() + timeout;
    let last = '';
    let hidden = false;
    while (Date.now() < end) {
      try {
        const el = await this.find(css);
        let ok = true;
        if (text) {
          last = await this.text(el);
          ok = typeof text === 'function' ? text(last) : last.includes(text);
        }
        if (ok && shown) {
          hidden = !(await this.onScreen(el));
          ok = !hidden;
        }
        if (ok) return el;
      } catch {
        // not there yet
      }
      await sleep(100);
    }
    const what = `${css}${text ? ` with text ${text} (last: ${last})` : ''}`;
    throw new Error(hidden ? `${what} is in the page but not on screen (no box)` : `timed out waiting for ${what}`);
  }

  /**
   * Clicks what css matches. A page that redraws between the find and the click (a start page
   * finishing its first draw, say) leaves a stale element: it is found again and clicked.
   */
  async click(css) {
    for (let attempt = 1; ; attempt += 1) {
      const el = await this.waitFor(css);
      try {
        await this.wd('POST', `/session/${this.id}/element/${el}/click`, {});
        return;
      } catch (e) {
        if (attempt >= 3 || !/stale element/.test(e.message)) throw e;
        await sleep(100);
      }
    }
  }

  async type(css, text) {
    const el = await this.waitFor(css);
    await this.wd('POST', `/session/${this.id}/element/${el}/clear`, {});
    await this.wd('POST', `/session/${this.id}/element/${el}/value`, { text });
  }

  /** Sends keys to an element without clearing it (e.g. '\uE007' for Enter, '\uE00C' for Esc). */
  async keys(css, text) {
    const el = await this.waitFor(css);
    await this.wd('POST', `/session/${this.id}/element/${el}/value`, { text });
  }

  async text(el) {
    return this.wd('GET', `/session/${this.id}/element/${el}/text`);
  }

  async textOf(css) {
    return this.text(await this.waitFor(css));
  }

  /**
   * The window as a PNG. The window paints without GPU compositing (src-tauri/src/light.rs),
   * and then WebKitGTK 2.50's WebDriver screenshot waits for the page's next paint — forever
   * on a page where nothing changes. So a transparent pixel in a corner changes colour (from
   * one transparent to another: nothing shows) every 50 ms for two seconds, and goes.
   */
  async screenshot() {
    await this.exec(`const dot = document.createElement('div');
      dot.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none';
      document.body.append(dot);
      let n = 0;
      const tick = setInterval(() => {
        dot.style.backgroundColor = n++ % 2 ? 'rgba(0,0,0,0)' : 'rgba(255,255,255,0)';
        if (n > 40) { clearInterval(tick); dot.remove(); }
      }, 50);`);
    return Buffer.from(await this.wd('GET', `/session/${this.id}/screenshot`), 'base64');
  }

  /** The window's outer rectangle {x, y, width, height}; with `to`, moves and resizes it first. */
  rect(to) {
    return to ? this.wd('POST', `/session/${this.id}/window/rect`, to) : this.wd('GET', `/session/${this.id}/window/rect`);
  }

  go(hash) {
    return this.exec('location.hash = arguments[0];', hash);
  }

  /** Chooses a language in the window's own switch. */
  async useLang(lang) {
    await this.exec(
      "const s = document.getElementById('lang-select'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
      lang,
    );
    await this.waitFor('html', { text: () => true });
    const want = lang === 'zh' ? 'zh-CN' : 'en';
    const end = Date.now() + 5000;
    while (Date.now() < end && (await this.exec('return document.documentElement.lang;')) !== want) await sleep(50);
  }
}
