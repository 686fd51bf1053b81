#!/usr/bin/env node
// What a service's own caller check adds to one command, measured on the real code (dist/): the
// @Command guard (CommandGuard.canActivate: credential header → AccessResolver → the subject's rule →
// the ceremony binding) for a producer's cue, in a tight loop. The reveal path has one such hop
// (gateway → announcements), so this is the CPU it adds per reveal, free of the machine's noise that
// the end-to-end bench (run.mjs) cannot get rid of on a shared host.
//   npm run build:server && node bench/cue/auth-cost.mjs [--iterations 200000]
import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { headers } from '@nats-io/transport-node';
import { NatsContext } from '@nestjs/microservices';
import { pino } from 'pino';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { AccessResolver, CommandGuard, COMMAND_SUBJECT } = await import(pathToFileURL(join(root, 'dist/libs/messaging/src/index.js')).href);
const { CREDENTIAL_HEADER, bearerCredential } = await import(pathToFileURL(join(root, 'dist/libs/contracts/src/index.js')).href);

const i = process.argv.indexOf('--iterations');
const iterations = i > 0 ? Number(process.argv[i + 1]) : 200_000;
const ceremonyId = randomUUID();
const token = `lrl_producer_${randomUUID()}`;
// The resolver as every service holds it once the KV watch has delivered the grant (no NATS needed here).
const resolver = new AccessResolver({ nc: { isClosed: () => true } }, pino({ level: 'silent' }));
resolver.apply(createHash('sha256').update(token).digest('hex'), { tokenId: randomUUID(), role: 'producer', ceremonyId, jurorId: null, expiresAt: new Date(Date.now() + 3600_000).toISOString(), revoked: false });
for (let k = 0; k < 1000; k++) resolver.apply(createHash('sha256').update(`other-${k}`).digest('hex'), { tokenId: randomUUID(), role: 'screen', ceremonyId, jurorId: null, expiresAt: null, revoked: false });

const guard = new CommandGuard(resolver, undefined);
const handler = () => undefined;
Reflect.defineMetadata(COMMAND_SUBJECT, 'announcements.show.cue', handler);
const data = { ceremony: ceremonyId, action: 'reveal', categoryId: randomUUID(), idempotencyKey: randomUUID() };
const context = () => {
  const h = headers();
  h.set(CREDENTIAL_HEADER, bearerCredential(token));
  const nats = new NatsContext(['announcements.show.cue', h]);
  return { getHandler: () => handler, switchToRpc: () => ({ getContext: () => nats, getData: () => data }) };
};

async function run(n) {
  const contexts = Array.from({ length: n }, context);
  const started = process.hrtime.bigint();
  for (const ctx of contexts) if (!(await guard.canActivate(ctx))) throw new Error('refused');
  return Number(process.hrtime.bigint() - started) / n / 1000; // µs per call
}
await run(20_000); // warm-up (JIT)
const samples = [];
for (let r = 0; r < 5; r++) samples.push(await run(iterations / 5));
samples.sort((a, b) => a - b);
console.log(`CommandGuard for a producer's cue (bearer token, 1,001 grants held): median ${samples[2].toFixed(2)} µs per call (5 runs of ${iterations / 5}: ${samples.map((s) => s.toFixed(2)).join(', ')} µs)`);
