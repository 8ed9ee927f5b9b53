// The harness page's side of a conformance run (harness/run.mjs drives it): loads the
// implementation under test, sets the client's cookie, opens the scenario's stream, applies the
// scenario's `client` rules and records the events (harness/README.md, "Traces").
(() => {
  const CLOSED = 2;
  const SETTLE_AFTER_CLOSED = 300;

  /** Adds a classic script and resolves once it ran (rejects if it failed to load). */
  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.append(script);
    });
  }

  /**
   * Sets `cookie` ("name=value") for the page's origin and, when `originB` is given, through a
   * request to origin B that answers with Set-Cookie.
   */
  async function setCookie(cookie, originB) {
    document.cookie = `${cookie}; path=/`;
    if (originB) {
      const response = await fetch(`${originB}/__harness/cookie?value=${encodeURIComponent(cookie)}`, {
        credentials: 'include',
        cache: 'no-store',
      });
      if (!response.ok) throw new Error(`setting the cookie on origin B: status ${response.status}`);
    }
    return document.cookie;
  }

  const isMessage = (event) =>
    (typeof MessageEvent === 'function' && event instanceof MessageEvent) || event.data !== undefined;

  /**
   * Runs one scenario: `options` = { global, url, withCredentials, listen, close, duration }.
   * Resolves { events, threw, ended, elapsed } where events are
   *   { type, data?, lastEventId?, origin?, readyState }   an event (readyState right after it)
   *   { action: 'close', readyState }                      the page called close()
   */
  function run(options) {
    const Impl = window[options.global];
    if (typeof Impl !== 'function') return Promise.resolve({ events: [], threw: `window.${options.global} is not a constructor`, ended: 'no-implementation', elapsed: 0 });
    const close = options.close ?? {};
    const duration = options.duration ?? 2000;
    const events = [];
    const start = performance.now();
    let source;
    let messages = 0;
    let errors = 0;
    let closedByPage = false;
    let done;
    const finished = new Promise((resolve) => (done = resolve));
    const timers = [];
    let settling = null;
    let ended = false;

    const finish = (why) => {
      if (ended) return;
      ended = true;
      for (const timer of timers) clearTimeout(timer);
      clearInterval(poll);
      clearTimeout(settling);
      try {
        source?.close();
      } catch {
        // an implementation whose close() throws: its trace says enough
      }
      done({ events, ended: why, elapsed: Math.round(performance.now() - start) });
    };
    const watchClosed = () => {
      if (ended || settling !== null || !source || source.readyState !== CLOSED) return;
      settling = setTimeout(() => finish('closed'), SETTLE_AFTER_CLOSED);
    };
    const closeNow = () => {
      if (closedByPage || ended) return;
      closedByPage = true;
      source.close();
      events.push({ action: 'close', readyState: source.readyState });
      watchClosed();
    };

    try {
      source = options.withCredentials === undefined ? new Impl(options.url) : new Impl(options.url, { withCredentials: options.withCredentials });
    } catch (error) {
      return Promise.resolve({ events, threw: `${error?.name}: ${error?.message}`, ended: 'threw', elapsed: 0 });
    }

    const listener = (event) => {
      if (ended) return;
      const entry = { type: event.type };
      if (isMessage(event)) {
        entry.data = event.data;
        entry.lastEventId = event.lastEventId;
        entry.origin = event.origin;
      }
      entry.readyState = source.readyState;
      events.push(entry);
      if (closedByPage) return;
      if (isMessage(event)) {
        messages++;
        if (close.afterEvents !== undefined && messages === close.afterEvents) closeNow();
      } else if (event.type === 'open') {
        if (close.onOpen) closeNow();
      } else if (event.type === 'error') {
        errors++;
        if (close.onError !== undefined && errors === close.onError) closeNow();
      }
      watchClosed();
    };
    for (const type of new Set(['open', 'message', 'error', ...(options.listen ?? [])])) source.addEventListener(type, listener);

    if (close.immediately) closeNow();
    if (close.afterMs !== undefined) timers.push(setTimeout(closeNow, close.afterMs));
    timers.push(setTimeout(() => finish('duration'), duration));
    const poll = setInterval(watchClosed, 25);
    return finished;
  }

  window.harness = { loadScript, setCookie, run };
})();
