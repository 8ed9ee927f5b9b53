// The Firefox driver: Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (no
// geckodriver; puppeteer never downloads a browser here). FIREFOX_PATH overrides the executable.
// Each page lives in a user context of its own (its own cookies), like a Chromium context.
import { existsSync } from 'node:fs';

import { killPageProcess } from './kill-page.mjs';
import { missingPackage } from './missing.mjs';
import { normalize } from './page-script.mjs';

export const name = 'firefox';
export const label = 'Firefox';
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

// Preferences for a test browser on a closed machine: no first-run pages, no updates, no
// telemetry or captive-portal probes. (Should a test need more host names on 127.0.0.1,
// network.dns.localDomains maps them.)
const PREFS = {
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'dom.serviceWorkers.testing.enabled': true, // service workers on http://127.0.0.1 (a secure context anyway)
  // Every page but one is a background tab, where Firefox clamps timers to 1 s: a page's own
  // setTimeout (the polyfill's reconnection wait) would then lag behind the native EventSource's.
  'dom.min_background_timeout_value': 4,
  'dom.min_background_timeout_value_without_budget_throttling': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};

export async function missing() {
  if (!existsSync(FIREFOX_PATH)) return `Firefox not found at ${FIREFOX_PATH}: apt-get install firefox-esr (or set FIREFOX_PATH)`;
  return missingPackage('puppeteer-core', 'Firefox');
}

// Firefox reports failed and refused requests (its console's network messages) through the same
// channel as uncaught errors; Chromium logs them as console errors. They are filed as such here.
const NETWORK_MESSAGES = /^(Firefox can’t establish a connection to the server at |Cross-Origin Request Blocked: |The connection to .* was interrupted while the page was loading)/;

class FirefoxPage {
  constructor(context, page, browserPid, ownsContext = true) {
    this.context = context;
    this.browserPid = browserPid;
    this.ownsContext = ownsContext;
    this.raw = page;
    this.problems = [];
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => {
      const kind = NETWORK_MESSAGES.test(error.message) ? 'console.error' : 'pageerror';
      this.problems.push(`${kind}: ${error.message}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console.error: ${message.text()}`);
    });
  }

  async goto(url) {
    await this.raw.goto(url, { waitUntil: 'load' });
  }

  async evaluate(fn, arg) {
    return normalize(await this.raw.evaluate(fn, arg));
  }

  async waitForFunction(fn, arg, { timeout = 10_000, polling = 20 } = {}) {
    await this.raw.waitForFunction(fn, { timeout, polling }, arg);
  }

  addInitScript(fn) {
    return this.raw.evaluateOnNewDocument(fn);
  }

  setOffline(offline) {
    return this.raw.setOfflineMode(offline);
  }

  async clearCookies() {
    const cookies = await this.context.cookies();
    if (cookies.length) await this.context.deleteCookie(...cookies);
  }

  /** Kills the page's content process (SIGKILL): no pagehide, no more script. */
  kill() {
    return killPageProcess(this, this.browserPid, /-contentproc.*-isForBrowser/);
  }

  close() {
    return (this.ownsContext ? this.context.close() : this.raw.close()).catch(() => {});
  }
}

export async function launch() {
  const problem = await missing();
  if (problem) throw new Error(problem);
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    protocol: 'webDriverBiDi',
    extraPrefsFirefox: PREFS,
    timeout: 60_000,
  });
  return {
    name,
    label,
    version: await browser.version(),
    raw: browser,
    async newPage() {
      const context = await browser.createBrowserContext();
      return new FirefoxPage(context, await context.newPage(), browser.process()?.pid);
    },
    /** A browser profile of its own whose pages share cookies, storage and connections. */
    async newContext() {
      const context = await browser.createBrowserContext();
      return {
        newPage: async () => new FirefoxPage(context, await context.newPage(), browser.process()?.pid, false),
        close: () => context.close().catch(() => {}),
      };
    },
    close: () => browser.close().catch(() => {}),
  };
}
