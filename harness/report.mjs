// The conformance reports: the agreement table printed on the terminal and the HTML report,
// for one engine (its own EventSource against each implementation) and across engines (where
// the engines' own EventSources disagree with each other).
import { alignLists, diffTraces, eventKey, requestKey } from './trace-diff.mjs';

export const MARK = { agree: '✓', differ: '✗', listed: '~', stale: '!', error: 'E' };

/** A text table: scenario × implementation (other than native). */
export function formatTable(results, implIds) {
  const others = implIds.filter((id) => id !== 'native');
  const byScenario = new Map();
  for (const result of results) {
    if (!byScenario.has(result.scenario)) byScenario.set(result.scenario, {});
    byScenario.get(result.scenario)[result.impl] = result;
  }
  const nameWidth = Math.max(8, ...[...byScenario.keys()].map((n) => n.length));
  const widths = others.map((id) => Math.max(id.length, 1));
  const lines = [];
  lines.push(['scenario'.padEnd(nameWidth), ...others.map((id, i) => id.padEnd(widths[i]))].join('  '));
  lines.push(['-'.repeat(nameWidth), ...widths.map((w) => '-'.repeat(w))].join('  '));
  for (const [name, row] of byScenario) {
    lines.push([name.padEnd(nameWidth), ...others.map((id, i) => (MARK[row[id]?.status] ?? ' ').padEnd(widths[i]))].join('  '));
  }
  lines.push('');
  for (const id of others) {
    const counts = { agree: 0, differ: 0, listed: 0, stale: 0, error: 0 };
    for (const result of results) if (result.impl === id) counts[result.status]++;
    const parts = [`${counts.agree} ✓ agree`, `${counts.differ} ✗ differ`, `${counts.listed} ~ listed difference`];
    if (counts.stale) parts.push(`${counts.stale} ! listed but agrees (stale entry)`);
    if (counts.error) parts.push(`${counts.error} E harness error`);
    const retried = results.filter((r) => r.impl === id && r.status === 'agree' && r.attempts > 1).length;
    if (retried) parts.push(`(${retried} of the agreements only on a retry)`);
    lines.push(`${id}: ${parts.join(', ')}`);
  }
  return lines.join('\n');
}


const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const READY = ['CONNECTING', 'OPEN', 'CLOSED'];

function describeEvent(entry) {
  if (entry === undefined) return '';
  if (entry.action) return `page: ${entry.action}() → ${READY[entry.readyState] ?? entry.readyState}`;
  let text = entry.type;
  if ('data' in entry) text += ` data=${JSON.stringify(entry.data)} id=${JSON.stringify(entry.lastEventId)} origin=${entry.origin}`;
  return `${text} → ${READY[entry.readyState] ?? entry.readyState}`;
}

function describeRequest(entry) {
  if (entry === undefined) return '';
  const headers = Object.entries(entry.headers).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  return `${entry.delay ?? 'first'} ${entry.method} ${entry.origin}${entry.path}${headers ? ` {${headers}}` : ''}`;
}

function sideBySide(title, expected = [], actual = [], describe, key, implName) {
  const rows = alignLists(expected, actual, key);
  const body = rows
    .map((row) => {
      const cls = row.same ? '' : ' class="diff"';
      const left = row.a === undefined ? '<td class="gap"></td>' : `<td>${escapeHtml(describe(expected[row.a]))}</td>`;
      const right = row.b === undefined ? '<td class="gap"></td>' : `<td>${escapeHtml(describe(actual[row.b]))}</td>`;
      return `<tr${cls}>${left}${right}</tr>`;
    })
    .join('\n');
  return `<h4>${title}</h4><table class="trace"><thead><tr><th>native</th><th>${escapeHtml(implName)}</th></tr></thead><tbody>${body || '<tr><td colspan="2">(none)</td></tr>'}</tbody></table>`;
}

export function htmlReport({ engine = 'chromium', results, impls, elapsed }) {
  const others = impls.filter((id) => id !== 'native');
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const get = (scenario, impl) => results.find((r) => r.scenario === scenario && r.impl === impl);
  const totals = others
    .map((id) => {
      const mine = results.filter((r) => r.impl === id);
      const count = (status) => mine.filter((r) => r.status === status).length;
      return `<li><b>${escapeHtml(id)}</b>: ${count('agree')} agree, ${count('differ')} differ, ${count('listed')} listed differences${count('stale') ? `, ${count('stale')} stale listed entries` : ''}${count('error') ? `, ${count('error')} harness errors` : ''}</li>`;
    })
    .join('');
  const summary = scenarios
    .map((name) => {
      const first = get(name, 'native') ?? get(name, others[0]);
      const cells = others
        .map((id) => {
          const r = get(name, id);
          const status = r?.status ?? 'none';
          const link = status === 'agree' ? MARK.agree : `<a href="#${escapeHtml(`${name}--${id}`)}">${MARK[status] ?? '?'}</a>`;
          const title = r?.reason ?? (r?.attempts > 1 ? `${status} on attempt ${r.attempts} (before: ${r.earlier.map((e) => e.status).join(', ')})` : status);
          return `<td class="${status}" title="${escapeHtml(title)}">${link}${status === 'agree' && r.attempts > 1 ? '<sup>r</sup>' : ''}</td>`;
        })
        .join('');
      return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(first?.category ?? '')}</td>${cells}</tr>`;
    })
    .join('\n');
  const details = results
    .filter((r) => r.impl !== 'native' && r.status !== 'agree')
    .map((r) => {
      const parts = [
        `<section id="${escapeHtml(`${r.scenario}--${r.impl}`)}"><h3>${escapeHtml(r.scenario)} — ${escapeHtml(r.impl)}: <span class="${r.status}">${r.status}</span></h3>`,
        r.description ? `<p>${escapeHtml(r.description)}</p>` : '',
        r.reason ? `<p class="reason">Listed difference: ${escapeHtml(r.reason)}</p>` : '',
        r.error ? `<p class="error">Harness error: ${escapeHtml(r.error)}</p>` : '',
        r.pageErrors?.length ? `<p class="error">Page errors: ${escapeHtml(r.pageErrors.join(' | '))}</p>` : '',
      ];
      if (r.trace && r.native) {
        if (r.native.threw !== undefined || r.trace.threw !== undefined) {
          parts.push(`<p>constructor threw: native ${escapeHtml(r.native.threw ?? '—')}, implementation ${escapeHtml(r.trace.threw ?? '—')}</p>`);
        }
        parts.push(sideBySide('Events', r.native.events, r.trace.events, describeEvent, eventKey, r.impl));
        parts.push(sideBySide('Requests', r.native.requests, r.trace.requests, describeRequest, requestKey, r.impl));
      }
      parts.push('</section>');
      return parts.join('\n');
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EventSource conformance report: ${escapeHtml(engine)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
.summary td:nth-child(n+3) { text-align: center; }
.agree { color: #1a7f37; } .differ { color: #cf222e; font-weight: bold; } .listed { color: #9a6700; }
.stale { color: #8250df; font-weight: bold; } .error { color: #cf222e; }
td.differ, td.error { background: #ffebe9; } td.listed { background: #fff8c5; } td.stale { background: #fbefff; }
table.trace { width: 100%; table-layout: fixed; margin-bottom: 1em; }
table.trace td { font: 12px/1.3 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
tr.diff td { background: #ffebe9; } td.gap { background: #f6f8fa !important; }
.reason { background: #fff8c5; padding: 4px 8px; }
section { border-top: 2px solid #ddd; margin-top: 2em; }
</style></head><body>
<h1>EventSource conformance report</h1>
<p>Every scenario of the harness run in ${escapeHtml(engine)}; an implementation agrees on a scenario when its trace
(events with type, data, lastEventId, origin and readyState; the requests the server saw) equals the trace of the
engine's own EventSource. ${escapeHtml(new Date().toISOString())}${elapsed ? `, ${(elapsed / 1000).toFixed(1)} s` : ''}.</p>
<ul>${totals}</ul>
<p>✓ agree (<sup>r</sup>: on a retry; timing in a loaded browser is noisy) · ✗ differ · ~ listed difference (known-differences.json) · ! listed but agrees · E harness error</p>
<table class="summary"><thead><tr><th>scenario</th><th>category</th>${others.map((id) => `<th>${escapeHtml(id)}</th>`).join('')}</tr></thead>
<tbody>
${summary}
</tbody></table>
<h2>Differences</h2>
${details || '<p>None.</p>'}
</body></html>
`;
}

/**
 * Where the engines' own EventSources disagree: per scenario, the engines grouped by equal
 * native traces, and per engine the polyfill's status there (with the listed reason, which says
 * what the standard supports).
 */
export function crossEngineSummary(reports) {
  const engines = reports.map((r) => r.engine);
  const byEngine = new Map(reports.map((r) => [r.engine, r.results]));
  const names = [...new Set(reports.flatMap((r) => r.results.map((x) => x.scenario)))];
  const scenarios = names.map((scenario) => {
    const natives = engines.map((engine) => [engine, byEngine.get(engine).find((r) => r.scenario === scenario && r.impl === 'native')?.trace ?? null]);
    const groups = [];
    for (const [engine, trace] of natives) {
      const group = groups.find((g) => trace && g.trace && diffTraces(g.trace, trace).length === 0);
      if (group) group.engines.push(engine);
      else groups.push({ engines: [engine], trace });
    }
    const polyfill = Object.fromEntries(
      engines.map((engine) => {
        const r = byEngine.get(engine).find((x) => x.scenario === scenario && x.impl === 'polyfill');
        return [engine, r ? { status: r.status, reason: r.reason } : null];
      }),
    );
    const [first] = groups;
    const differences = groups.slice(1).map((g) => ({ engines: g.engines, diff: first.trace && g.trace ? diffTraces(first.trace, g.trace) : [] }));
    return { scenario, groups: groups.map((g) => g.engines), differences, polyfill };
  });
  return { generated: new Date().toISOString(), engines, scenarios };
}

export function crossEngineHtml({ engines, scenarios, generated }) {
  const split = scenarios.filter((row) => row.groups.length > 1);
  const rows = split
    .map((row) => {
      const cells = engines
        .map((engine) => {
          const p = row.polyfill[engine];
          return `<td class="${p?.status ?? ''}" title="${escapeHtml(p?.reason ?? p?.status ?? '')}">${MARK[p?.status] ?? '·'}${p?.reason ? ` ${escapeHtml(p.reason)}` : ''}</td>`;
        })
        .join('');
      const diff = row.differences
        .map((d) => `${escapeHtml(d.engines.join(', '))}: ${d.diff.slice(0, 3).map((x) => `${x.section}[${x.index ?? ''}] ${escapeHtml(JSON.stringify(x.expected))} → ${escapeHtml(JSON.stringify(x.actual))}`).join('; ')}`)
        .join('<br>');
      return `<tr><td>${escapeHtml(row.scenario)}</td><td>${escapeHtml(row.groups.map((g) => g.join(' = ')).join(' ≠ '))}</td><td class="mono">${diff}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EventSource across engines</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
.mono { font: 12px/1.3 ui-monospace, monospace; } .agree { color: #1a7f37; } .differ { color: #cf222e; } .listed { color: #9a6700; }
</style></head><body>
<h1>The engines' own EventSources, scenario by scenario</h1>
<p>${escapeHtml(generated)}: ${escapeHtml(engines.join(', '))}. The native traces agree on ${scenarios.length - split.length} of
${scenarios.length} scenarios; below, the others: which engines agree with each other (the first group is the reference of the
diff), what differs, and the polyfill in each engine (✓ agrees with that engine's own, ~ a listed difference, with the reason,
which says what the standard supports).</p>
<table><thead><tr><th>scenario</th><th>native traces</th><th>differences</th>${engines.map((e) => `<th>polyfill in ${escapeHtml(e)}</th>`).join('')}</tr></thead>
<tbody>
${rows || '<tr><td colspan="9">none</td></tr>'}
</tbody></table>
</body></html>
`;
}

