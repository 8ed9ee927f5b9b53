// A fake clock for the EventSource fuzzer: setTimeout, clearTimeout and Date.now are replaced in
// this process, so that a reconnection wait of minutes costs nothing and every delay is exact.
// Timers made by the fuzzer itself (the scripted network's) are kept apart from the source's, so
// that "no timer left after close()" can be checked.

export class FakeClock {
  now = 0;
  #timers = new Map(); // id → { at, callback, owner }
  #nextId = 1;
  #owner = 'source'; // who makes the timers created now

  install() {
    const clock = this;
    globalThis.setTimeout = (callback, ms = 0) => clock.#add(callback, ms, clock.#owner);
    globalThis.clearTimeout = (timer) => {
      if (timer != null) clock.#timers.delete(typeof timer === 'object' ? timer.id : timer);
    };
    Date.now = () => clock.now;
  }

  /** Runs `fn` so that the timers it makes are the fuzzer's (the scripted network's). */
  asFuzzer(fn) {
    const previous = this.#owner;
    this.#owner = 'fuzzer';
    try {
      return fn();
    } finally {
      this.#owner = previous;
    }
  }

  reset() {
    this.now = 0;
    this.#timers.clear();
  }

  /** Timers of the source still pending. */
  sourceTimers() {
    return [...this.#timers.values()].filter((t) => t.owner === 'source');
  }

  /** The time of the next timer, or null. */
  nextAt() {
    let next = null;
    for (const t of this.#timers.values()) if (next === null || t.at < next) next = t.at;
    return next;
  }

  /** Moves to the next timer's time and runs every timer due then, in creation order, with
   *  `flush()` (the microtasks) after each, as Node's event loop does. */
  async advance(flush) {
    const at = this.nextAt();
    if (at === null) return false;
    this.now = Math.max(this.now, at);
    for (const [id, timer] of [...this.#timers]) {
      if (timer.at <= this.now && this.#timers.has(id)) {
        this.#timers.delete(id);
        timer.callback();
        await flush();
      }
    }
    return true;
  }

  #add(callback, ms, owner) {
    const id = this.#nextId++;
    // (Node clamps a delay beyond 2^31 - 1 to 1 ms: so does this clock, so a source that asked
    // for such a delay shows its storm here as it would in Node.)
    const delay = ms > 2 ** 31 - 1 ? 1 : Math.max(0, Number(ms) || 0);
    this.#timers.set(id, { at: this.now + delay, callback, owner });
    return { id, unref() { return this; }, ref() { return this; }, [Symbol.toPrimitive]: () => id };
  }
}
