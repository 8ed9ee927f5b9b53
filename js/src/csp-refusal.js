// A page whose Content-Security-Policy lacks 'wasm-unsafe-eval' (or 'unsafe-eval') refuses to
// compile WebAssembly, and each engine says so in its own words, none of which names the fix.
// Chromium: "WebAssembly.Module(): Compiling or instantiating WebAssembly module violates the
// following Content Security policy directive because 'unsafe-eval' is not an allowed source of
// script …"; Firefox: "call to WebAssembly.Module() blocked by CSP"; WebKit (at
// `new WebAssembly.Instance`): "Refused to create a WebAssembly object because 'unsafe-eval' or
// 'wasm-unsafe-eval' is not an allowed source of script in the following Content Security Policy
// directive: …". (All three throw a CompileError.)
const REFUSED_BY_CSP = /Content Security Policy|\bCSP\b|unsafe-eval/i;

/**
 * The error to throw for `error`, thrown while compiling a module: when it is a CSP refusal, a
 * CompileError (as the engine's) whose message names the fix, and `alternative` (what to use
 * instead) if there is one, with the engine's error as its cause; otherwise `error` itself.
 */
export function explainCspRefusal(error, alternative) {
  if (!REFUSED_BY_CSP.test(String(error?.message ?? error))) return error;
  const explained = new WebAssembly.CompileError(
    `wasm-eventsource: the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src${alternative ? `, or ${alternative}` : ''}`,
    { cause: error },
  );
  // (An engine whose CompileError takes no options still gets the cause.)
  if (explained.cause !== error) Object.defineProperty(explained, 'cause', { value: error, writable: true, configurable: true });
  return explained;
}
