// CPU time of a browser's content processes from Linux's /proc, read before and after a run by
// the drivers of every engine: no DevTools domain is turned on for it, as one would cost the page
// time of its own (Chromium's Performance domain halved the events/s of both implementations).

import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc's times are in 1/100 s. */
export const TICK_US = 1e6 / 100;

/** pid → parent pid, for every process. */
function parents() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      map.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

/** utime + stime, in ticks, of a /proc stat line. */
function ticksOf(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * pid → { main, process }: the CPU ticks (user + system) of the main thread and of all threads
 * of every descendant of `root` whose command line matches `command`.
 */
export function contentProcessTicks(root, command) {
  const parentOf = parents();
  const isBelow = (pid) => {
    for (let p = parentOf.get(pid); p; p = parentOf.get(p)) if (p === root) return true;
    return false;
  };
  const ticks = new Map();
  for (const pid of parentOf.keys()) {
    if (!isBelow(pid)) continue;
    try {
      if (!command.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      ticks.set(pid, { main: ticksOf(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')), process: ticksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) });
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
