// wasm-eventsource/embind: the C++ API of native/include/sse/parser.hpp in JavaScript, through the
// Embind binding of wasm/embind.cpp, the way yoga's package mirrors its C++ core:
//
//   const sse = await initSse();
//   const sink = sse.EventSink.implement({ onEvent({ type, data, lastEventId, typeSet, idSet }) {} });
//   const parser = new sse.Parser(sink, { maxBufferedBytes: 1 << 20, onLimit: sse.LimitAction.stop });
//   parser.feed(bytesOrText); parser.lastEventId(); parser.delete(); sink.delete();
//
// What this file adds to Embind's objects is what keeps the C++ side sound under any JavaScript:
// an exception thrown by a callback must not unwind through the parser (built without C++
// exceptions, it would be left mid-line), so a callback's exception is held, the callbacks after
// it in that call are skipped, and it is thrown once the parser returned; the parser is not
// reentrant, so a callback calling back into it is an Error; and arguments are checked.
import { wasmOffset, wasmSign, wasmText } from '#embind-binary';
import createSseModule from '#embind-module';

import { describeValue, requireBytes } from './bytes.js';
import { explainCspRefusal } from './csp-refusal.js';
import { decodeModule } from './decode-module.js';

const CALLBACKS = ['onEvent', 'onRetry', 'onId', 'onIdBuffer', 'onComment', 'onIgnoredField', 'onError'];

// sse.EventSink.implement(methods): every callback, guarded; the ones left out do nothing.
function guardSinks(sse, sinks) {
  const implement = sse.EventSink.implement.bind(sse.EventSink);
  sse.EventSink.implement = function implementEventSink(methods) {
    if (methods === null || typeof methods !== 'object') {
      throw new TypeError(`sse.EventSink.implement() takes an object of callbacks, got ${describeValue(methods)}`);
    }
    if (typeof methods.onEvent !== 'function') {
      throw new TypeError('sse.EventSink.implement(): onEvent is required (it is pure virtual in C++)');
    }
    const state = { error: undefined, failed: false, deleted: false };
    const guarded = {};
    for (const name of CALLBACKS) {
      const callback = methods[name];
      if (callback !== undefined && typeof callback !== 'function') {
        throw new TypeError(`sse.EventSink.implement(): ${name} must be a function, got ${describeValue(callback)}`);
      }
      guarded[name] = (...args) => {
        if (state.failed || callback === undefined) return;
        try {
          callback.apply(methods, args);
        } catch (error) {
          state.failed = true;
          state.error = error;
        }
      };
    }
    const sink = implement(guarded);
    const remove = sink.delete;
    sink.delete = function deleteEventSink() {
      state.deleted = true;
      return remove.call(this);
    };
    sinks.set(sink, state);
    return sink;
  };
}

function checkOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new TypeError(`new sse.Parser(sink, options): options must be an object, got ${describeValue(options)}`);
  const { maxBufferedBytes, defaultReconnectionTimeMs } = options;
  for (const [name, value] of [['maxBufferedBytes', maxBufferedBytes], ['defaultReconnectionTimeMs', defaultReconnectionTimeMs]]) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 32 - 1) {
      throw new RangeError(`new sse.Parser(sink, options): ${name} must be an integer from 0 to 2^32 - 1, got ${describeValue(value)}`);
    }
  }
  return options;
}

// new sse.Parser(sink, options) and the calls that run the parser.
function guardParsers(sse, sinks) {
  const NativeParser = sse.Parser;
  const parsers = new WeakMap(); // parser → { sink: its sink's state, busy }
  function Parser(sink, options) {
    if (new.target === undefined) throw new TypeError("sse.Parser must be called with 'new'");
    const sinkState = sinks.get(sink);
    if (sinkState === undefined) {
      throw new TypeError(`new sse.Parser(sink, options): sink must come from sse.EventSink.implement(), got ${describeValue(sink)}`);
    }
    if (sinkState.deleted) throw new Error('new sse.Parser(sink, options): the sink was deleted');
    const parser = new NativeParser(sink, checkOptions(options));
    parsers.set(parser, { sink: sinkState, busy: false });
    return parser;
  }
  Parser.prototype = NativeParser.prototype;
  for (const name of ['feed', 'reset', 'setLastEventId']) {
    const native = NativeParser.prototype[name];
    NativeParser.prototype[name] = function run(argument) {
      const state = parsers.get(this);
      if (state?.busy) {
        throw new Error(`sse.Parser#${name}() called from one of its sink's callbacks: the parser is not reentrant`);
      }
      if (state?.sink.deleted) throw new Error(`sse.Parser#${name}(): its sink was deleted (delete the parser first)`);
      if (name === 'feed' && typeof argument !== 'string') argument = requireBytes(argument);
      if (name === 'setLastEventId' && typeof argument !== 'string') {
        throw new TypeError(`sse.Parser#setLastEventId() takes a string, got ${describeValue(argument)}`);
      }
      if (state) state.busy = true;
      try {
        if (name === 'reset') native.call(this);
        else native.call(this, argument);
      } finally {
        if (state) state.busy = false;
      }
      const sink = state?.sink;
      if (sink?.failed) {
        const { error } = sink;
        sink.failed = false;
        sink.error = undefined;
        throw error;
      }
    };
  }
  sse.Parser = Parser;
}

/** Instantiates the module (its WebAssembly is inside this file) and returns its bindings. */
export default async function initSse() {
  let sse;
  try {
    sse = await createSseModule({ wasmBinary: decodeModule(wasmText, wasmOffset, wasmSign) });
  } catch (error) {
    // (Emscripten's "Aborted(CompileError: …)" under a CSP: the C++ API has no build without
    // WebAssembly, so the fix is the policy's.)
    throw explainCspRefusal(error);
  }
  const sinks = new WeakMap(); // sink → { error, failed, deleted }
  guardSinks(sse, sinks);
  guardParsers(sse, sinks);
  return sse;
}
