// One stream of what a parser must get right whatever the chunking, for the tests that deliver
// it whole and byte by byte (tests/js/faults.test.mjs in Node, tests/browser/faults.test.mjs in
// each engine): multi-byte UTF-8 (2, 3 and 4 bytes), a BOM, CRLF, CR-only and LF line ends,
// comments, ids, event types, retry, an invalid byte. As scenario chunks (harness/server.mjs):
// strings, and { hex } for raw bytes.
export const MIXED_CHUNKS = [
  '\uFEFF: a comment with é ✓ 😀\r\n',
  'retry: 50\r\n',
  'id: α-1\r\nevent: ünï\r\ndata: 2-byte é ß, 3-byte ✓ €, 4-byte 😀 𝄞\r\n\r\n',
  'data: line 1\r\ndata: line 2\n\n',
  ':\n',
  'id: 🆔-2\rdata: CR only\r\r',
  'data:no space\ndata:  two spaces \n\n',
  'event: x\ndata\n\n',
  ': comment between\r\n',
  'id: 3\ndata: mixed ☃\r\n\n',
  'data: bad ', { hex: 'ff' }, ' byte\n\n',
];

/** [type, data, lastEventId] of each event, with the 'again' event of the next response last. */
export const MIXED_EXPECTED = [
  ['ünï', '2-byte é ß, 3-byte ✓ €, 4-byte 😀 𝄞', 'α-1'],
  ['message', 'line 1\nline 2', 'α-1'],
  ['message', 'CR only', '🆔-2'],
  ['message', 'no space\n two spaces ', '🆔-2'],
  ['x', '', '🆔-2'],
  ['message', 'mixed ☃', '3'],
  ['message', 'bad \uFFFD byte', '3'],
  ['message', 'again', '3'],
];
