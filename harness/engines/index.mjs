// The browser-driver interface: one module per engine (chromium.mjs, firefox.mjs, webkit.mjs),
// each exporting the same few functions:
//
//   missing()  → null, or one line saying what to install
//   launch()   → browser { name, label, version, newPage(), close() }
//   browser.newPage() → page, in a context of its own (its own cookies):
//     page.goto(url)                     page.evaluate(fn, arg)   (fn runs in the page; JSON values)
//     page.waitForFunction(fn, arg, { timeout, polling })
//     page.problems                      uncaught errors and console.error messages, as strings
//     page.clearCookies()                page.close()
//     page.kill()                        the page's process dies (a crash: no pagehide)
//   browser.newContext() → { newPage(), close() }: pages of one browser profile, which share
//     cookies, storage, BroadcastChannels, Web Locks and the connections to a host;
//   and, where the engine's protocol has them: page.setOffline(bool), page.addInitScript(fn),
//   page.cdp() (Chromium's DevTools Protocol). `supports(page, 'setOffline')` tells.
import * as chromium from './chromium.mjs';
import * as firefox from './firefox.mjs';
import * as webkit from './webkit.mjs';

export const ENGINES = { chromium, firefox, webkit };
export const ENGINE_NAMES = Object.keys(ENGINES);

/** 'chromium' | 'firefox' | 'webkit' | 'all' | 'a,b' → a list of engine names. */
export function parseEngines(spec) {
  const names = spec === 'all' ? ENGINE_NAMES : String(spec).split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!ENGINES[name]) throw new Error(`unknown engine "${name}" (${ENGINE_NAMES.join(', ')} or all)`);
  }
  return names;
}

export function engine(name) {
  const module = ENGINES[name];
  if (!module) throw new Error(`unknown engine "${name}" (${ENGINE_NAMES.join(', ')} or all)`);
  return module;
}

export const launchEngine = (name) => engine(name).launch();
export const missingEngine = (name) => engine(name).missing();
export const supports = (page, feature) => typeof page[feature] === 'function';
