// Async iteration of an EventSource: `for await (const event of source)` and
// `source.events({ signal, types, bufferSize, overflow })`. The iterator listens from the moment
// it is made, yields the events of `types` (default 'message') in order, ends once the source is
// CLOSED (after the events it holds), and closes the source when the loop leaves early (break,
// return, throw; an aborted `signal` also makes the loop throw its reason). Events the loop has
// not taken yet wait in a queue of at most `bufferSize` (default 1000); one more, and `overflow`
// decides: 'error' (the default) closes the source and the loop throws a RangeError once it has
// taken the queued events; 'drop-oldest' drops the oldest queued event.

/**
 * The async iterator of `source`'s events. `onClose(callback)` registers a callback that the
 * source calls when it becomes CLOSED (close() fires no event the iterator could listen to).
 */
export function eventIterator(source, options, onClose) {
  const { signal, types = 'message', bufferSize = 1000, overflow = 'error' } = options ?? {};
  if (typeof bufferSize !== 'number' || !(bufferSize >= 1) || (overflow !== 'error' && overflow !== 'drop-oldest')) {
    throw new RangeError(`events(): bufferSize must be a number ≥ 1 (got ${bufferSize}), overflow 'error' or 'drop-oldest' (got ${overflow})`);
  }
  const typeList = typeof types === 'string' ? [types] : [...types];
  const queue = [];
  const waiters = []; // the pending next() calls' [resolve, reject], in order
  let ended = false; // no more events will be queued
  let failure = null; // thrown once the queue is empty, then the iteration is done

  const settle = () => {
    while (waiters.length > 0 && (queue.length > 0 || failure !== null || ended)) {
      const [resolve, reject] = waiters.shift();
      if (queue.length > 0) resolve({ value: queue.shift(), done: false });
      else if (failure !== null) reject(failure), (failure = null);
      else resolve({ value: undefined, done: true });
    }
  };
  // Ends the iteration (no more events are taken); `closeSource`: closes the source too.
  const stop = (closeSource, error = null) => {
    if (ended) return;
    ended = true;
    failure = error;
    for (const type of typeList) source.removeEventListener(type, listener);
    signal?.removeEventListener('abort', abort);
    if (closeSource) source.close();
    settle();
  };
  const listener = (event) => {
    if (ended) return;
    if (queue.length >= bufferSize && overflow === 'error') {
      return stop(true, new RangeError(`The loop fell more than ${bufferSize} events behind its EventSource, which was closed`));
    }
    if (queue.push(event) > bufferSize) queue.shift();
    settle();
  };
  const abort = () => {
    queue.length = 0;
    stop(true, signal.reason);
  };

  for (const type of typeList) source.addEventListener(type, listener);
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort);
  // A failing source dispatches its last `error` right after it closed: that event is still
  // taken (when `types` asks for it) before the iteration ends.
  if (source.readyState === 2) stop(false);
  else onClose(() => queueMicrotask(() => stop(false)));

  return {
    next: () => new Promise((resolve, reject) => (waiters.push([resolve, reject]), settle())),
    return(value) {
      queue.length = 0;
      stop(true);
      failure = null;
      return Promise.resolve({ value, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
