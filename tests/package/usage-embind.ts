// wasm-eventsource/embind: the C++ API's types.
import initSse from 'wasm-eventsource/embind';

async function main(): Promise<string> {
  const sse = await initSse();
  const sink = sse.EventSink.implement({
    onEvent: ({ type, data, lastEventId, typeSet, idSet }) => [type, data, lastEventId, typeSet, idSet],
    onRetry: (ms: number) => ms,
    onIgnoredField: (field) => field.reason === sse.IgnoredFieldReason.unknown_name,
  });
  const parser = new sse.Parser(sink, { maxBufferedBytes: 1 << 20, onLimit: sse.LimitAction.skip_event });
  parser.feed(new Uint8Array([10]));
  parser.feed('data: x\n\n');
  const id = parser.lastEventId() + parser.lastEventIdBuffer();
  const failed: boolean = parser.error() === sse.ParseError.buffer_limit;
  // @ts-expect-error: onEvent is required
  sse.EventSink.implement({ onRetry: () => {} });
  parser.delete();
  sink.delete();
  return `${id}${failed}${parser.reconnectionTime()}`;
}

export { main };
