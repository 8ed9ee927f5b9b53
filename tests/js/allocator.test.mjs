// The modules' allocator (wasm/allocator.cpp) on its own, in a test-only module: random sequences
// of malloc, realloc and free keep every live block's bytes, alignment and bounds; freed memory is
// taken back and reused; a block at the heap's end grows in place; what cannot be had is refused
// without growing the memory.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { random } from '../support/random.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wasm = readFileSync(join(root, 'build', 'wasm', 'allocator-check.wasm'));
const MiB = 1 << 20;

function instantiate() {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(wasm), {});
  exports._initialize();
  return {
    malloc: (bytes) => exports.check_malloc(bytes) >>> 0,
    realloc: (pointer, bytes) => exports.check_realloc(pointer, bytes) >>> 0,
    free: (pointer) => exports.check_free(pointer),
    posixMemalign: (alignment, bytes) => exports.check_posix_memalign(alignment, bytes),
    bytes: () => new Uint8Array(exports.memory.buffer),
    memoryBytes: () => exports.memory.buffer.byteLength,
  };
}

// Blocks the test holds: each filled with its own byte, checked whole.
class LiveBlocks {
  constructor(heap) {
    this.heap = heap;
    this.blocks = new Map(); // pointer -> { size, fill }
  }
  add(pointer, size, fill) {
    assert.notEqual(pointer, 0, `malloc(${size}) failed`);
    assert.equal(pointer % 16, 0, `malloc(${size}) = ${pointer}: not 16-byte aligned`);
    assert.ok(pointer + size <= this.heap.memoryBytes(), `malloc(${size}) = ${pointer}: past the memory`);
    this.heap.bytes().fill(fill, pointer, pointer + size);
    this.blocks.set(pointer, { size, fill });
  }
  check() {
    const bytes = this.heap.bytes();
    const sorted = [...this.blocks].sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < sorted.length; i++) {
      const [pointer, { size, fill }] = sorted[i];
      if (i + 1 < sorted.length) assert.ok(pointer + size <= sorted[i + 1][0], `blocks at ${pointer} and ${sorted[i + 1][0]} overlap`);
      const wrong = bytes.subarray(pointer, pointer + size).findIndex((byte) => byte !== fill);
      assert.equal(wrong, -1, `the block at ${pointer} (${size} bytes) lost its byte ${wrong}`);
    }
  }
  liveBytes() {
    let total = 0;
    for (const { size } of this.blocks.values()) total += size;
    return total;
  }
}

test('random malloc, realloc and free keep every live block intact, aligned and apart', () => {
  const heap = instantiate();
  const live = new LiveBlocks(heap);
  const draw = random(18);
  const next = (below) => draw() % below;
  let peakLive = 0;
  for (let step = 0; step < 4000; step++) {
    const pointers = [...live.blocks.keys()];
    const op = pointers.length === 0 ? 0 : next(10);
    // Sizes as the parser's: mostly small, some a buffer's doubling, now and then a large one.
    const size = [0, 1, 15, 16, 17, 100, 768, 4096][next(8)] + (next(20) === 0 ? next(256 * 1024) : 0);
    if (op < 4 && pointers.length < 64) {
      live.add(heap.malloc(size), size, 1 + next(255));
    } else if (op < 7) {
      const pointer = pointers[next(pointers.length)];
      const { size: had, fill } = live.blocks.get(pointer);
      const grown = next(3) === 0 ? size : Math.max(16, had * 2);
      const moved = heap.realloc(pointer, grown);
      assert.notEqual(moved, 0);
      const wrong = heap.bytes().subarray(moved, moved + Math.min(had, grown)).findIndex((byte) => byte !== fill);
      assert.equal(wrong, -1, `realloc(${pointer}, ${grown}) to ${moved} lost byte ${wrong} of ${had}`);
      live.blocks.delete(pointer);
      live.add(moved, grown, fill);
    } else {
      const pointer = pointers[next(pointers.length)];
      heap.free(pointer);
      live.blocks.delete(pointer);
    }
    peakLive = Math.max(peakLive, live.liveBytes());
    if (step % 50 === 0) live.check();
  }
  live.check();
  // Freed blocks are reused: the memory stays within a few times the most ever live at once.
  assert.ok(heap.memoryBytes() <= 1 * MiB + 3 * peakLive, `${heap.memoryBytes()} bytes of memory for at most ${peakLive} live`);
  // Once all is freed, the heap has taken every block back: the first block lies where the very
  // first one did.
  for (const pointer of live.blocks.keys()) heap.free(pointer);
  const fresh = instantiate();
  assert.equal(heap.malloc(64), fresh.malloc(64));
});

test('a block ending the heap grows in place; a freed block is merged with free neighbours and reused', () => {
  const heap = instantiate();
  const first = heap.malloc(100);
  const second = heap.malloc(100);
  const third = heap.malloc(100);
  const last = heap.malloc(1000);
  assert.ok(first < second && second < third && third < last);
  heap.bytes().fill(7, last, last + 1000);
  assert.equal(heap.realloc(last, 8 * MiB), last, 'the last block grows where it is');
  assert.equal(heap.bytes().subarray(last, last + 1000).findIndex((byte) => byte !== 7), -1);
  // `second` freed, then `first`: one free block of both, which a request for more than either
  // one's size takes.
  heap.free(second);
  heap.free(first);
  assert.equal(heap.malloc(200), first);
  // A freed block grows into the free block after it.
  heap.free(third);
  const grown = heap.malloc(16);
  assert.equal(heap.realloc(grown, 100), grown);
  // The last block, freed, goes back to the heap with the free rest of `third` before it: the next
  // block starts there, and the memory does not grow by the 8 MiB the last block held.
  const memory = heap.memoryBytes();
  heap.free(last);
  const next = heap.malloc(9 * MiB);
  assert.ok(next > grown && next < last, `${next} after ${grown} and before ${last}`);
  assert.ok(heap.memoryBytes() <= memory + MiB);
});

// The pattern of a huge line (tests/browser/leaks.test.mjs): a buffer doubles to 16 MiB while
// other blocks come and go after it. Its old copies are merged and reused, so the memory ends well
// under three times the buffer.
test('a buffer doubling past blocks allocated after it leaves no pile of old copies', () => {
  const heap = instantiate();
  let buffer = heap.malloc(16);
  let other = 0;
  for (let size = 32; size <= 16 * MiB; size *= 2) {
    buffer = heap.realloc(buffer, size);
    assert.notEqual(buffer, 0);
    heap.free(other);
    other = heap.malloc(size / 4);
  }
  assert.ok(heap.memoryBytes() <= 1 * MiB + 2.5 * 16 * MiB, `${heap.memoryBytes() / MiB} MiB of memory`);
});

test('a request no block can hold is refused without growing the memory', () => {
  const heap = instantiate();
  const before = heap.memoryBytes();
  assert.equal(heap.malloc(3 * 1024 * MiB), 0);
  assert.equal(heap.malloc(0xffff_fff0), 0);
  const block = heap.malloc(10);
  assert.equal(heap.realloc(block, 3 * 1024 * MiB), 0);
  assert.equal(heap.memoryBytes(), before);
  // The block refused a larger size is still the caller's, as realloc says.
  assert.equal(heap.realloc(block, 20), block);
  assert.notEqual(heap.malloc(0), 0);
});

test('posix_memalign gives 16-byte aligned blocks, and refuses more alignment with ENOMEM', () => {
  const EINVAL = 28; // (WASI's numbers, which Emscripten's libc uses)
  const ENOMEM = 48;
  const heap = instantiate();
  for (const alignment of [4, 8, 16]) {
    const pointer = heap.posixMemalign(alignment, 40);
    assert.ok(pointer > 0 && pointer % 16 === 0, `posix_memalign(${alignment}) = ${pointer}`);
    heap.free(pointer);
  }
  assert.equal(heap.posixMemalign(64, 40), -ENOMEM);
  assert.equal(heap.posixMemalign(2, 40), -EINVAL);
  assert.equal(heap.posixMemalign(24, 40), -EINVAL);
  assert.equal(heap.posixMemalign(16, 3 * 1024 * MiB), -ENOMEM);
});
