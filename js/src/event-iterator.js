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
    throw new RangeError(`events(): bufferSize must be a number ≥ 1, overflow 'error' or 'drop-oldest'`);
  }
  const typeList = typeof types === 'string' ? [types] : [...types];
  const queue = [];
  let wake = null; // resolves the loop's wait for the next event
  let ended = false; // no more events will be queued
  let failure = null; // thrown once the queue is empty
  const end = (error = null) => {
    ended = true;
    failure ??= error;
    wake?.();
  };
  const listener = (event) => {
    if (ended) return;
    if (queue.length >= bufferSize && overflow === 'error') {
      end(new RangeError(`EventSource closed: the loop fell more than ${bufferSize} events behind`));
      source.close();
    } else {
      if (queue.push(event) > bufferSize) queue.shift();
      wake?.();
    }
  };
  const abort = () => {
    queue.length = 0;
    end(signal.reason);
  };
  for (const type of typeList) source.addEventListener(type, listener);
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort);
  // A failing source dispatches its last `error` right after it closed: that event is still
  // taken (when `types` asks for it) before the iteration ends.
  if (source.readyState === 2) end();
  else onClose(() => queueMicrotask(end));

  return (async function* () {
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift();
        if (failure != null) throw failure;
        if (ended) return;
        await new Promise((resolve) => (wake = resolve));
      }
    } finally {
      // The loop ended, left early or threw: no more events, and the source is closed.
      for (const type of typeList) source.removeEventListener(type, listener);
      signal?.removeEventListener('abort', abort);
      ended = true;
      source.close();
    }
  })();
}
