// Summarises a .cpuprofile (V8's CPU profiler): self time by function and by where the code lives (a package under
// node_modules, node's own modules, our dist/ files, and V8's own: GC, the idle loop, "(program)" = native code
// outside JavaScript, e.g. the system calls of socket writes).
//   node bench/vote/profile-summary.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';

export function summarize(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const where = (cf) => {
    const url = cf.url ?? '';
    if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native)';
    const nm = url.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = url.slice(nm + 13).split('/');
      return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
    const dist = url.indexOf('/dist/');
    return dist >= 0 ? url.slice(dist + 6).split('/').slice(0, 3).join('/') : url;
  };
  const fn = new Map();
  const area = new Map();
  for (const [id, t] of self) {
    const cf = byId.get(id).callFrame;
    if (cf.functionName === '(idle)') continue;
    const key = `${cf.functionName || '(anonymous)'} ${where(cf)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + t);
    area.set(where(cf), (area.get(where(cf)) ?? 0) + t);
  }
  const rows = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, t]) => ({ name: k, ms: t / 1000, share: t / busy }));
  // Who calls the costliest functions: for each of the top 8, its heaviest call paths (the nearest 5 named callers outside node's own modules).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (cf) => `${cf.functionName || '(anonymous)'} ${where(cf)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  const topNames = new Set(rows(fn).slice(0, 8).map((r) => r.name));
  const paths = new Map();
  for (const [id, t] of self) {
    const name = label(byId.get(id).callFrame);
    if (!topNames.has(name)) continue;
    const chain = [];
    for (let p = parent.get(id); p !== undefined && chain.length < 5; p = parent.get(p)) {
      const cf = byId.get(p).callFrame;
      // node's own frames (stream plumbing) say little of who wrote: skipped, so the 5 are the callers that do.
      if (cf.functionName && cf.functionName !== '(root)' && !(cf.url ?? '').startsWith('node:')) chain.push(label(cf));
    }
    const byPath = paths.get(name) ?? new Map();
    paths.set(name, byPath);
    const key = chain.join(' ← ') || '(root)';
    byPath.set(key, (byPath.get(key) ?? 0) + t);
  }
  const callers = [...paths.entries()].map(([name, byPath]) => ({ name, paths: [...byPath.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([path, t]) => ({ path, ms: t / 1000 })) }));
  return { totalMs: total / 1000, busyMs: busy / 1000, byArea: rows(area), byFunction: rows(fn), callers };
}

export function formatSummary(s) {
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  return [
    `busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled`,
    '',
    'self time by area:',
    ...s.byArea.map((r) => `  ${pct(r.share).padStart(7)}  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`),
    '',
    'self time by function:',
    ...s.byFunction.map((r) => `  ${pct(r.share).padStart(7)}  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`),
    '',
    'heaviest call paths of the top functions (nearest callers first):',
    ...(s.callers ?? []).flatMap((c) => [`  ${c.name}`, ...c.paths.map((p) => `    ${p.ms.toFixed(0).padStart(6)} ms  ← ${p.path}`)]),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatSummary(summarize(JSON.parse(readFileSync(process.argv[2], 'utf8')), Number(process.argv[3] ?? 25))));
}
