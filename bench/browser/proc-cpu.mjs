// CPU time of a browser's content processes from Linux's /proc, read before and after a run by
// the drivers of every engine: no DevTools domain is turned on for it, as one would cost the page
// time of its own (Chromium's Performance domain halved the events/s of both implementations).

import { readdirSync, readFileSync } from 'node:fs';

// Linux's USER_HZ: /proc's times are in 1/100 s.
const TICK_US = 1e6 / 100;

/** The fields of a /proc stat line after the command (state, ppid, …: `man proc`'s 3rd on). */
function statFields(stat) {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime, in ticks, of a stat line's fields. */
function ticksOf(fields) {
  return Number(fields[11]) + Number(fields[12]);
}

/** pid → the fields of its stat line, for every process. */
function processStats() {
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      stats.set(Number(name), statFields(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // gone meanwhile
    }
  }
  return stats;
}

/**
 * pid → { main, process }: the CPU ticks (user + system) of the main thread and of all threads
 * of every descendant of `root` whose command line matches `command`.
 */
export function contentProcessTicks(root, command) {
  const stats = processStats();
  const isBelow = (pid) => {
    for (let p = Number(stats.get(pid)?.[1]); p; p = Number(stats.get(p)?.[1])) if (p === root) return true;
    return false;
  };
  const ticks = new Map();
  for (const [pid, fields] of stats) {
    if (!isBelow(pid)) continue;
    try {
      if (!command.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      ticks.set(pid, { main: ticksOf(statFields(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'))), process: ticksOf(fields) });
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/**
 * The CPU time (µs) of the content process whose main thread used the most between two
 * readings of contentProcessTicks (the page's, when one page runs at a time): { mainUs,
 * processUs }, or null when there was none.
 */
export function busiestContentProcess(before, after) {
  let busiest = null;
  for (const [pid, { main, process }] of after) {
    const was = before.get(pid) ?? { main: 0, process: 0 };
    const used = { mainUs: (main - was.main) * TICK_US, processUs: (process - was.process) * TICK_US };
    if (busiest === null || used.mainUs > busiest.mainUs) busiest = used;
  }
  return busiest;
}

/** The idle and total CPU ticks of the whole machine (/proc/stat's first line). */
function machineTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + fields[4], all: fields.reduce((sum, value) => sum + value, 0) };
}

/**
 * Resolves once the machine's CPUs were at least `idleShare` idle over one `windowMs`, or after
 * `timeoutMs`; returns how long it waited (ms). A run must not share the CPUs with the browser's
 * own work: Chromium loads a new window's omnibox popup (chrome://omnibox-popup.top-chrome, a
 * renderer of its own running ~0.5-1 s of script) while the page's run would already be going,
 * and on two cores it took from whichever implementation ran then.
 */
export async function waitForQuietMachine({ idleShare = 0.9, windowMs = 100, timeoutMs = 5000 } = {}) {
  const started = performance.now();
  for (;;) {
    const before = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = machineTicks();
    const idle = (after.idle - before.idle) / Math.max(1, after.all - before.all);
    const waited = performance.now() - started;
    if (idle >= idleShare || waited >= timeoutMs) return waited;
  }
}
