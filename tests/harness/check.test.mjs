// The endpoint checker (harness/check.mjs), run as a child process against the scenario server
// (harness/server.mjs) and against servers that make each common mistake (a compressor never
// flushed, a buffering proxy — nginx in front —, the wrong type, no heartbeat, bad fields), plus
// its delivery rule on synthetic timings (harness/check-rules.mjs). Every finding is reported
// once, at one severity, and a ✓ never carries advice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { startScenarioServer } from '../../harness/server.mjs';
import { deliveryCheck, heartbeatCheck } from '../../harness/check-rules.mjs';
import { parseArgs } from '../../harness/check.mjs';
import { startNginxProxy } from '../support/nginx.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHECK = path.join(root, 'harness/check.mjs');
const SHORT = ['--duration', '1500', '--heartbeat-max', '500'];
/** For well-behaved streams (an event every 100 ms), with room for a loaded machine's delays. */
const WELL = ['--duration', '2000', '--heartbeat-max', '1000'];
/** For tests that only look at the headers. */
const QUICK = ['--duration', '500', '--heartbeat-max', '2000'];

let server;
let runs = 0;

before(async () => {
  server = await startScenarioServer({ scenarios: new Map() });
});
after(async () => {
  await server?.close();
});

/** Runs the checker; resolves `{ code, stdout, stderr }`. */
function runCheck(args, { timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CHECK, ...args], { cwd: root, timeout, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

/** Adds `scenario` under a fresh name and returns its URL (and the name and run for requests()). */
function serve(scenario, origin = 'A') {
  const name = `check-${++runs}`;
  const run = `run-${runs}`;
  server.addScenario(name, scenario);
  return { url: server.streamUrl(name, run, origin), name, run };
}

const SYMBOL = { '✓': 'pass', '⚠': 'warn', '✗': 'fail' };

/**
 * The text line of the check titled `title`: `{ verdict, line, text }`, where `text` is the verdict
 * symbol and the message without the title ("✗ held back: …").
 */
function lineOf(stdout, title) {
  const line = stdout.split('\n').find((l) => /^[✓⚠✗] /.test(l) && l.slice(2).startsWith(`${title} `));
  assert.ok(line, `no "${title}" line in:\n${stdout}`);
  return { verdict: SYMBOL[line[0]], line, text: `${line[0]} ${line.slice(2 + title.length).trim()}` };
}

/** The verdict lines: `{ verdict, line }`. */
function verdictLines(stdout) {
  return stdout.split('\n').filter((l) => /^[✓⚠✗] /.test(l)).map((line) => ({ verdict: SYMBOL[line[0]], line }));
}

// Advice ("send X", "add Y", "flush it", "don't …") belongs to a ⚠ or ✗, never to a ✓.
const ADVICE = /\b(send|add|flush|use|drop|echo|try|don't|should)\b/i;
function assertNoAdviceInPasses(stdout) {
  for (const { verdict, line } of verdictLines(stdout)) {
    if (verdict === 'pass') assert.doesNotMatch(line, ADVICE, `a ✓ with advice:\n${line}`);
  }
}

function summaryOf(stdout) {
  const match = /^(\d+) passed, (\d+) warnings?, (\d+) failed$/m.exec(stdout);
  assert.ok(match, `no summary line in:\n${stdout}`);
  return { passed: Number(match[1]), warnings: Number(match[2]), failed: Number(match[3]) };
}

async function runJson(args) {
  const result = await runCheck([...args, '--json']);
  let json;
  assert.doesNotThrow(() => (json = JSON.parse(result.stdout)), `not JSON:\n${result.stdout}\n${result.stderr}`);
  return { ...result, json, byId: (id) => json.checks.find((c) => c.id === id) };
}

/** A well-behaved stream: retry, then an event with an id every 100 ms and a comment every 300 ms, for ~6 s. */
function wellBehavedChunks() {
  const chunks = ['retry: 2000\n\n'];
  for (let i = 1; i <= 60; i++) {
    chunks.push(i % 3 === 0 ? `: ping\nid: ${i}\ndata: {"n":${i}}\n\n` : `id: ${i}\ndata: {"n":${i}}\n\n`, { delay: 100 });
  }
  return chunks;
}

const EVENT_STREAM = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };

/** A gzip-compressed stream: an event (every third time a comment) every 100 ms; with `flush`, the compressor is flushed after each. */
function gzipStream({ flush }) {
  return (req, res) => {
    res.writeHead(200, { ...EVENT_STREAM, 'content-encoding': 'gzip' });
    const gzip = zlib.createGzip();
    gzip.pipe(res);
    let n = 0;
    const timer = setInterval(() => {
      gzip.write(++n % 3 === 0 ? ': ping\n\n' : `id: ${n}\ndata: ${n}\n\n`);
      if (flush) gzip.flush();
    }, 100);
    res.on('close', () => clearInterval(timer));
  };
}

describe('endpoint checker against the scenario server', () => {
  test('a well-behaved stream passes: exit 0, no ✗, every stream check ✓', async () => {
    const { url } = serve({
      responses: [
        {
          headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
          chunks: wellBehavedChunks(),
          end: 'hang',
        },
      ],
    });
    const { code, stdout, stderr } = await runCheck([url, ...WELL]);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.doesNotMatch(stdout, /^✗/m);
    assert.equal(summaryOf(stdout).failed, 0);
    // (time to first byte is left out: a loaded machine can delay the headers past 1 s)
    const titles = ['HTTP status', 'Content-Type', 'charset', 'caching', 'proxy buffering', 'CORS', 'time to first event', 'incremental delivery', 'heartbeat', 'stream lifetime', 'id', 'retry', 'stream format'];
    for (const title of titles) {
      assert.equal(lineOf(stdout, title).verdict, 'pass', title);
    }
    assert.match(lineOf(stdout, 'retry').line, /2000 ms/);
    assert.match(lineOf(stdout, 'heartbeat').line, /comments every ~/);
    assertNoAdviceInPasses(stdout);
    // How a check decides is printed with --verbose only.
    assert.doesNotMatch(stdout, /rule:/);
  });

  test('the rule texts are printed with --verbose only', async () => {
    const { url } = serve({ responses: [{ headers: EVENT_STREAM, chunks: wellBehavedChunks(), end: 'hang' }] });
    const { stdout } = await runCheck([url, ...QUICK, '--verbose']);
    assert.match(stdout, /^ +rule: events and comments are grouped into bursts/m);
    assert.match(stdout, /^ +rule: nginx buffers a proxied response unless/m);
    const json = await runJson([serve({ responses: [{ headers: EVENT_STREAM, chunks: wellBehavedChunks(), end: 'hang' }] }).url, ...QUICK]);
    assert.ok(json.json.checks.every((c) => c.rule === undefined), 'no rule in the JSON without --verbose');
  });

  test('a stream buffered to the end (long delay, then everything at once and close) is ✗ for buffering', async () => {
    const { url } = serve({
      responses: [{ chunks: [{ delay: 1200 }, 'id: 1\ndata: a\n\nid: 2\ndata: b\n\n: ping\n\nid: 3\ndata: c\n\n'], end: 'close' }],
    });
    const { code, stdout } = await runCheck([url, '--duration', '3000', '--heartbeat-max', '2000']);
    assert.equal(code, 1, stdout);
    const delivery = lineOf(stdout, 'incremental delivery');
    assert.equal(delivery.verdict, 'fail', stdout);
    assert.match(delivery.line, /held back: nothing for [\d.]+ s, then all items arrived at once/);
    // the other checks are fine: it is the buffering that fails
    assert.equal(lineOf(stdout, 'Content-Type').verdict, 'pass');
  });

  test('the same events spread over time with the same close are not flagged', async () => {
    const { url } = serve({
      responses: [{ chunks: ['id: 1\ndata: a\n\n', { delay: 300 }, 'id: 2\ndata: b\n\n', { delay: 300 }, ': ping\n\n', { delay: 300 }, 'id: 3\ndata: c\n\n'], end: 'close' }],
    });
    const { stdout } = await runCheck([url, '--duration', '3000', '--heartbeat-max', '2000']);
    assert.equal(lineOf(stdout, 'incremental delivery').verdict, 'pass', stdout);
    assert.equal(lineOf(stdout, 'stream lifetime').verdict, 'warn', stdout); // the server ended it
  });

  test('the wrong MIME type (text/plain) is ✗', async () => {
    const { url } = serve({
      responses: [{ headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, chunks: wellBehavedChunks(), end: 'hang' }],
    });
    const { code, stdout } = await runCheck([url, ...WELL]);
    assert.equal(code, 1, stdout);
    const line = lineOf(stdout, 'Content-Type');
    assert.equal(line.verdict, 'fail');
    assert.match(line.line, /text\/plain.*must be text\/event-stream/);
    assert.equal(summaryOf(stdout).failed, 1, stdout);
  });

  test('a missing Content-Type is ✗', async () => {
    const { url } = serve({ responses: [{ headers: { 'cache-control': 'no-store' }, chunks: wellBehavedChunks(), end: 'hang' }] });
    const { code, stdout } = await runCheck([url, ...SHORT]);
    assert.equal(code, 1);
    assert.match(lineOf(stdout, 'Content-Type').text, /^✗ .*missing/);
  });

  test('no heartbeat (an event, then a stall longer than --heartbeat-max) is ✗', async () => {
    const { url } = serve({ responses: [{ headers: EVENT_STREAM, chunks: ['id: 1\ndata: hello\n\n'], end: 'stall' }] });
    const { code, stdout } = await runCheck([url, ...SHORT]);
    assert.equal(code, 1, stdout);
    const line = lineOf(stdout, 'heartbeat');
    assert.equal(line.verdict, 'fail');
    assert.match(line.line, /silent for the last [\d.]+ m?s of the run.*longer than --heartbeat-max 500 ms/);
  });

  test('a gap in the middle longer than --heartbeat-max is ✗ even when data follows', async () => {
    const { url } = serve({
      responses: [{ chunks: ['data: a\n\n', { delay: 800 }, 'data: b\n\n', ...Array(30).fill([{ delay: 100 }, ': ping\n\n']).flat()], end: 'hang' }],
    });
    const { stdout } = await runCheck([url, ...SHORT]);
    assert.match(lineOf(stdout, 'heartbeat').text, /^✗ longest gap [\d.]+ m?s \(from [\d.]+ m?s to [\d.]+ m?s\) exceeds --heartbeat-max 500 ms/);
  });

  test('non-200 status is ✗ with the body shown; 204 explained', async () => {
    const { url } = serve({ responses: [{ status: 503, headers: { 'content-type': 'text/plain' }, chunks: ['try later'] }] });
    const { code, stdout } = await runCheck([url, ...SHORT]);
    assert.equal(code, 1);
    assert.match(lineOf(stdout, 'HTTP status').text, /^✗ 503 .*needs 200.*body: "try later"/);
    const gone = serve({ responses: [{ status: 204 }] });
    const second = await runCheck([gone.url, ...SHORT]);
    assert.match(lineOf(second.stdout, 'HTTP status').text, /^✗ 204 .*never reconnect/);
  });

  test('a redirect is followed and reported', async () => {
    const { url } = serve({
      responses: [{ redirect: { status: 307, origin: 'A', path: '/moved' } }, { chunks: wellBehavedChunks(), end: 'hang' }],
    });
    const { code, stdout } = await runCheck([url, ...WELL]);
    assert.equal(code, 0, stdout);
    assert.match(lineOf(stdout, 'HTTP status').text, /^✓ 200 OK; followed 307 → http:\/\/127\.0\.0\.1:\d+\/s\/.*\/moved/);
  });

  test('requests like EventSource: Accept, Cache-Control, Last-Event-ID, extra headers', async () => {
    const { url, name, run } = serve({ responses: [{ chunks: ['id: 8\ndata: x\n\n'], end: 'close' }] });
    const { stdout } = await runCheck([url, ...SHORT, '--last-event-id', '7', '--header', 'Authorization: Bearer t0k']);
    const [request] = server.requests(name, run);
    assert.equal(request.headers.accept, 'text/event-stream');
    assert.equal(request.headers['cache-control'], 'no-cache');
    assert.equal(request.headers['last-event-id'], '7');
    assert.equal(request.headers.authorization, 'Bearer t0k');
    assert.equal(request.headers.origin, undefined);
    assert.match(lineOf(stdout, 'id').line, /sent Last-Event-ID: "7"/);
  });

  describe('CORS with --origin', () => {
    test('Access-Control-Allow-Origin matching the origin passes, credentials reported', async () => {
      const { url, name, run } = serve({ responses: [{ cors: 'credentials', chunks: wellBehavedChunks(), end: 'hang' }] }, 'B');
      const { code, stdout } = await runCheck([url, ...QUICK, '--origin', server.originA]);
      assert.equal(code, 0, stdout);
      assert.match(lineOf(stdout, 'CORS').text, /^✓ Access-Control-Allow-Origin: http:\/\/127\.0\.0\.1:\d+ matches; Access-Control-Allow-Credentials: true \(withCredentials works\)/);
      assertNoAdviceInPasses(stdout);
      assert.equal(server.requests(name, run)[0].headers.origin, server.originA);
    });

    test('without credentials: withCredentials would fail', async () => {
      const { url } = serve({ responses: [{ cors: true, chunks: wellBehavedChunks(), end: 'hang' }] }, 'B');
      const { stdout } = await runCheck([url, ...QUICK, '--origin', server.originA]);
      assert.match(lineOf(stdout, 'CORS').text, /^✓ .*matches; no Access-Control-Allow-Credentials: true \(withCredentials: true would fail\)/);
    });

    test('Access-Control-Allow-Origin: * passes with a note on credentials', async () => {
      const { url } = serve({ responses: [{ cors: '*', chunks: wellBehavedChunks(), end: 'hang' }] }, 'B');
      const { stdout } = await runCheck([url, ...QUICK, '--origin', 'https://page.example']);
      assert.match(lineOf(stdout, 'CORS').text, /^✓ Access-Control-Allow-Origin: \* .*withCredentials: true would fail/);
      assertNoAdviceInPasses(stdout);
    });

    test('no Access-Control-Allow-Origin is ✗', async () => {
      const { url } = serve({ responses: [{ chunks: wellBehavedChunks(), end: 'hang' }] }, 'B');
      const { code, stdout } = await runCheck([url, ...QUICK, '--origin', server.originA]);
      assert.equal(code, 1, stdout);
      assert.match(lineOf(stdout, 'CORS').text, /^✗ no Access-Control-Allow-Origin/);
    });

    test('an Access-Control-Allow-Origin for another origin is ✗', async () => {
      const { url } = serve({ responses: [{ cors: true, chunks: wellBehavedChunks(), end: 'hang' }] }, 'B');
      const { code, stdout } = await runCheck([url, ...QUICK, '--origin', 'https://page.example']);
      assert.equal(code, 1);
      assert.match(lineOf(stdout, 'CORS').text, /^✗ Access-Control-Allow-Origin: http:\/\/127\.0\.0\.1:\d+ does not match Origin: https:\/\/page\.example/);
    });

    test('without --origin the CORS headers present are reported', async () => {
      const { url } = serve({ responses: [{ cors: '*', chunks: wellBehavedChunks(), end: 'hang' }] }, 'B');
      const { stdout } = await runCheck([url, ...QUICK]);
      assert.match(lineOf(stdout, 'CORS').text, /^✓ not checked \(no --origin\); present: access-control-allow-origin: \*/);
    });
  });

  describe('charset', () => {
    const withCharset = (charset, chunks = wellBehavedChunks()) =>
      serve({ responses: [{ headers: { 'content-type': `text/event-stream; charset=${charset}`, 'cache-control': 'no-store' }, chunks, end: 'hang' }] });

    test('utf-8 passes', async () => {
      const { stdout } = await runCheck([withCharset('UTF-8').url, ...QUICK]);
      assert.match(lineOf(stdout, 'charset').text, /^✓ UTF-8/);
    });

    test('another charset over a UTF-8 body is ⚠ (browsers ignore it)', async () => {
      const { code, stdout } = await runCheck([withCharset('iso-8859-1').url, ...QUICK]);
      assert.equal(code, 0, stdout);
      assert.match(lineOf(stdout, 'charset').text, /^⚠ "iso-8859-1" \(windows-1252\): browsers ignore it and decode UTF-8/);
    });

    test('another charset with a body that really is in it is ✗', async () => {
      const chunks = [{ hex: '64 61 74 61 3a 20 63 61 66 e9 0a 0a' }, ...wellBehavedChunks()]; // "data: café" in Latin-1
      const latin = await runCheck([withCharset('latin1', chunks).url, ...QUICK]);
      assert.equal(latin.code, 1, latin.stdout);
      assert.match(lineOf(latin.stdout, 'charset').text, /^✗ "latin1" \(windows-1252\), and the body is not valid UTF-8 \(1 invalid sequence\)/);
    });
  });

  test('an unreachable port exits 2 with a clear message', async () => {
    const port = await new Promise((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address();
        probe.close(() => resolve(free));
      });
    });
    const { code, stdout, stderr } = await runCheck([`http://127.0.0.1:${port}/events`, ...SHORT]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/events .*connection refused`));
    const json = await runCheck([`http://127.0.0.1:${port}/events`, ...SHORT, '--json']);
    assert.equal(json.code, 2);
    assert.match(JSON.parse(json.stdout).error, /connection refused/);
  });

  test('usage errors exit 2', async () => {
    for (const args of [[], ['not a url'], ['ftp://x/'], ['http://127.0.0.1/', '--duration', 'soon'], ['http://127.0.0.1/', '--bogus'], ['http://127.0.0.1/', '--header', 'no colon']]) {
      const { code, stderr } = await runCheck(args);
      assert.equal(code, 2, `args ${JSON.stringify(args)}`);
      assert.match(stderr, /^check: .*\n\nusage: wasm-eventsource check <url> /, `args ${JSON.stringify(args)}`);
    }
  });

  test('invalid UTF-8 is reported as ✗ with where the U+FFFD came from', async () => {
    const { url } = serve({
      responses: [{ chunks: ['id: 1\ndata: ok\n\n', { delay: 100 }, { hex: '69 64 3a 20 32 0a 64 61 74 61 3a 20 ff 41 c3 0a 0a' }, ...wellBehavedChunks()], end: 'hang' }],
    });
    const { code, stdout } = await runCheck([url, ...SHORT]);
    assert.equal(code, 1, stdout);
    // ff, and c3 cut short by the line break: two replacement characters, at bytes 28 and 30 on line 5
    // (after "id: 1", "data: ok", "", "id: 2")
    assert.match(lineOf(stdout, 'invalid UTF-8').text, /^✗ 2 invalid UTF-8 sequences \(first at byte 28 \(line 5\), byte 30 \(line 5\)\): each became U\+FFFD/);
  });

  test('oddities: unknown fields, bad retry, a stray BOM, a long data line, an unterminated last event', async () => {
    const { url } = serve({
      responses: [
        {
          chunks: [
            { hex: 'ef bb bf' }, // a BOM at the very start: fine
            'retry: 1000\nid: 1\ndata: a\n\n',
            { delay: 100 },
            'Data: b\ndat: c\n\n',
            { delay: 100 },
            'retry: 2s\nretry: -5\n\n',
            { delay: 100 },
            { hex: 'ef bb bf 64 61 74 61 3a 20 78 0a 0a' }, // "\ufeffdata: x": a BOM per chunk
            { delay: 100 },
            'data: ',
            { repeat: 'x', times: 70000 },
            '\n\n',
            { delay: 100 },
            'id: 9\ndata: last',
          ],
          end: 'close',
        },
      ],
    });
    const { json, byId, code } = await runJson([url, ...SHORT]);
    assert.equal(byId('unknown-fields').verdict, 'warn');
    assert.match(byId('unknown-fields').message, /"Data" ×1 \(line 5\), "dat" ×1 \(line 6\)/);
    assert.equal(byId('retry-syntax').verdict, 'warn');
    assert.match(byId('retry-syntax').message, /2 retry lines not only ASCII digits: "2s" \(line 8\), "-5" \(line 9\)/);
    assert.equal(byId('bom').verdict, 'warn');
    assert.match(byId('bom').message, /1 U\+FEFF \(BOM\) after the start of the stream.*line 11, start of the line/);
    assert.equal(byId('long-lines').verdict, 'warn');
    assert.match(byId('long-lines').message, /1 data line longer than 64\.0 KiB \(longest 68\.4 KiB/);
    assert.equal(byId('unterminated').verdict, 'warn');
    assert.match(byId('unterminated').message, /unterminated last line \(10 B without a line break\) and data lines without the blank line/);
    assert.equal(byId('format'), undefined);
    assert.equal(byId('utf-8'), undefined); // the BOMs are valid UTF-8
    assert.equal(byId('parser'), undefined, 'the fields are reported once, by the scan, not again as parser errors');
    assert.deepEqual(json.stats.retries, [1000]);
    assert.equal(json.stats.ended, 'end');
    assert.equal(code, json.summary.failed > 0 ? 1 : 0);
  });

  test('--json prints the same results as JSON', async () => {
    const { url } = serve({ responses: [{ chunks: wellBehavedChunks(), end: 'hang' }] });
    const { json, code } = await runJson([url, ...WELL]);
    const text = await runCheck([serve({ responses: [{ chunks: wellBehavedChunks(), end: 'hang' }] }).url, ...WELL]);
    assert.equal(code, 0);
    assert.equal(json.exitCode, 0);
    assert.equal(json.url, url);
    assert.equal(json.finalUrl, url);
    assert.deepEqual(json.redirects, []);
    assert.equal(json.options.duration, 2000);
    assert.equal(json.options.heartbeatMax, 1000);
    assert.equal(json.response.status, 200);
    assert.equal(json.response.headers['content-type'], 'text/event-stream');
    assert.equal(typeof json.response.headersAfterMs, 'number');
    assert.equal(json.stats.ended, 'timeout');
    assert.ok(json.stats.events >= 10, `events: ${json.stats.events}`);
    assert.ok(Array.isArray(json.checks) && json.checks.length > 10);
    for (const c of json.checks) {
      assert.deepEqual(Object.keys(c).filter((k) => k !== 'rule').sort(), ['id', 'message', 'title', 'verdict']);
      assert.ok(['pass', 'warn', 'fail'].includes(c.verdict));
    }
    const count = (v) => json.checks.filter((c) => c.verdict === v).length;
    assert.deepEqual(json.summary, { passed: count('pass'), warnings: count('warn'), failed: count('fail') });
    // the same checks, in the same order, as the text output
    const titles = text.stdout.split('\n').filter((l) => /^[✓⚠✗] /.test(l)).map((l) => l.slice(2).split('  ')[0].trim());
    assert.deepEqual(json.checks.map((c) => c.title), titles);
  });

  test('a gzip stream flushed per event is decoded and passes; Content-Encoding is noted', async () => {
    server.route('/check-gzip', gzipStream({ flush: true }));
    const { code, stdout } = await runCheck([`${server.originA}/check-gzip`, ...WELL]);
    assert.equal(code, 0, stdout);
    assert.match(lineOf(stdout, 'proxy buffering').text, /^✓ .*Content-Encoding: gzip, flushed per event/);
    assert.equal(lineOf(stdout, 'incremental delivery').verdict, 'pass');
    assertNoAdviceInPasses(stdout);
  });

  test('a gzip stream whose compressor is never flushed fails (exit 1), naming the compressor as the cause, once', async () => {
    server.route('/check-gzip-unflushed', gzipStream({ flush: false }));
    // (A heartbeat limit within the run: the compressor's silence is its one finding, not also the heartbeat's.)
    const { code, stdout } = await runCheck([`${server.originA}/check-gzip-unflushed`, ...SHORT]);
    assert.equal(code, 1, stdout);
    const first = lineOf(stdout, 'time to first event');
    assert.equal(first.verdict, 'fail', stdout);
    assert.match(first.text, /^✗ no event in [\d.]+ m?s: the body is gzip-compressed, and its \d+ B decode to nothing — the compressor is not flushed per event: flush it after each event/);
    assert.equal(summaryOf(stdout).failed, 1, stdout);
    assert.equal(verdictLines(stdout).filter(({ line }) => /compress/.test(line)).length, 1, `the compressor named once:\n${stdout}`);
    assertNoAdviceInPasses(stdout);
  });

  test('a stream that delivers no event within the run fails (exit 1), even with comments', async () => {
    const { url } = serve({ responses: [{ headers: EVENT_STREAM, chunks: [': hello\n\n', { delay: 200 }, ': still here\n\n'], end: 'hang' }] });
    const { code, stdout } = await runCheck([url, '--duration', '1000']);
    assert.equal(code, 1, stdout);
    assert.match(lineOf(stdout, 'time to first event').text, /^✗ no event in [\d.]+ m?s \(2 comments only\)/);
    assert.equal(summaryOf(stdout).failed, 1, stdout);
  });

  test('bad fields (an unknown name, a retry that is not digits) are each reported once, as ⚠, and fail nothing', async () => {
    const chunks = wellBehavedChunks();
    chunks.splice(3, 0, 'Dat: typo\n\n', 'retry: 5s\n\n');
    const { url } = serve({ responses: [{ headers: EVENT_STREAM, chunks, end: 'hang' }] });
    const { code, stdout } = await runCheck([url, ...WELL]);
    assert.equal(code, 0, stdout);
    assert.deepEqual(
      verdictLines(stdout).filter(({ line }) => /Dat|5s/.test(line)).map(({ verdict, line }) => [verdict, line.replace(/ {2,}/g, '  ')]),
      [
        ['warn', '⚠ unknown fields  "Dat" ×1 (line 6): not event/data/id/retry, so clients ignore these lines (a missing colon or a typo?)'],
        ['warn', '⚠ retry syntax  1 retry line not only ASCII digits: "5s" (line 8) — clients ignore them'],
      ],
    );
    assert.equal(summaryOf(stdout).failed, 0, stdout);
  });

  test('with the defaults the run (30 s) outlasts the heartbeat limit (15 s), so a stream without a heartbeat can fail', () => {
    const defaults = parseArgs(['http://127.0.0.1/']);
    assert.equal(defaults.heartbeatMax, 15000);
    assert.ok(defaults.duration > defaults.heartbeatMax);
  });

  describe('behind nginx (a bare proxy_pass: buffering on)', () => {
    let upstream;
    let proxy;
    before(async () => {
      upstream = await startScenarioServer({ scenarios: new Map() });
      // Events every 100 ms for 1.2 s, then the end; the second route also says X-Accel-Buffering: no.
      const stream = (extra) => (req, res) => {
        res.writeHead(200, { ...EVENT_STREAM, ...extra });
        let n = 0;
        const timer = setInterval(() => {
          res.write(`id: ${++n}\ndata: ${n}\n\n`);
          if (n === 12) {
            clearInterval(timer);
            res.end();
          }
        }, 100);
        res.on('close', () => clearInterval(timer));
      };
      upstream.route('/buffered', stream({}));
      upstream.route('/unbuffered', stream({ 'x-accel-buffering': 'no' }));
      proxy = await startNginxProxy(upstream.originA);
    });
    after(async () => {
      await proxy?.close();
      await upstream?.close();
    });

    test('without X-Accel-Buffering the stream is held until it ends: ✗, and the failure names X-Accel-Buffering: no', async () => {
      const { code, stdout } = await runCheck([`${proxy.url}/buffered`, '--duration', '3000', '--heartbeat-max', '2000']);
      assert.equal(code, 1, stdout);
      const delivery = lineOf(stdout, 'incremental delivery');
      assert.equal(delivery.verdict, 'fail', stdout);
      assert.match(delivery.text, /^✗ held back: .* all items arrived at once .*something buffered the response until it closed — behind nginx, send X-Accel-Buffering: no/);
      assert.equal(lineOf(stdout, 'proxy buffering').text, '✓ no X-Accel-Buffering');
      assertNoAdviceInPasses(stdout);
    });

    test('with X-Accel-Buffering: no the same stream passes through as produced', async () => {
      const { code, stdout } = await runCheck([`${proxy.url}/unbuffered`, '--duration', '3000', '--heartbeat-max', '2000']);
      assert.equal(lineOf(stdout, 'incremental delivery').verdict, 'pass', stdout);
      assert.equal(code, 0, stdout);
    });
  });
});

describe('the delivery rule on synthetic timings', () => {
  const observation = ({ events = [], comments = [], reads, end, headers = 5 }) => ({
    events: events.map((t) => ({ t, type: 'message' })),
    comments: comments.map((t) => ({ t })),
    reads: reads ?? [...new Set([...events, ...comments])].sort((a, b) => a - b).map((t) => ({ t, bytes: 10 })),
    end,
    response: { tHeaders: headers },
    options: { heartbeatMax: 1000 },
  });

  test('spread out: ✓', () => {
    const check = deliveryCheck(observation({ events: [100, 200, 300, 400], end: { how: 'timeout', t: 500 } }));
    assert.equal(check.verdict, 'pass');
  });

  test('everything at once after silence, then the end: ✗', () => {
    const check = deliveryCheck(observation({ events: [2000, 2000, 2000], end: { how: 'end', t: 2001 } }));
    assert.equal(check.verdict, 'fail');
  });

  test('one early comment then the rest held until close: still ✗', () => {
    const check = deliveryCheck(observation({ comments: [10], events: [3000, 3000, 3000, 3000, 3000], end: { how: 'end', t: 3010 } }));
    assert.equal(check.verdict, 'fail');
    assert.match(check.message, /5 of 6 items/);
  });

  test('everything at once right away and closed: ⚠ (cannot tell)', () => {
    const check = deliveryCheck(observation({ events: [20, 20, 20], end: { how: 'end', t: 25 } }));
    assert.equal(check.verdict, 'warn');
  });

  test('a burst after silence with the stream left open: ⚠', () => {
    const check = deliveryCheck(observation({ events: [1500, 1500, 1500], end: { how: 'timeout', t: 3000 } }));
    assert.equal(check.verdict, 'warn');
  });

  test('batches of 8 every 2 s: ⚠ batched', () => {
    const events = [];
    for (let b = 1; b <= 4; b++) for (let i = 0; i < 8; i++) events.push(b * 2000 + i);
    const check = deliveryCheck(observation({ events, end: { how: 'timeout', t: 9000 } }));
    assert.equal(check.verdict, 'warn');
    assert.match(check.message, /^batched: .*median of 8 items per burst/);
  });

  test('fast events (every 10 ms) are not one burst', () => {
    const events = Array.from({ length: 300 }, (_, i) => 10 + i * 10);
    const check = deliveryCheck(observation({ events, end: { how: 'end', t: 3010 } }));
    assert.equal(check.verdict, 'pass', check.message);
  });

  test('heartbeat: a recurring comment within the limit passes, a long gap fails', () => {
    const ok = heartbeatCheck(observation({ comments: [200, 400, 600, 800, 1000, 1200], end: { how: 'timeout', t: 1300 } }));
    assert.equal(ok.verdict, 'pass');
    assert.match(ok.message, /comments every ~200 ms/);
    const gap = heartbeatCheck(observation({ comments: [200, 1400], end: { how: 'timeout', t: 1500 } }));
    assert.equal(gap.verdict, 'fail');
  });
});
