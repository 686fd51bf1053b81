#!/usr/bin/env node
// @ts-check
// Proves deploy/nats/nats.conf with real clients: starts nats-server with it on spare ports, then checks
// that each service can do its job and that the gateway cannot read sealed verdicts by any route.
//   node scripts/check-nats-permissions.mjs             (needs nats-server on PATH or NATS_SERVER_BIN)
//   node scripts/check-nats-permissions.mjs --attacker  then the attacker test (test/security/attacker.e2e-spec.ts):
//     the real services on this config, each on its own NATS user, and every command subject attacked
//     with the gateway's NATS user (needs LAUREL_TEST_DATABASE_URL as `./laurel test` sets it; the jest
//     step of `./laurel test` runs it too)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { startNatsServer } from './lib/infra/index.mjs';
import { ROOT, c, fail, say } from './lib/util.mjs';

const PASSWORDS = {
  gateway: 'gateway-secret',
  nominations: 'nominations-secret',
  jury: 'jury-secret',
  announcements: 'announcements-secret',
  vote: 'vote-secret',
  ops: 'ops-secret',
};

const results = [];
async function check(name, expectation, fn) {
  try {
    await fn();
    results.push({ name, ok: expectation === 'allowed', got: 'allowed' });
  } catch (error) {
    results.push({ name, ok: expectation === 'denied', got: `denied (${String(error instanceof Error ? error.message : error).slice(0, 90)})` });
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A subscription the server refuses is reported asynchronously: wait for the permission error or a quiet period. */
async function subscribeStrict(nc, subject) {
  const sub = nc.subscribe(subject);
  let error = null;
  void sub.closed.then((e) => (error = e ?? error));
  const statusLoop = (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'error' && String(s.error ?? s.data).includes(subject)) error ??= s.error ?? new Error(String(s.data));
    }
  })();
  await nc.flush();
  await sleep(300);
  void statusLoop;
  if (error) throw error;
  return sub;
}

const env = Object.fromEntries(Object.entries(PASSWORDS).map(([user, pw]) => [`NATS_${user.toUpperCase()}_PASSWORD`, pw]));
const server = await startNatsServer({ deployConfig: { dir: path.join(ROOT, 'deploy', 'nats'), env } });
say(`nats-server with deploy/nats/nats.conf on ${server.url}`);

const conns = [];
const as = async (user) => {
  const nc = await connect({ servers: server.url, user, pass: PASSWORDS[user], inboxPrefix: `_INBOX_${user}`, name: user });
  conns.push(nc);
  return nc;
};

try {
  const nominations = await as('nominations');
  const jury = await as('jury');
  const announcements = await as('announcements');
  const gateway = await as('gateway');
  const vote = await as('vote');

  // Boot: every domain service declares the streams and buckets (as libs/messaging does).
  for (const [name, nc] of /** @type {const} */ ([['nominations', nominations], ['jury', jury], ['announcements', announcements], ['vote', vote]])) {
    await check(`${name} declares GALA_EVENTS, GALA_SEALED and the KV buckets`, 'allowed', async () => {
      const jsm = await jetstreamManager(nc, { timeout: 3000 });
      for (const [stream, subjects] of /** @type {[string, string[]][]} */ ([['GALA_EVENTS', ['gala.events.>']], ['GALA_SEALED', ['gala.sealed.>']]])) {
        try {
          await jsm.streams.info(stream);
          await jsm.streams.update(stream, { subjects });
        } catch (error) {
          if (!/not found/i.test(String(error instanceof Error ? error.message : error))) throw error;
          await jsm.streams.add({ name: stream, subjects });
        }
      }
      const kvm = new Kvm(jetstream(nc, { timeout: 3000 }));
      await kvm.create('laurel_show', { history: 1 });
      await kvm.create('laurel_access', { history: 1 });
    });
  }

  // The audience vote (issue 16): the vote log GALA_VOTES is the vote service's alone (it names voters' ticket hashes).
  await check('vote declares its own stream GALA_VOTES', 'allowed', async () => {
    const jsm = await jetstreamManager(vote, { timeout: 3000 });
    await jsm.streams.add({ name: 'GALA_VOTES', subjects: ['gala.votes.>'], duplicate_window: 12 * 3600 * 1e9 });
  });
  await check('vote logs a vote on gala.votes.cast (msgID per ticket and category)', 'allowed', async () => {
    await jetstream(vote, { timeout: 3000 }).publish('gala.votes.cast', JSON.stringify({ nomineeId: 'n' }), { msgID: 'vote-1' });
  });
  await check('vote counts GALA_VOTES with its durable', 'allowed', async () => {
    const jsm = await jetstreamManager(vote, { timeout: 3000 });
    await jsm.consumers.add('GALA_VOTES', { durable_name: 'vote-gala_votes', ack_policy: AckPolicy.Explicit, filter_subject: 'gala.votes.>' });
    const msg = await (await jetstream(vote, { timeout: 3000 }).consumers.get('GALA_VOTES', 'vote-gala_votes')).next({ expires: 2000 });
    if (!msg) throw new Error('no message');
    msg.ack();
  });
  await check('vote publishes the audience verdict on gala.sealed.vote.verdict', 'allowed', async () => {
    await jetstream(vote, { timeout: 3000 }).publish('gala.sealed.vote.verdict', JSON.stringify({ winnerId: 'audience' }), { msgID: 'sv-1' });
  });
  await check("vote publishes on gala.sealed.jury.> (the jury's verdicts)", 'denied', async () => {
    await jetstream(vote, { timeout: 2000 }).publish('gala.sealed.jury.verdict', '{}');
  });
  // Combined categories: the jury's sealed ranking reaches the vote service, through a consumer filtered to it alone.
  await check('jury publishes its sealed ranking of a combined category on gala.sealed.jury.ranking', 'allowed', async () => {
    await jetstream(jury, { timeout: 3000 }).publish('gala.sealed.jury.ranking', JSON.stringify({ winnerId: 'jury-part' }), { msgID: 'jr-1' });
  });
  await check('vote reads gala.sealed.jury.ranking with its durable filtered to it', 'allowed', async () => {
    const jsm = await jetstreamManager(vote, { timeout: 3000 });
    await jsm.consumers.add('GALA_SEALED', { durable_name: 'vote-gala_sealed', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: 'gala.sealed.jury.ranking' });
    const msg = await (await jetstream(vote, { timeout: 3000 }).consumers.get('GALA_SEALED', 'vote-gala_sealed')).next({ expires: 2000 });
    if (!msg || msg.subject !== 'gala.sealed.jury.ranking') throw new Error('no ranking');
    msg.ack();
  });
  await check("vote creates a GALA_SEALED consumer on the jury's verdicts (gala.sealed.>)", 'denied', async () => {
    const jsm = await jetstreamManager(vote, { timeout: 2000 });
    await jsm.consumers.add('GALA_SEALED', { durable_name: 'vote-gala_sealed-wide', ack_policy: AckPolicy.Explicit, filter_subject: 'gala.sealed.>' });
  });
  await check('vote widens its own GALA_SEALED durable to gala.sealed.jury.verdict', 'denied', async () => {
    const jsm = await jetstreamManager(vote, { timeout: 2000 });
    await jsm.consumers.add('GALA_SEALED', { durable_name: 'vote-gala_sealed', ack_policy: AckPolicy.Explicit, filter_subject: 'gala.sealed.jury.verdict' });
  });
  await check('vote reads GALA_SEALED with an ephemeral consumer', 'denied', async () => {
    const msg = await (await jetstream(vote, { timeout: 2000 }).consumers.get('GALA_SEALED')).next({ expires: 1000 });
    if (!msg) throw new Error('no message');
  });
  await check("jury publishes on gala.sealed.vote.> (the audience's verdict)", 'denied', async () => {
    await jetstream(jury, { timeout: 2000 }).publish('gala.sealed.vote.verdict', '{}');
  });
  for (const [name, nc] of /** @type {const} */ ([['gateway', gateway], ['announcements', announcements], ['jury', jury]])) {
    await check(`${name} reads the vote log (GALA_VOTES)`, 'denied', async () => {
      const msg = await (await jetstream(nc, { timeout: 2000 }).consumers.get('GALA_VOTES')).next({ expires: 1000 });
      if (!msg) throw new Error('no message');
    });
    await check(`${name} writes to the vote log (gala.votes.cast)`, 'denied', async () => {
      await jetstream(nc, { timeout: 2000 }).publish('gala.votes.cast', '{}', { msgID: `forged-${name}` });
    });
  }
  await check('gateway subscribes to gala.votes.>', 'denied', () => subscribeStrict(gateway, 'gala.votes.>'));
  await check('gateway subscribes to vote.> (other gateways\u2019 ballots carry tickets)', 'denied', () => subscribeStrict(gateway, 'vote.>'));

  // Request/reply: the gateway asks, the service answers on the gateway's own inbox.
  nominations.subscribe('nominations.ceremony.get', { queue: 'nominations', callback: (_e, m) => void m.respond('{"ok":true}') });
  await nominations.flush();
  await check('gateway → nominations.ceremony.get (request/reply)', 'allowed', async () => {
    const reply = await gateway.request('nominations.ceremony.get', '{}', { timeout: 2000 });
    if (!reply.string().includes('ok')) throw new Error('bad reply');
  });
  await check('gateway publishes on gala.events.> (not its subjects)', 'denied', async () => {
    await jetstream(gateway, { timeout: 2000 }).publish('gala.events.nominations.ceremony.imported', '{}');
  });

  // Events: producers publish with dedup ids, consumers use their durables.
  const juryJs = jetstream(jury, { timeout: 3000 });
  await check('jury publishes gala.sealed.jury.verdict', 'allowed', async () => {
    await juryJs.publish('gala.sealed.jury.verdict', JSON.stringify({ winnerId: 'spoiler' }), { msgID: 'v1' });
  });
  await check('jury publishes gala.events.jury.verdict.sealed', 'allowed', async () => {
    await juryJs.publish('gala.events.jury.verdict.sealed', JSON.stringify({ commitment: 'abc' }), { msgID: 'e1' });
  });
  await check('nominations publishes gala.sealed.> (only jury may)', 'denied', async () => {
    await jetstream(nominations, { timeout: 2000 }).publish('gala.sealed.jury.verdict', '{}');
  });
  await check('announcements consumes GALA_SEALED with its durable', 'allowed', async () => {
    const jsm = await jetstreamManager(announcements, { timeout: 3000 });
    await jsm.consumers.add('GALA_SEALED', { durable_name: 'announcements-gala_sealed', ack_policy: AckPolicy.Explicit, filter_subject: 'gala.sealed.>' });
    const consumer = await jetstream(announcements, { timeout: 3000 }).consumers.get('GALA_SEALED', 'announcements-gala_sealed');
    const msg = await consumer.next({ expires: 2000 });
    if (!msg) throw new Error('no message');
    msg.ack();
  });
  await check('jury consumes GALA_EVENTS with its durable', 'allowed', async () => {
    const jsm = await jetstreamManager(jury, { timeout: 3000 });
    await jsm.consumers.add('GALA_EVENTS', { durable_name: 'jury-gala_events', ack_policy: AckPolicy.Explicit, filter_subject: 'gala.events.>' });
    const consumer = await juryJs.consumers.get('GALA_EVENTS', 'jury-gala_events');
    const msg = await consumer.next({ expires: 2000 });
    if (!msg) throw new Error('no message');
    msg.ack();
  });
  // Screening rounds (issue 15): jury publishes the frozen shortlist (entry ids, no scores) and nominations consumes it.
  await check('jury publishes gala.events.jury.shortlist.frozen', 'allowed', async () => {
    await juryJs.publish('gala.events.jury.shortlist.frozen', JSON.stringify({ entryIds: [] }), { msgID: 'frozen-1' });
  });
  await check('nominations consumes GALA_EVENTS with its durable (the frozen shortlist)', 'allowed', async () => {
    const jsm = await jetstreamManager(nominations, { timeout: 3000 });
    await jsm.consumers.add('GALA_EVENTS', { durable_name: 'nominations-gala_events', ack_policy: AckPolicy.Explicit, filter_subject: 'gala.events.>' });
    const consumer = await jetstream(nominations, { timeout: 3000 }).consumers.get('GALA_EVENTS', 'nominations-gala_events');
    const msg = await consumer.next({ expires: 2000 });
    if (!msg) throw new Error('no message');
    msg.ack();
  });
  await check('nominations publishes gala.events.jury.shortlist.frozen (only jury may)', 'denied', async () => {
    await jetstream(nominations, { timeout: 2000 }).publish('gala.events.jury.shortlist.frozen', '{}');
  });
  await check('announcements writes the show state (KV laurel_show)', 'allowed', async () => {
    const kv = await new Kvm(jetstream(announcements, { timeout: 3000 })).open('laurel_show');
    await kv.put('kvalitetsmassan-2017', JSON.stringify({ seq: 1, scene: 'welcome' }));
  });

  // The gateway: public events and show state, yes; sealed verdicts, by no route.
  const gatewayJs = jetstream(gateway, { timeout: 2000 });
  await check('gateway reads public events (ordered consumer on GALA_EVENTS)', 'allowed', async () => {
    const consumer = await gatewayJs.consumers.get('GALA_EVENTS');
    const msg = await consumer.next({ expires: 2000 });
    if (!msg) throw new Error('no message');
  });
  await check('gateway reads public events (ordered consumer, filtered, as its EventFeed does)', 'allowed', async () => {
    const consumer = await gatewayJs.consumers.get('GALA_EVENTS', { filter_subjects: 'gala.events.>', deliver_policy: DeliverPolicy.All });
    const msg = await consumer.next({ expires: 2000 });
    if (!msg) throw new Error('no message');
  });
  await check('gateway subscribes to gala.events.> (core)', 'allowed', () => subscribeStrict(gateway, 'gala.events.>'));
  await check('gateway watches the access grants (KV laurel_access)', 'allowed', async () => {
    await new Kvm(jetstream(nominations, { timeout: 3000 })).open('laurel_access').then((kv) => kv.put('tokenhash', '{"role":"press"}'));
    const kv = await new Kvm(gatewayJs).open('laurel_access');
    const watch = await kv.watch();
    const first = await Promise.race([watch[Symbol.asyncIterator]().next(), sleep(2000).then(() => null)]);
    watch.stop();
    if (!first || first.done) throw new Error('no update');
    if (!(await kv.get('tokenhash'))?.string().includes('press')) throw new Error('no value');
  });
  // Every service resolves its callers' credentials from the grants itself: each reads and watches the
  // bucket; only nominations writes it (a service that could write a grant could mint any token).
  const watchGrants = async (nc) => {
    const kv = await new Kvm(jetstream(nc, { timeout: 3000 })).open('laurel_access');
    const watch = await kv.watch();
    const first = await Promise.race([watch[Symbol.asyncIterator]().next(), sleep(2000).then(() => null)]);
    watch.stop();
    if (!first || first.done) throw new Error('no update');
    if (!(await kv.get('tokenhash'))?.string().includes('press')) throw new Error('no value');
  };
  for (const [name, nc] of /** @type {const} */ ([['nominations', nominations], ['jury', jury], ['announcements', announcements]])) {
    await check(`${name} watches and reads the access grants (KV laurel_access)`, 'allowed', () => watchGrants(nc));
  }
  for (const [name, nc] of /** @type {const} */ ([['gateway', gateway], ['jury', jury], ['announcements', announcements]])) {
    await check(`${name} writes an access grant (only nominations may)`, 'denied', async () => {
      const kv = await new Kvm(jetstream(nc, { timeout: 2000 })).open('laurel_access');
      await kv.put('forged', JSON.stringify({ tokenId: 'x', role: 'admin', ceremonyId: null, jurorId: null, expiresAt: null, revoked: false }));
    });
    await check(`${name} deletes an access grant (only nominations may)`, 'denied', async () => {
      const kv = await new Kvm(jetstream(nc, { timeout: 2000 })).open('laurel_access');
      await kv.delete('tokenhash');
    });
    await check(`${name} purges the access grants' stream`, 'denied', async () => {
      const jsm = await jetstreamManager(nc, { timeout: 2000 });
      await jsm.streams.purge('KV_laurel_access');
    });
  }
  await check('the access grants are intact after the attempts above', 'allowed', async () => {
    const kv = await new Kvm(jetstream(nominations, { timeout: 3000 })).open('laurel_access');
    if (!(await kv.get('tokenhash'))?.string().includes('press')) throw new Error('a grant was deleted');
    if (await kv.get('forged')) throw new Error('a forged grant was stored');
  });
  await check('gateway reads the show state (KV get)', 'allowed', async () => {
    const kv = await new Kvm(gatewayJs).open('laurel_show');
    const entry = await kv.get('kvalitetsmassan-2017');
    if (!entry?.string().includes('welcome')) throw new Error('no value');
  });
  await check('gateway watches the show state (KV watch)', 'allowed', async () => {
    const kv = await new Kvm(gatewayJs).open('laurel_show');
    const watch = await kv.watch({ key: 'kvalitetsmassan-2017' });
    const first = await Promise.race([watch[Symbol.asyncIterator]().next(), sleep(2000).then(() => null)]);
    watch.stop();
    if (!first || first.done) throw new Error('no update');
  });
  await check('gateway writes the show state (KV put)', 'denied', async () => {
    const kv = await new Kvm(gatewayJs).open('laurel_show');
    await kv.put('kvalitetsmassan-2017', '{}');
  });
  await check('gateway subscribes to gala.sealed.>', 'denied', () => subscribeStrict(gateway, 'gala.sealed.>'));
  await check('gateway subscribes to _INBOX.> (other clients\u2019 deliveries)', 'denied', () => subscribeStrict(gateway, '_INBOX.>'));
  await check('gateway subscribes to _INBOX_announcements.>', 'denied', () => subscribeStrict(gateway, '_INBOX_announcements.>'));
  // Socket protocol v2 (docs/reveal-v2.md): envelope keys exist only in announcements until the reveal. The gateway reads the
  // staged envelopes (ciphertexts) and the reveal (with its key) on gala.events; it cannot read the requests other gateways
  // forward (a card reveal carries a key typed on stage before the system has revealed), nor forge a reveal.
  await check('announcements publishes gala.events.announcements.envelope.staged', 'allowed', async () => {
    await jetstream(announcements, { timeout: 3000 }).publish('gala.events.announcements.envelope.staged', JSON.stringify({ envelopes: {} }), { msgID: 'staged-1' });
  });
  await check('gateway reads gala.events.announcements.envelope.staged', 'allowed', async () => {
    const consumer = await gatewayJs.consumers.get('GALA_EVENTS', { filter_subjects: 'gala.events.announcements.envelope.staged', deliver_policy: DeliverPolicy.All });
    if (!(await consumer.next({ expires: 2000 }))) throw new Error('no message');
  });
  await check('gateway subscribes to announcements.> (card reveals of other gateways carry keys)', 'denied', () => subscribeStrict(gateway, 'announcements.>'));
  await check('gateway subscribes to announcements.show.card-reveal', 'denied', () => subscribeStrict(gateway, 'announcements.show.card-reveal'));
  await check('gateway publishes a reveal (with a key) on gala.events.announcements.winner.revealed', 'denied', async () => {
    await jetstream(gateway, { timeout: 2000 }).publish('gala.events.announcements.winner.revealed', JSON.stringify({ key: 'forged' }));
  });
  await check('gateway creates a consumer on GALA_SEALED', 'denied', async () => {
    const jsm = await jetstreamManager(gateway, { timeout: 2000 });
    await jsm.consumers.add('GALA_SEALED', { name: 'peek', ack_policy: AckPolicy.None, filter_subject: 'gala.sealed.>' });
  });
  await check('gateway creates a durable (legacy API) on GALA_SEALED', 'denied', async () => {
    await gateway.request('$JS.API.CONSUMER.DURABLE.CREATE.GALA_SEALED.peek', JSON.stringify({ stream_name: 'GALA_SEALED', config: { durable_name: 'peek' } }), { timeout: 1500 });
  });
  await check('gateway reads GALA_SEALED with an ordered consumer', 'denied', async () => {
    const consumer = await gatewayJs.consumers.get('GALA_SEALED');
    await consumer.next({ expires: 1000 });
  });
  await check('gateway gets a GALA_SEALED message (STREAM.MSG.GET)', 'denied', async () => {
    const jsm = await jetstreamManager(gateway, { timeout: 2000 });
    await jsm.streams.getMessage('GALA_SEALED', { seq: 1 });
  });
  await check('gateway direct-gets from GALA_SEALED', 'denied', async () => {
    await gateway.request('$JS.API.DIRECT.GET.GALA_SEALED', JSON.stringify({ seq: 1 }), { timeout: 1500 });
  });
  await check('gateway creates a stream sourcing gala.sealed.>', 'denied', async () => {
    const jsm = await jetstreamManager(gateway, { timeout: 2000 });
    await jsm.streams.add({ name: 'PEEK', subjects: ['peek.>'], sources: [{ name: 'GALA_SEALED' }] });
  });
} finally {
  for (const nc of conns) await nc.close().catch(() => {});
  await server.dispose();
}

const width = Math.max(...results.map((r) => r.name.length));
for (const r of results) console.log(`  ${r.ok ? c.green('✓') : c.red('✗')} ${r.name.padEnd(width)}  ${c.dim(r.got)}`);
const bad = results.filter((r) => !r.ok);
if (bad.length) {
  fail(`${bad.length} of ${results.length} permission checks did not hold`);
  process.exit(1);
}
say(`all ${results.length} permission checks hold`);

if (process.argv.includes('--attacker')) {
  say('the attacker test: every command subject with the gateway NATS user, forged actors and other roles\' tokens');
  const run = spawnSync('npm', ['run', 'jest', '--', '--ci', 'test/security/attacker.e2e-spec.ts', '--selectProjects', 'e2e'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) {
    fail('the attacker test failed');
    process.exit(1);
  }
}
