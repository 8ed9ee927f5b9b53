// Rules of the WHATWG standard that the browsers' own EventSources follow and web-platform-tests
// check (eventsource/eventsource-constructor-url-bogus.any.js, eventsource-onmessage-realm.htm),
// pinned for the polyfill.
import { deepEqual, equal, ok, throws, until } from './assert.mjs';

const encoder = new TextEncoder();

function streamResponse(text) {
  return {
    status: 200,
    url: 'http://127.0.0.1:9/realm',
    headers: { get: (name) => (name.toLowerCase() === 'content-type' ? 'text/event-stream' : null) },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode(text));
      },
    }),
  };
}

export const conformanceChecks = [
  {
    name: 'standard: the URL Standard forbids a space in a host, so new EventSource("http://this is invalid/") throws a SyntaxError',
    run({ EventSource }) {
      for (const url of ['http://this is invalid/', 'http://a^b/', 'http://exa mple.com/x', 'https://a|b/', 'http://a%20b/']) {
        const error = throws(() => new EventSource(url), 'SyntaxError', /invalid/, url);
        ok(error instanceof DOMException, `${url}: a DOMException`);
      }
      // Valid ones still construct (and are closed at once: nothing is fetched).
      for (const url of ['http://[::1]:9/x', 'http://127.0.0.1:9/a%20b?q=a b#f g', 'data:text/event-stream,data']) {
        new EventSource(url).close();
      }
    },
  },
  {
    name: 'standard: the class is named EventSource (WebIDL\'s interface object; eventsource 5 names its class so too), whatever it is imported as',
    run({ EventSource }) {
      equal(EventSource.name, 'EventSource');
      const source = new EventSource('http://127.0.0.1:9/name', { fetch: () => new Promise(() => {}) });
      equal(source.constructor.name, 'EventSource');
      equal(Object.prototype.toString.call(source), '[object EventSource]');
      source.close();
    },
  },
  {
    name: 'standard: a Symbol as the URL is a TypeError (WebIDL USVString), not a SyntaxError',
    run({ EventSource }) {
      throws(() => new EventSource(Symbol('url')), TypeError);
    },
  },
  {
    name: 'standard: stream events are MessageEvents of the EventSource\'s realm, which nothing observable tells from one',
    async run({ EventSource }) {
      const seen = [];
      const source = new EventSource('http://127.0.0.1:9/realm', { fetch: () => Promise.resolve(streamResponse('id: 3\ndata: x\n\n')) });
      source.onmessage = (event) => seen.push(event);
      await until(() => seen.length === 1, 2000, 'the message');
      source.close();
      const [event] = seen;
      equal(event.constructor, MessageEvent, 'constructor');
      ok(event instanceof MessageEvent && event instanceof Event, 'instanceof');
      // What a page can look at, against a MessageEvent made by the platform itself.
      const observe = (e) => ({
        toString: Object.prototype.toString.call(e),
        keys: Object.keys(e),
        ownNames: Object.getOwnPropertyNames(e),
        attributes: [e.type, e.data, e.origin, e.lastEventId, e.source, Array.from(e.ports ?? []), e.bubbles, e.cancelable],
        json: JSON.stringify(e),
      });
      const platform = new MessageEvent('message', { data: 'x', origin: 'http://127.0.0.1:9', lastEventId: '3' });
      deepEqual(observe(event), observe(platform));
      deepEqual(observe(event).attributes.slice(0, 4), ['message', 'x', 'http://127.0.0.1:9', '3']);
    },
  },
];
