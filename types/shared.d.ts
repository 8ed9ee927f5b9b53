// Types for wasm-eventsource/shared: the package's EventSource, with `shared: true` installed.
export * from './index.js';
export { default } from './index.js';
