// The shared checks (tests/checks) in Node, on dist/index.mjs; Chromium runs the same ones
// (tests/browser/checks.test.mjs). Typed arrays of another realm come from a vm context, and no
// check may leave a promise rejected and unhandled.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import vm from 'node:vm';

import * as lib from '../../dist/index.mjs';
import { checkGroups } from '../checks/index.mjs';

const foreign = vm.runInNewContext('({ Uint8Array, Uint16Array, DataView, ArrayBuffer })');
const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20)); // let rejections surface
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled.map(String), [], 'no promise was left rejected and unhandled');
});

for (const [group, checks] of Object.entries(checkGroups)) {
  describe(group, () => {
    for (const check of checks) test(check.name, () => check.run({ ...lib, foreign, NodeBuffer: Buffer }));
  });
}
