// The Chromium driver: Debian's Chromium through playwright-core, never a downloaded browser,
// with the flags this machine needs (no sandbox as root; no background networking, which a
// closed network refuses). CHROMIUM_PATH overrides the executable.
import { existsSync } from 'node:fs';

import { missingPackage } from './missing.mjs';
import { normalize } from './page-script.mjs';

export const name = 'chromium';
export const label = 'Chromium';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why this engine cannot run here (one line), or null. */
export async function missing() {
  if (!existsSync(CHROMIUM_PATH)) return `Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`;
  return missingPackage('playwright-core', 'Chromium');
}

/**
 * playwright-core's Browser, for code that needs Chromium's own API (the DevTools Protocol).
 * `backForwardCache`: keep Chromium's back/forward cache, which playwright turns off.
 */
export async function launchPlaywright({ backForwardCache = false } = {}) {
  const problem = await missing();
  if (problem) throw new Error(problem);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
  });
}

class ChromiumPage {
  constructor(context, page, ownsContext = true) {
    this.context = context;
    this.ownsContext = ownsContext;
    this.raw = page;
    this.problems = [];
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => this.problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console.error: ${message.text()}`);
    });
    page.on('crash', () => this.problems.push('page crashed'));
  }

  goto(url) {
    return this.raw.goto(url);
  }

  async evaluate(fn, arg) {
    return normalize(await this.raw.evaluate(fn, arg));
  }

  async waitForFunction(fn, arg, { timeout = 10_000, polling = 20 } = {}) {
    await this.raw.waitForFunction(fn, arg, { timeout, polling });
  }

  addInitScript(fn) {
    return this.raw.addInitScript(fn);
  }

  setOffline(offline) {
    return this.context.setOffline(offline);
  }

  clearCookies() {
    return this.context.clearCookies();
  }

  /** A DevTools Protocol session of this page. */
  cdp() {
    return this.context.newCDPSession(this.raw);
  }

  /** Crashes the page's renderer (Page.crash): no pagehide, no more script. */
  async kill() {
    const crashed = new Promise((resolve) => this.raw.once('crash', resolve));
    const session = await this.cdp();
    session.send('Page.crash').catch(() => {}); // (never answered: the target is gone)
    await crashed;
  }

  close() {
    return (this.ownsContext ? this.context.close() : this.raw.close()).catch(() => {});
  }
}

export async function launch(options) {
  const browser = await launchPlaywright(options);
  return {
    name,
    label,
    version: browser.version(),
    raw: browser,
    /** A page in a context of its own (its own cookies and cache). */
    async newPage() {
      const context = await browser.newContext();
      return new ChromiumPage(context, await context.newPage());
    },
    /** A browser profile of its own whose pages share cookies, storage and connections. */
    async newContext() {
      const context = await browser.newContext();
      return {
        newPage: async () => new ChromiumPage(context, await context.newPage(), false),
        close: () => context.close().catch(() => {}),
      };
    },
    close: () => browser.close().catch(() => {}),
  };
}
