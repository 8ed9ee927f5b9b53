// What the Node benchmark runs: each contender takes the chunks of one stream (bytes, as fetch()
// hands them over) and makes JS event objects with string data; each returns a count so that
// nothing is optimised away. `fresh` contenders make their parser per stream, as users write it
// for each response; `longLived` ones keep one parser for the process and reset it between
// streams.
import { createParser as createReferenceParser } from 'eventsource-parser';
import { EventSourceParserStream as ReferenceParserStream } from 'eventsource-parser/stream';
import { EventSource as NpmEventSource } from 'eventsource';

import { placeInParserAlone } from './implementations.mjs';
import { eventsPerChunk } from './workloads.mjs';

/** The rows of the lower bounds (bench.mjs reads each target's room from them). */
export const BOUND_ROW = 'bound: parse alone + strings of the texts in pieces the stored-strings hold allows + slices and an object per event';
export const DECODING_BOUND_ROW = 'bound with decoding: the same, the texts decoded from UTF-8';

export function contenders({ createParser, createWasm2jsParser, EventSource, EventSourceParserStream, sse, core, parserAlone, parserAloneUtf16 }) {
  const counter = () => {
    const count = { events: 0, bytes: 0 };
    count.onEvent = (event) => {
      count.events++;
      count.bytes += event.data.length;
    };
    return count;
  };
  const feedAll = (parser, chunks) => {
    for (const chunk of chunks) parser.feed(chunk);
  };
  const decodeAll = (parser, chunks) => {
    const decoder = new TextDecoder();
    for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
  };

  // The module's session fed every chunk (`flags`: sse_session_create's, wasm/binding.cpp), its
  // records counted and nothing read back.
  const coreAlone = (chunks, flags) => {
    const exports = core.wasm();
    const session = exports.sse_session_create(16 << 20, flags); // (the default limit)
    const input = exports.sse_session_input(session, chunks.reduce((size, chunk) => Math.max(size, chunk.length), 0));
    let records = 0;
    for (const chunk of chunks) {
      core.memoryBytes().set(chunk, input);
      records += exports.sse_session_feed(session, chunk.length);
    }
    exports.sse_session_destroy(session);
    return records;
  };

  const ours = counter();
  const oursLongLived = createParser({ onEvent: ours.onEvent });
  const reference = counter();
  const referenceLongLived = createReferenceParser({ onEvent: reference.onEvent });

  const fresh = {
    'wasm-eventsource createParser': (chunks) => {
      const count = counter();
      const parser = createParser({ onEvent: count.onEvent });
      feedAll(parser, chunks);
      parser.dispose();
      return count.events;
    },
    'eventsource-parser 4': (chunks) => {
      const count = counter();
      decodeAll(createReferenceParser({ onEvent: count.onEvent }), chunks);
      return count.events;
    },
    'wasm2js createParser': (chunks) => {
      const count = counter();
      const parser = createWasm2jsParser({ onEvent: count.onEvent });
      feedAll(parser, chunks);
      parser.dispose();
      return count.events;
    },
    // The C++ API through Embind (wasm-eventsource/embind): one JS call and one object per event.
    'Embind sse.Parser': (chunks) => {
      const count = counter();
      const sink = sse.EventSink.implement({ onEvent: count.onEvent });
      const parser = new sse.Parser(sink);
      feedAll(parser, chunks);
      parser.delete();
      sink.delete();
      return count.events;
    },
    // The floor of this design per chunk, no parsing: the copy into the module's memory, one call
    // into it (a trivial export), one string of the chunk's bytes and one event object.
    'floor: copy, call, one string per chunk': (chunks) => {
      const exports = core.wasm();
      const session = exports.sse_session_create(16 << 20, 2);
      const input = exports.sse_session_input(session, chunks.reduce((size, chunk) => Math.max(size, chunk.length), 0));
      const memory = Buffer.from(exports.memory.buffer);
      const count = counter();
      for (const chunk of chunks) {
        core.memoryBytes().set(chunk, input);
        exports.sse_writes_utf16();
        count.onEvent({ id: undefined, event: undefined, data: memory.latin1Slice(input, input + chunk.length) });
      }
      exports.sse_session_destroy(session);
      return count.events;
    },
    // Bytes in, records out: each chunk copied in and parsed, no text read back; the texts in
    // UTF-16, as for Node.
    'WASM core alone (no strings)': (chunks) => coreAlone(chunks, 2),
    // The same with the texts left in UTF-8, the module's mode outside Node (browsers decode with
    // TextDecoder): no transcoding to UTF-16 in the module, what the native parser does too.
    'WASM core alone, UTF-8 texts (as in browsers)': (chunks) => coreAlone(chunks, 0),
    // The module and the strings of its pieces, as the package makes them (its session, its
    // piece size), and no record read: what is left of `createParser` without its JS per event
    // (the texts' slices, the event objects, the callbacks).
    'WASM core + its piece strings (no records read)': (chunks) => {
      const session = new core.Session({ limit: 16 << 20 });
      let pieces = 0;
      for (const chunk of chunks) {
        const batch = session.feedBytes(chunk);
        pieces += batch.pieceCount;
        core.releaseBatch(batch);
      }
      session.dispose();
      return pieces;
    },
    // The parse alone: each chunk copied in and parsed by the same parser compiled the same way,
    // with the native benchmark's counting sink (no records, no texts): the module's own floor.
    'parser alone in WebAssembly (counting sink)': (chunks) => aloneRun(parserAlone, chunks),
    // The same, each event's data other than ASCII also written as UTF-16 by the package's writer
    // (no records): the least a module that hands Node its texts does.
    'parser alone + its data in UTF-16 (the least for Node)': (chunks) => aloneRun(parserAloneUtf16, chunks),
    // A lower bound of any design that parses in WebAssembly and hands events to JS: the parse
    // alone, then the strings of the texts the events of a chunk bring (each event's data, and
    // its ID where it brings a new one), in pieces no larger than the stored-strings hold allows
    // (textPlan, below), each made not of those bytes but as a copy of its text already in
    // string form, one byte a character for ASCII and UTF-16 otherwise, so no decoding at all (a
    // short one by a loop, as the package does); and per event its data and ID as slices of
    // them, one event object and a callback: the least work known here of a parser in this place
    // that meets the hold.
    [BOUND_ROW]: (chunks) => boundRun(chunks, false),
    // The bound with the decoding no parser can skip: the same, except that a piece holding
    // characters other than ASCII is decoded from its UTF-8 bytes, placed in the module's memory
    // beforehand (as a parser finds them in its input), the fastest way Node has for its length
    // (bench/RESULTS.md, "the bound with decoding"): under 256 bytes `Buffer#utf8Slice`, else the
    // package's own UTF-16 writer and one `Buffer#ucs2Slice` (`TextDecoder` is slower than both
    // at every length).
    [DECODING_BOUND_ROW]: (chunks) => boundRun(chunks, true),
  };

  // A session of a parser alone (`alone`: either module) sized for `chunks`: feed(chunk) copies
  // the chunk into its input and parses it, returning the events it completed; memory() is a
  // Buffer of the module's memory, renewed when the memory grows.
  const aloneSession = (alone, chunks) => {
    const session = alone.parser_alone_create();
    const input = alone.parser_alone_input(session, chunks.reduce((size, chunk) => Math.max(size, chunk.length), 0)) >>> 0;
    let bytes = new Uint8Array(alone.memory.buffer);
    let memory = Buffer.from(alone.memory.buffer);
    return {
      feed(chunk) {
        if (bytes.buffer !== alone.memory.buffer) {
          bytes = new Uint8Array(alone.memory.buffer); // (grown)
          memory = Buffer.from(alone.memory.buffer);
        }
        bytes.set(chunk, input);
        return alone.parser_alone_feed(session, chunk.length);
      },
      memory: () => memory,
      destroy: () => alone.parser_alone_destroy(session),
    };
  };
  // A parser alone fed every chunk; returns its event count.
  const aloneRun = (alone, chunks) => {
    const session = aloneSession(alone, chunks);
    let events = 0;
    for (const chunk of chunks) events += session.feed(chunk);
    session.destroy();
    return events;
  };

  // The bound's work on a stream, chunk after chunk (the two bound rows, above, and the stream's
  // bound row, below): `step(i, emit)` parses chunk i of `chunks` and emits its events; `end()`
  // frees the parser and checks the count. `decoding` says whether a piece holding characters
  // other than ASCII is decoded from its UTF-8 bytes or copied from its text in string form.
  // (A class, not closures made per stream: V8 optimized the caller's loop for the first
  // stream's `step` and left that code at every later stream, whose `step` was another closure.)
  class BoundStream {
    constructor(chunks, decoding) {
      this.chunks = chunks;
      this.decoding = decoding;
      this.plan = textPlan(chunks);
      this.placed = decoding ? placedPieces(chunks, this.plan) : null;
      this.session = aloneSession(parserAlone, chunks);
      this.strings = []; // the current chunk's pieces
      this.id = undefined; // the last event ID string
      this.type = undefined; // the last event type
      this.typeAt = 0; // the next of plan.types
      this.emitted = 0;
    }

    step(i, emit) {
      const { plan, placed, session, strings } = this;
      let events = session.feed(this.chunks[i]);
      if (events === 0) return;
      const first = plan.firstPiece[i];
      for (let p = first; p < plan.firstPiece[i + 1]; p++) {
        const units = plan.pieceUnits[p];
        let string;
        if (plan.pieceAscii[p]) {
          string = units <= 16 ? shortText(units) : plan.narrow.latin1Slice(0, units);
        } else if (!this.decoding) {
          string = plan.wide.ucs2Slice(plan.wideAt[p], plan.wideAt[p] + 2 * units);
        } else if (placed.bytes[p] < 256) {
          string = session.memory().utf8Slice(placed.at[p], placed.at[p] + placed.bytes[p]);
        } else {
          const written = parserAlone.parser_alone_write_utf16(placed.at[p], placed.bytes[p], placed.out);
          string = session.memory().ucs2Slice(placed.out, placed.out + 2 * written);
        }
        strings[p - first] = string;
      }
      this.emitted += events;
      // Each event its own data string, as any parser must give it: a slice of its piece's
      // string, the cheapest string V8 makes (no copy from 13 characters on); and an ID string
      // where the event brings a new ID (a short one: V8 copies it).
      const { words } = plan;
      let { id, type } = this;
      let piece = -1;
      let text = '';
      let at = 0;
      for (let w = 2 * plan.firstEvent[i]; events > 0; events--, w += 2) {
        const flags = words[w + 1];
        if (flags !== 0) {
          if ((flags & NEW_ID) !== 0) {
            if ((flags & ID_STARTS_PIECE) !== 0) {
              text = strings[++piece];
              at = 0;
            }
            id = text.slice(at, (at += flags >>> 8));
          }
          if ((flags & NEW_TYPE) !== 0) type = plan.types[this.typeAt++];
          if ((flags & DATA_STARTS_PIECE) !== 0) {
            text = strings[++piece];
            at = 0;
          }
        }
        emit({ id, event: type, data: text.slice(at, (at += words[w])) });
      }
      this.id = id;
      this.type = type;
    }

    end() {
      this.session.destroy();
      if (this.emitted !== this.plan.events) throw new Error(`the bound saw ${this.emitted} events, not ${this.plan.events}`);
    }
  }
  const boundRun = (chunks, decoding) => {
    const bound = new BoundStream(chunks, decoding);
    const count = counter();
    for (let i = 0; i < chunks.length; i++) bound.step(i, count.onEvent);
    bound.end();
    return count.events;
  };

  // A short ASCII string the way the package makes one (a loop is cheaper than a Buffer call).
  const shortText = (length) => {
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(0x78);
    return text;
  };

  // The texts the bound makes strings of, per chunk: the data of each event it completes, and
  // the ID of each that brings a new one (the events' types repeat: a parser keeps one string of
  // each), in pieces. A kept data string keeps its piece's string alive, so a design that meets
  // the stored-strings hold (2000 kept 24-character strings ≤ 2 MiB: bench.mjs) makes its strings
  // in pieces of at most ~1 KiB, or one per text, which costs more (a call each): a piece ends
  // before a text that would take it past PIECE_BYTES (one byte a character while all of it is
  // ASCII, else two), except a text shorter than V8's shortest slice, which is copied anyway.
  // Computed once per chunking, before timing, with buffers to copy strings that long from.
  const PIECE_BYTES = 768; // the package's piece size in Node (js/src/session.js); 960 held 2.1 MiB
  const SHORTEST_SLICE = 13; // V8 copies a shorter slice (SlicedString::kMinLength)
  // Per event two words: its data's length, then these flags and, from bit 8, its new ID's length.
  const NEW_ID = 1;
  const ID_STARTS_PIECE = 2;
  const DATA_STARTS_PIECE = 4;
  const NEW_TYPE = 8;
  const NO_BYTES = Buffer.alloc(0); // (an ASCII piece's UTF-8, which the bound never decodes)
  const textPlans = new WeakMap();
  const textPlan = (chunks) => {
    if (textPlans.has(chunks)) return textPlans.get(chunks);
    const perChunk = eventsPerChunk(chunks);
    const events = perChunk.reduce((sum, chunkEvents) => sum + chunkEvents.length, 0);
    const plan = {
      events,
      firstEvent: new Uint32Array(chunks.length),
      firstPiece: new Uint32Array(chunks.length + 1),
      pieceUnits: [],
      pieceAscii: [],
      words: new Uint32Array(2 * events),
      types: [], // each new event type, in order
    };
    const pieceTexts = []; // (not kept: a chunking of 16-byte chunks has ~260 000 pieces)
    let e = 0;
    let lastId;
    let lastType;
    for (let i = 0; i < chunks.length; i++) {
      plan.firstEvent[i] = e;
      const first = plan.pieceUnits.length;
      plan.firstPiece[i] = first;
      // Places a text in the chunk's current piece or a new one; returns whether it starts one.
      const place = (text) => {
        const ascii = !/[^\x00-\x7f]/.test(text);
        const last = plan.pieceUnits.length - 1;
        const fits =
          last >= first &&
          (text.length < SHORTEST_SLICE ||
            plan.pieceUnits[last] === 0 ||
            (plan.pieceAscii[last] && ascii ? 1 : 2) * (plan.pieceUnits[last] + text.length) <= PIECE_BYTES);
        if (!fits) {
          plan.pieceUnits.push(0);
          plan.pieceAscii.push(true);
          pieceTexts.push([]);
        }
        const p = plan.pieceUnits.length - 1;
        plan.pieceUnits[p] += text.length;
        plan.pieceAscii[p] &&= ascii;
        pieceTexts[p].push(text);
        return !fits;
      };
      for (const event of perChunk[i]) {
        let flags = 0;
        if (event.id !== undefined && event.id !== lastId) {
          flags |= NEW_ID | (place(event.id) ? ID_STARTS_PIECE : 0) | (event.id.length << 8);
          lastId = event.id;
        }
        if (event.event !== lastType) {
          flags |= NEW_TYPE;
          plan.types.push(event.event);
          lastType = event.event;
        }
        flags |= place(event.data) ? DATA_STARTS_PIECE : 0;
        plan.words[2 * e] = event.data.length;
        plan.words[2 * e + 1] = flags;
        e++;
      }
    }
    plan.firstPiece[chunks.length] = plan.pieceUnits.length;
    const longest = plan.pieceUnits.reduce((a, b) => Math.max(a, b), 0);
    plan.narrow = Buffer.alloc(longest, 0x78);
    // Of every piece that is not ASCII: its UTF-16, one after another in plan.wide (V8 stores a
    // string of it one byte a character where it can, as it does the strings a parser makes of
    // that text), and its UTF-8 in plan.utf8, what the bound with decoding decodes.
    plan.wideAt = new Uint32Array(plan.pieceUnits.length);
    plan.utf8 = [];
    const wideTexts = [];
    let wideBytes = 0;
    for (let p = 0; p < plan.pieceUnits.length; p++) {
      if (plan.pieceAscii[p]) {
        plan.utf8.push(NO_BYTES);
        continue;
      }
      const text = pieceTexts[p].join('');
      plan.wideAt[p] = wideBytes;
      wideTexts.push(text);
      wideBytes += 2 * plan.pieceUnits[p];
      plan.utf8.push(Buffer.from(text, 'utf8'));
    }
    plan.wide = Buffer.from(wideTexts.join(''), 'utf16le');
    textPlans.set(chunks, plan);
    return plan;
  };

  // The UTF-8 bytes of each piece, placed in the memory of the parser alone with room for their
  // UTF-16, before any timing. The rows of one chunking run in turn: the last placement is kept,
  // and freed when the next chunking comes.
  let placement = { chunks: null, placed: null };
  const placedPieces = (chunks, plan) => {
    if (placement.chunks === chunks) return placement.placed;
    if (placement.chunks !== null) parserAlone.parser_alone_free(placement.placed.base);
    placement = { chunks, placed: placeInParserAlone(parserAlone, plan.utf8) };
    return placement.placed;
  };

  const longLived = {
    'wasm-eventsource createParser': (chunks) => {
      feedAll(oursLongLived, chunks);
      oursLongLived.reset();
      return ours.events;
    },
    'eventsource-parser 4': (chunks) => {
      decodeAll(referenceLongLived, chunks);
      referenceLongLived.reset();
      return reference.events;
    },
  };

  // The streams: bytes in for ours (no TextDecoderStream needed), a TextDecoderStream in front of
  // eventsource-parser/stream.
  const readableOf = (chunks) => {
    let i = 0;
    return new ReadableStream({
      pull(controller) {
        if (i < chunks.length) controller.enqueue(chunks[i++]);
        else controller.close();
      },
    });
  };
  const drain = async (stream) => {
    let events = 0;
    for await (const event of stream) events += event.data.length >= 0 ? 1 : 0;
    return events;
  };
  // The floor of any EventSourceParserStream: the same chunks through a TransformStream that
  // enqueues, per chunk, as many ready-made event objects as the chunk completes (counted before
  // timing), and the same reader: the streams' own cost, without parsing.
  const eventCounts = new WeakMap(); // chunks → events completed by each chunk
  const countEvents = (chunks) => {
    const counts = [];
    const parser = createReferenceParser({ onEvent: () => counts[counts.length - 1]++ });
    const decoder = new TextDecoder();
    for (const chunk of chunks) {
      counts.push(0);
      parser.feed(decoder.decode(chunk, { stream: true }));
    }
    return counts;
  };
  const readyMade = { id: undefined, event: 'completion.delta', data: '' };
  const streams = {
    'wasm-eventsource EventSourceParserStream': (chunks) => drain(readableOf(chunks).pipeThrough(new EventSourceParserStream())),
    'eventsource-parser/stream': (chunks) =>
      drain(readableOf(chunks).pipeThrough(new TextDecoderStream()).pipeThrough(new ReferenceParserStream())),
    'TransformStream alone (ready-made events, no parsing)': (chunks) => {
      if (!eventCounts.has(chunks)) eventCounts.set(chunks, countEvents(chunks));
      const counts = eventCounts.get(chunks);
      let i = 0;
      const transform = new TransformStream(
        {
          transform(chunk, controller) {
            for (let n = counts[i++]; n > 0; n--) controller.enqueue(readyMade);
          },
        },
        undefined,
        { highWaterMark: 16 },
      );
      return drain(readableOf(chunks).pipeThrough(transform));
    },
    // The bound of any EventSourceParserStream on a parser in WebAssembly: the streams alone
    // (above), each chunk given the work of the bound with decoding (the fresh section's row) and
    // its event objects enqueued. (A bound on the LLM stream, what its target is for: on tiny
    // events one per chunk the package beats it, copying such short chunks with a loop.)
    'stream bound: the bound with decoding in the same TransformStream': (chunks) => {
      const bound = new BoundStream(chunks, true);
      let i = 0;
      const transform = new TransformStream(
        {
          transform(chunk, controller) {
            bound.step(i++, (event) => controller.enqueue(event));
          },
          flush: () => bound.end(),
        },
        undefined,
        { highWaterMark: 16 },
      );
      return drain(readableOf(chunks).pipeThrough(transform));
    },
  };

  // A whole EventSource fed by a fetch() whose body yields the chunks.
  const fakeFetch = (chunks) => async () => new Response(readableOf(chunks), { status: 200, headers: { 'content-type': 'text/event-stream' } });
  const runEventSource = async (Impl, chunks) => {
    let events = 0;
    await new Promise((resolve) => {
      const source = new Impl('http://127.0.0.1:1/bench', { fetch: fakeFetch(chunks) });
      source.onmessage = () => events++;
      source.onerror = () => {
        source.close(); // end of body: done
        resolve();
      };
    });
    return events;
  };
  const eventSources = {
    'wasm-eventsource EventSource': (chunks) => runEventSource(EventSource, chunks),
    'npm eventsource EventSource': (chunks) => runEventSource(NpmEventSource, chunks),
  };

  return { fresh, longLived, streams, eventSources };
}
