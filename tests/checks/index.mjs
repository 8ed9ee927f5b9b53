// Every shared check, by group (see README.md).
import { badOptionChecks } from './bad-options.mjs';
import { conformanceChecks } from './conformance.mjs';
import { customFetchChecks } from './custom-fetch.mjs';
import { feedInputChecks } from './feed-input.mjs';
import { fromReadableStreamChecks } from './from-readable-stream.mjs';
import { largeBatchChecks } from './large-batches.mjs';
import { parserContractChecks } from './parser-contract.mjs';
import { parserStreamChecks } from './parser-stream.mjs';

export const checkGroups = {
  'feed() input': feedInputChecks,
  'EventSource with a custom fetch': customFetchChecks,
  'createParser: eventsource-parser 4': parserContractChecks,
  'EventSourceParserStream: eventsource-parser/stream': parserStreamChecks,
  conformance: conformanceChecks,
  'EventSource.fromReadableStream, reset, lastEventId, reconnectionTime, dispose': fromReadableStreamChecks,
  'bad options': badOptionChecks,
  'large batches': largeBatchChecks,
};
