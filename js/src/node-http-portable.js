// The builds for browsers (the drop-in scripts), workerd and engines without WebAssembly have no
// node:http transport (./node-http.js): every request goes through fetch().

/** This build has no node:http transport. */
export const HAS_NODE_HTTP = false;

/** Whether this request can go through node:http(s): never here. */
export const useNodeHttp = () => false;

/** Whether `body` is a node:http response's: never here. */
export const isNodeBody = () => false;

/** Whether node:http refused these headers: it is never used here. */
export const refusedByNodeHttp = () => false;

export function nodeGet() {
  throw new Error('wasm-eventsource: no node:http transport in this build');
}
export const readNodeStream = nodeGet;
