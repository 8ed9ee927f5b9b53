// The size of the parser module's WebAssembly memory, for the leak and load tests.
//
// The public way is the static getter `WasmEventSource.wasmMemoryBytes` (the module's
// memory.buffer.byteLength, 0 before the module is loaded). Where a build does not have it yet,
// the memory is read from the instance itself: `installInstanceHook()` wraps
// `WebAssembly.Instance` before the bundle instantiates its module (synchronously, on first use)
// and keeps every exported memory. Both read the very module the bundle uses, and when both are
// there they must agree.
//
// WebAssembly memory never shrinks, so its size at any time is also its peak so far.

/**
 * Wraps WebAssembly.Instance in `scope` so that every instance's exported memory is kept in
 * `scope.__wasmMemories`. Self-contained: also passed as is to page.addInitScript().
 */
export function installInstanceHook(scope = globalThis) {
  if (scope.__wasmMemories) return;
  const memories = [];
  scope.__wasmMemories = memories;
  const Original = scope.WebAssembly.Instance;
  const Hooked = new Proxy(Original, {
    construct(target, args) {
      const instance = Reflect.construct(target, args);
      for (const value of Object.values(instance.exports)) {
        if (value instanceof scope.WebAssembly.Memory) memories.push(value);
      }
      return instance;
    },
  });
  scope.WebAssembly.Instance = Hooked;
}

/**
 * Reads the WebAssembly memory size of the bundle whose class is `WasmEventSource`: returns
 * { bytes, source } where source is 'getter' (the public static getter) or 'instance-hook'.
 * Throws when the two disagree, or when the bundle made more than one instance.
 */
export function readWasmMemory(WasmEventSource, scope = globalThis) {
  const memories = scope.__wasmMemories ?? [];
  if (memories.length > 1) throw new Error(`expected one WebAssembly instance, saw ${memories.length}`);
  const hooked = memories.length === 1 ? memories[0].buffer.byteLength : 0;
  const getter = WasmEventSource.wasmMemoryBytes;
  if (typeof getter === 'number') {
    if (scope.__wasmMemories && getter !== hooked) {
      throw new Error(`WasmEventSource.wasmMemoryBytes is ${getter}, the instance's memory is ${hooked} bytes`);
    }
    return { bytes: getter, source: 'getter' };
  }
  if (!scope.__wasmMemories) throw new Error('no WasmEventSource.wasmMemoryBytes: call installInstanceHook() first');
  return { bytes: hooked, source: 'instance-hook' };
}

export const MiB = 1 << 20;
/** Bytes as MiB with two decimals, for the printed numbers. */
export const mib = (bytes) => Math.round((bytes / MiB) * 100) / 100;
