// @ts-check
// JetStream durability settings that depend on the nats-server version at hand.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** True when the nats-server binary knows `jetstream { sync_interval }` (2.10 and later). */
export function natsSupportsSyncInterval(/** @type {string} */ bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /v(\d+)\.(\d+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 10));
}

/** A deployment's config text for this local binary: an older one (2.9) refuses `sync_interval`, so it is left out. */
export function natsConfForLocalServer(/** @type {string} */ text, /** @type {string} */ bin) {
  return natsSupportsSyncInterval(bin) ? text : text.replace(/^\s*sync_interval:.*$/gm, '');
}

/**
 * The launcher's nats-server fsyncs its JetStream writes within 1 s (a one-line config file: there is no
 * flag for it) instead of the default 2 min, so a crashed laptop loses at most a second of acknowledged
 * writes, which the outbox relay's tail check republishes. Deployments fsync every write
 * (deploy/nats/nats.conf says why).
 */
export function writeNatsDurabilityConf(/** @type {string} */ storeDir, syncInterval = '1s') {
  const file = path.join(storeDir, 'durability.conf');
  fs.writeFileSync(file, `jetstream {\n  sync_interval: ${JSON.stringify(syncInterval)}\n}\n`);
  return file;
}
