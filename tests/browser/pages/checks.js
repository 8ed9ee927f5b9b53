// The checks page (tests/browser/checks.test.mjs): runs the shared checks of tests/checks on the
// package's ES module build, one group at a time, and reports each check's outcome and any
// promise left rejected and unhandled while it ran.
import * as lib from '/dist/index.mjs';
import { checkGroups } from '/tests/checks/index.mjs';

const unhandled = [];
window.addEventListener('unhandledrejection', (event) => unhandled.push(String(event.reason)));

async function runGroup(group) {
  const foreign = document.getElementById('foreign').contentWindow;
  const results = [];
  for (const check of checkGroups[group]) {
    unhandled.length = 0;
    let error = null;
    try {
      await check.run({ ...lib, foreign });
    } catch (e) {
      error = `${e?.name}: ${e?.message}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // let rejections surface
    results.push({ name: check.name, error, unhandled: [...unhandled] });
  }
  return results;
}

window.checks = { ready: true, groups: Object.keys(checkGroups), runGroup };
