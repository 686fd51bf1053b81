import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { Kvm, KV } from '@nats-io/kv';
import { KV_BUCKETS, STREAMS, streamsOf } from '#contracts';

const DAY_NS = 24 * 3600 * 1e9;

/** Streams are declared in code and created (or updated) idempotently at boot. */
export function streamConfigs(replicas = 1, service = ''): (Partial<StreamConfig> & { name: string })[] {
  return streamsOf(service).map((s) => ({
    name: s.name,
    subjects: [...s.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 90 * DAY_NS,
    // Dedup window for the outbox relay's msgID: longer than any relay restart we expect. The vote log's msgID
    // is (ticket, category): its window outlasts any gala evening, so a repeated vote is a duplicate to the stream.
    duplicate_window: s.name === STREAMS.votes.name ? 12 * 3600 * 1e9 : 10 * 60 * 1e9,
    num_replicas: replicas,
  }));
}

export async function ensureStreams(jsm: JetStreamManager, replicas = 1, service = ''): Promise<void> {
  for (const config of streamConfigs(replicas, service)) {
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another replica created it in between.
        if (!/already in use|exists/i.test(String(addError))) throw addError;
      }
    }
  }
}

export async function openKv(kvm: Kvm, bucket: string, replicas = 1): Promise<KV> {
  return kvm.create(bucket, { history: 1, replicas });
}

export async function ensureKvBuckets(kvm: Kvm, replicas = 1): Promise<void> {
  for (const bucket of Object.values(KV_BUCKETS)) await openKv(kvm, bucket, replicas);
}

function isNotFound(error: unknown): boolean {
  return /not found/i.test(String((error as Error)?.message ?? error));
}
