// Killing a page's content process (a crash, not a close: the page runs no more script, fires
// no pagehide) for drivers whose protocol cannot crash a page: the page first fills a ballast
// of memory, which singles its process out among the browser's by its resident size; that
// process is then sent SIGKILL. (Linux: reads `ps`.)
import { execFileSync } from 'node:child_process';

const BALLAST_MB = 384;

function processes() {
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [, pid, ppid, rss, args] = line.match(/^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/);
      return { pid: Number(pid), ppid: Number(ppid), rssKb: Number(rss), args };
    });
}

/** The processes under `rootPid` (any depth) whose command line matches `pattern`. */
function descendants(rootPid, pattern) {
  const all = processes();
  const under = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!under.has(p.pid) && under.has(p.ppid)) {
        under.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== rootPid && under.has(p.pid) && pattern.test(p.args));
}

/**
 * Kills the content process of `page` (a driver page with evaluate()), one of the processes
 * under `rootPid` whose command line matches `pattern`. Resolves with its pid.
 */
export async function killPageProcess(page, rootPid, pattern) {
  await page.evaluate((megabytes) => {
    const ballast = new Uint8Array(megabytes << 20);
    for (let i = 0; i < ballast.length; i += 4096) ballast[i] = 1; // resident, not just reserved
    window.__killBallast = ballast;
  }, BALLAST_MB);
  const [largest, next] = descendants(rootPid, pattern).sort((a, b) => b.rssKb - a.rssKb);
  if (!largest || (next && largest.rssKb - next.rssKb < (BALLAST_MB / 2) * 1024)) {
    throw new Error(`killPageProcess: no content process stands out by its ballast (${largest?.rssKb} kB, next ${next?.rssKb} kB)`);
  }
  process.kill(largest.pid, 'SIGKILL');
  return largest.pid;
}
