#!/usr/bin/env node
// bench/reveal/hops.mjs <results.json> — where a reveal's time goes, from a run with --trace: per N, the
// reveal's hops in the order they happen, each with the median over the rounds of its time after the cue
// was sent and of its step from the hop before (the cue HTTP → gateway → NATS → announcements → Postgres →
// relay → JetStream → gateway follower → fan-out → first stage screen → public clients' p99).
import { readFileSync } from 'node:fs';
import { fmt, median } from './lib.mjs';

const REVEALED = 'gala.events.announcements.winner.revealed';
const CHAIN = [
  ['gateway1 http.in', 'request reached the gateway (Express)'],
  ['gateway1 cue.http', 'gateway middleware, guards, body validation → cue controller'],
  ['announcements command.in', 'NATS request → announcements command guard'],
  ['announcements cue.command', 'guard, payload validation → cue handler'],
  ['announcements cue.begun', 'BEGIN'],
  ['announcements cue.locked', 'the show lock (with the ceremony)'],
  ['announcements cue.read', 'one read of everything the cue decides on'],
  ['announcements cue.decided', 'show machine'],
  ['announcements cue.opened', 'envelope opened, commitment verified, press release'],
  ['announcements cue.rows-built', 'scene rendered, outbox rows serialized'],
  ['announcements cue.written', 'one statement: show, cue, result, outbox rows'],
  ['announcements outbox.committed', 'COMMIT (WAL flushed)'],
  [`announcements relay.publish ${REVEALED}`, 'outbox relay publishes the reveal'],
  [`gateway1 follower.received ${REVEALED}`, 'JetStream stores it, the gateway\'s consumer gets it'],
  [`gateway1 follower.decoded ${REVEALED}`, 'decoded and validated against its contract'],
  ['gateway1 push.revealed', 'state applied, flip instant'],
  ['gateway1 push.frame-built', 'key-only frame encoded once'],
  ['gateway1 push.first-rooms-written', 'written to the stage screens and crew'],
  ['first stage screen', 'first stage screen has it (its own process, load core)'],
  ['gateway1 push.all-written', 'written to every public socket (step: from the screens and crew written)', 'gateway1 push.first-rooms-written'],
  ['public p99', 'public clients p99 (step: from every socket written)', 'gateway1 push.all-written'],
];

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/reveal/hops.mjs <results.json>');
const report = JSON.parse(readFileSync(file, 'utf8'));
for (const r of report.results) {
  const rounds = r.rounds.filter((x) => x.hops);
  if (rounds.length === 0) continue;
  const at = (x, key) => (key === 'first stage screen' ? x.pipelineMs : key === 'public p99' ? x.system.p99 : x.hops[key]);
  console.log(`\n**N = ${r.N}** (${rounds.length} rounds; 1-min load average ${rounds.map((x) => x.loadavg1).join(', ')})\n`);
  console.log('| hop | after the cue was sent, ms (median) | step from the hop before, ms (median) |');
  console.log('|---|---|---|');
  let prev = null;
  for (const [key, what, from] of CHAIN) {
    const t = median(rounds.map((x) => at(x, key)).filter((v) => v !== undefined));
    const before = from ?? prev;
    const step = before === null ? median(rounds.map((x) => at(x, key))) : median(rounds.map((x) => at(x, key) - at(x, before)).filter(Number.isFinite));
    console.log(`| ${what} | ${fmt(t, 1)} | ${fmt(step, 1)} |`);
    prev = key;
  }
  console.log(`| bare ws broadcast p99 (same rounds) | ${fmt(median(rounds.map((x) => x.baseline.p99)), 1)} | |`);
}
