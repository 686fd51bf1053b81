#!/usr/bin/env node
// Pools paired runs of bench/cue (run.mjs --compare): per run and over all of them, the p50 of each side
// and the median of the per-cue differences (services-authenticate side − the other), with a bootstrap
// 95 % interval of that median (resampling pairs; pairs of one run share its load, so read it as a
// lower bound of the uncertainty).
//   node bench/cue/pool.mjs bench/cue/results/pair-*.json
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node bench/cue/pool.mjs <run.json>…');
  process.exit(2);
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
// A fixed seed, so the printed interval is the same every time.
let seed = 20171116;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
function interval(xs, rounds = 5000) {
  const medians = [];
  for (let i = 0; i < rounds; i++) medians.push(pct(Array.from(xs, () => xs[Math.floor(random() * xs.length)]), 50));
  return [pct(medians, 2.5), pct(medians, 97.5)];
}
const f = (v) => v.toFixed(2);
const pooled = {};
console.log('| run | load at end | cue | pairs | before p50 answer / first screen | after p50 answer / first screen | Δ p50 answer / first screen |');
console.log('|---|---|---|---|---|---|---|');
for (const file of files) {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  const after = run.systems.find((s) => s.servicesAuthenticate);
  const before = run.systems.find((s) => !s.servicesAuthenticate);
  if (!after || !before) throw new Error(`${file}: not a before/after pair`);
  for (const action of ['reveal', 'next']) {
    const xs = after.cues.filter((c) => c.action === action);
    const ys = before.cues.filter((c) => c.action === action);
    const n = Math.min(xs.length, ys.length);
    const d = { rest: xs.slice(0, n).map((x, i) => x.restMs - ys[i].restMs), screen: xs.slice(0, n).map((x, i) => x.firstScreenMs - ys[i].firstScreenMs) };
    const p = (pooled[action] ??= { rest: [], screen: [], a: [], as: [], b: [], bs: [] });
    p.rest.push(...d.rest);
    p.screen.push(...d.screen);
    p.a.push(...xs.map((c) => c.restMs));
    p.as.push(...xs.map((c) => c.firstScreenMs));
    p.b.push(...ys.map((c) => c.restMs));
    p.bs.push(...ys.map((c) => c.firstScreenMs));
    console.log(`| ${basename(file, '.json')} | ${run.machine.loadavgAtEnd[0].toFixed(1)} | ${action} | ${n} | ${f(pct(ys.map((c) => c.restMs), 50))} / ${f(pct(ys.map((c) => c.firstScreenMs), 50))} | ${f(pct(xs.map((c) => c.restMs), 50))} / ${f(pct(xs.map((c) => c.firstScreenMs), 50))} | ${f(pct(d.rest, 50))} / ${f(pct(d.screen, 50))} |`);
  }
}
console.log('\n| all runs | pairs | before p50 answer / first screen | after p50 answer / first screen | Δ p50 answer [95 %] | Δ p50 first screen [95 %] |');
console.log('|---|---|---|---|---|---|');
for (const [action, p] of Object.entries(pooled)) {
  const [ra, rb] = interval(p.rest);
  const [sa, sb] = interval(p.screen);
  console.log(`| ${action} | ${p.rest.length} | ${f(pct(p.b, 50))} / ${f(pct(p.bs, 50))} | ${f(pct(p.a, 50))} / ${f(pct(p.as, 50))} | ${f(pct(p.rest, 50))} [${f(ra)}, ${f(rb)}] | ${f(pct(p.screen, 50))} [${f(sa)}, ${f(sb)}] |`);
}
