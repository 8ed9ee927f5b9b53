// The speed targets `npm run bench` reports on (bench/RESULTS.md has them with their figures):
// each section records what it measured against a target here, and the run ends with one table
// of every target met or missed. A ratio is theirs / ours from the same round-robin run
// (higher is better), a bound is ours against a limit.

/** createParser against eventsource-parser 4 (+TextDecoder), a fresh parser per stream. */
export const PARSER_TARGETS = [
  { workload: 'llm_tokens', chunk: 'event', ratio: 2, label: 'LLM events, one event per chunk' },
  { workload: 'llm_tokens', chunk: 1400, ratio: 2, label: 'LLM events, 1400-byte chunks' },
  { workload: 'llm_tokens', chunk: 65536, ratio: 2.5, label: 'LLM events, 64 KiB chunks' },
  { workload: 'tiny', chunk: 65536, ratio: 1.5, label: 'tiny events, 64 KiB chunks' },
  { workload: 'tiny', chunk: 16, ratio: 1.5, label: 'tiny events, 16-byte chunks' },
  { workload: 'llm_tokens', chunk: 16, ratio: 1.5, label: 'LLM events, 16-byte chunks' },
  { workload: 'multi_line_100', chunk: 16, ratio: 1.5, label: 'multi-line events, 16-byte chunks' },
  { workload: 'line_8MiB', chunk: 65536, ratio: 2, label: 'one 8 MiB event, 64 KiB chunks' },
  { workload: 'multi_line_100', chunk: 65536, ratio: 3.5, label: 'multi-line events, 64 KiB chunks' },
];

/** EventSourceParserStream against eventsource-parser/stream after TextDecoderStream. */
export const STREAM_TARGET = { workload: 'llm_tokens', ratio: 1.5 };

export class TargetReport {
  #rows = [];

  /** A ratio target: `ratio` measured against `wanted` (met when at least that). `ceilings`, if
   *  measured: what a design doing only what each bound row does would reach, as pairs of words
   *  and ratio ([['the bound allows', 2.3], ['with decoding', 1.9]]). */
  ratio(label, ratio, wanted, ceilings = []) {
    const note = ceilings.map(([words, value]) => `; ${words} ×${value.toFixed(2)}`).join('');
    this.#rows.push({ label, measured: `×${ratio.toFixed(2)}`, wanted: `≥ ×${wanted}${note}`, met: ratio >= wanted });
  }

  /** A bound: `value` (in `unit`) against `limit` (met when at most that); `note` follows it. */
  bound(label, value, limit, unit, note = '') {
    const show = (x) => `${Number.isInteger(x) ? x : x.toFixed(2)} ${unit}`;
    this.#rows.push({ label, measured: show(value), wanted: `≤ ${show(limit)}${note}`, met: value <= limit });
  }

  print() {
    if (this.#rows.length === 0) return;
    console.log('\n## Targets');
    const width = Math.max(...this.#rows.map((row) => row.label.length));
    for (const { label, measured, wanted, met } of this.#rows) {
      console.log(`  ${met ? 'met   ' : 'missed'}  ${label.padEnd(width)}  ${measured.padStart(12)}  (${wanted})`);
    }
  }
}
