// The WebKit driver: Debian's WebKitGTK MiniBrowser through its WebDriver (WebKitWebDriver) and
// selenium-webdriver, on an Xvfb display the driver starts (WebKitGTK has no headless mode).
// Each page is a browser session of its own, with its own WebKitWebDriver: one driver shared by
// concurrent sessions loses them (NoSuchSessionError). WebDriver classic reports neither page
// errors nor console messages, so each page records them itself from the moment it loaded.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

import { killPageProcess } from './kill-page.mjs';
import { missingPackage } from './missing.mjs';
import { asyncScriptBody, recordProblemsInPage, waitScriptBody } from './page-script.mjs';

export const name = 'webkit';
export const label = 'WebKit';
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const DRIVER = 'WebKitWebDriver';
const SCRIPT_TIMEOUT_MS = 600_000; // evaluate() awaits page promises that last as long as a test

const onPath = (command) => (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(`${dir}/${command}`));

export async function missing() {
  if (!existsSync(MINIBROWSER_PATH) || !onPath(DRIVER)) {
    return `WebKit not found (${MINIBROWSER_PATH}, ${DRIVER}): apt-get install webkit2gtk-driver xvfb xauth`;
  }
  if (!onPath('Xvfb')) return 'WebKit needs an X display: apt-get install xvfb xauth';
  return missingPackage('selenium-webdriver', 'WebKit');
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

/** Starts Xvfb on a display it picks itself (-displayfd); resolves { display, stop }. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let text = '';
    let errors = '';
    xvfb.stderr.on('data', (chunk) => (errors += chunk));
    xvfb.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve({ display: `:${text.trim()}`, stop: () => xvfb.kill() });
    });
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${errors.trim().split('\n').at(-1)}`)));
  });
}

/** Resolves once the driver on `port` answers /status. */
async function waitForDriver(port, child) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`${DRIVER} exited (${child.exitCode})`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${DRIVER} on port ${port} did not start`);
}

class WebKitPage {
  constructor(driver, child) {
    this.driver = driver;
    this.child = child;
    this.problems = [];
  }

  async run(body, arg) {
    const outcome = await this.driver.executeAsyncScript(body, JSON.stringify(arg ?? null));
    if (outcome?.error !== undefined) throw new Error(outcome.error);
    return outcome?.json === null || outcome?.json === undefined ? undefined : JSON.parse(outcome.json);
  }

  /** Collects what the page recorded so far into `problems`. */
  async collectProblems() {
    try {
      const found = await this.run(asyncScriptBody('() => (window.__engineProblems ?? []).splice(0)'));
      this.problems.push(...(found ?? []));
    } catch {
      // the page is gone or navigating
    }
  }

  async goto(url) {
    await this.collectProblems();
    await this.driver.get(url);
    await this.run(asyncScriptBody(String(recordProblemsInPage)));
  }

  async evaluate(fn, arg) {
    const value = await this.run(asyncScriptBody(fn), arg);
    await this.collectProblems();
    return value;
  }

  async waitForFunction(fn, arg, { timeout = 10_000, polling = 20 } = {}) {
    await this.run(waitScriptBody(fn, { timeout, polling }), arg);
  }

  async clearCookies() {
    await this.driver.manage().deleteAllCookies();
  }

  /** Kills the page's web process (SIGKILL): no pagehide, no more script. */
  kill() {
    return killPageProcess(this, this.child.pid, /WebKitWebProcess/);
  }

  async close() {
    try {
      await this.driver.quit();
    } catch {
      // already gone
    }
    this.child.kill();
  }
}

// A window of a session that has several (browser.newContext()): WebDriver talks to one window
// at a time, so each command switches to its window first, one command at a time.
class WebKitWindow extends WebKitPage {
  constructor(session, handle) {
    super(session.driver, session.child);
    this.session = session;
    this.handle = handle;
  }

  inWindow(act) {
    return this.session.serialize(async () => {
      await this.driver.switchTo().window(this.handle);
      return act();
    });
  }

  run(body, arg) {
    return this.inWindow(() => WebKitPage.prototype.run.call(this, body, arg));
  }

  async goto(url) {
    await this.collectProblems();
    await this.inWindow(() => this.driver.get(url));
    await this.run(asyncScriptBody(String(recordProblemsInPage)));
  }

  clearCookies() {
    return this.inWindow(() => this.driver.manage().deleteAllCookies());
  }

  close() {
    return this.inWindow(() => this.driver.close()).catch(() => {});
  }
}

export async function launch() {
  const problem = await missing();
  if (problem) throw new Error(problem);
  const { Builder } = await import('selenium-webdriver');
  const xvfb = await startXvfb();
  const pages = new Set();
  // A WebDriver session: its own WebKitWebDriver and MiniBrowser (its own profile).
  async function startSession() {
    const port = await freePort();
    const child = spawn(DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: xvfb.display },
    });
    try {
      await waitForDriver(port, child);
      const driver = await new Builder()
        .usingServer(`http://127.0.0.1:${port}`)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
        })
        .build();
      await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: 30_000 });
      browser.version ??= (await driver.getCapabilities()).get('browserVersion');
      return { driver, child };
    } catch (error) {
      child.kill();
      throw error;
    }
  }
  const browser = {
    name,
    label,
    version: null,
    display: xvfb.display,
    async newPage() {
      const { driver, child } = await startSession();
      const page = new WebKitPage(driver, child);
      pages.add(page);
      const close = page.close.bind(page);
      page.close = () => (pages.delete(page), close());
      return page;
    },
    /** One session whose windows are the pages: one profile (cookies, storage, connections). */
    async newContext() {
      let session = null;
      const context = {
        async newPage() {
          if (session === null) {
            session = await startSession();
            let tail = Promise.resolve();
            session.serialize = (act) => {
              const result = tail.then(act);
              tail = result.catch(() => {});
              return result;
            };
            return new WebKitWindow(session, await session.driver.getWindowHandle());
          }
          const handle = await session.serialize(async () => {
            // (From a window that is still there: the current one may have been closed.)
            const [open] = await session.driver.getAllWindowHandles();
            await session.driver.switchTo().window(open);
            await session.driver.switchTo().newWindow('window');
            return session.driver.getWindowHandle();
          });
          return new WebKitWindow(session, handle);
        },
        async close() {
          pages.delete(context);
          if (session === null) return;
          await session.driver.quit().catch(() => {});
          session.child.kill();
        },
      };
      pages.add(context);
      return context;
    },
    async close() {
      await Promise.all([...pages].map((page) => page.close()));
      xvfb.stop();
    },
  };
  return browser;
}
