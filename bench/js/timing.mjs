// Round-robin timing: one warm-up run of each contender, then one run of each in turn, so that
// load changing on the machine affects them alike. Medians in ms.
// (Of an even count, the mean of the middle two: the browser benchmark's tables use it too.)
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 !== 0 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function timeRoundRobin(contenders, runs) {
  for (const run of Object.values(contenders)) await run();
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = performance.now();
      await run();
      samples[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, times]) => [name, median(times)]));
}
