// The browser benchmark's table: per workload, the medians of each implementation's runs and
// their ratios to the engine's own EventSource, as Markdown.
import { median } from '../js/timing.mjs';

const COLUMNS = [
  ['events/s', 'eventsPerSecond', (v) => Math.round(v).toLocaleString('en-US')],
  ['MB/s', 'mbPerSecond', (v) => v.toFixed(1)],
  ['main CPU µs/event', 'mainCpuPerEvent', (v) => v.toFixed(3)],
  ['content process CPU µs/event', 'processCpuPerEvent', (v) => v.toFixed(3)],
  ['main busy', 'mainBusy', (v) => `${(v * 100).toFixed(0)}%`],
  ['ms', 'ms', (v) => v.toFixed(0)],
];

/**
 * The table's lines. `results`: workload → implementation → [runs] (each run the figures of
 * runInChromium or runInEngine); `labels`: implementation → its name in the table.
 */
export function resultTable(results, labels) {
  const impls = Object.keys(labels);
  const rows = [['workload', 'implementation', ...COLUMNS.map(([title]) => title)]];
  for (const [name, byImpl] of Object.entries(results)) {
    const medians = {};
    for (const impl of impls) {
      medians[impl] = Object.fromEntries(COLUMNS.map(([, key]) => [key, median(byImpl[impl].map((run) => run[key]))]));
      rows.push([name, labels[impl], ...COLUMNS.map(([, key, format]) => format(medians[impl][key]))]);
    }
    for (const impl of impls.filter((impl) => impl !== 'native')) {
      rows.push([name, `ratio ${impl}/native`, ...COLUMNS.map(([, key]) => `×${(medians[impl][key] / medians.native[key]).toFixed(2)}`)]);
    }
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row) => `| ${row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  return [
    line(rows[0]),
    `| ${widths.map((width, column) => (column < 2 ? '-'.repeat(width) : '-'.repeat(width - 1) + ':')).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ];
}
