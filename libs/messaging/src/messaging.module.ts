import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { EventSubject, ServiceIdentity } from '#contracts';
import { createLogger } from '#observability';
import { AccessResolver } from './access-resolver.js';
import { EventConsumer, type BoundHandler } from './event-consumer.js';
import { NatsBus, type NatsAuth } from './nats-bus.js';
import { ON_EVENT } from './on-event.js';
import { Outbox } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';
import { ServiceClient } from './service-client.js';
import { ensureKvBuckets, ensureStreams } from './streams.js';
import { JetStreamReconciler } from './jetstream-reconciler.js';
import { OutboxMessage } from './entities.js';

export interface MessagingOptions {
  service: string;
  natsUrl: string;
  /** NATS user, password and inbox service name (all optional: local runs use an open server). */
  natsAuth?: NatsAuth;
  /** JetStream replicas for streams and buckets (3 on a cluster). */
  replicas?: number;
  relayPollMs?: number;
  /** Service identities this process accepts as callers (`Service <token>`), by their shared secret. */
  serviceTokens?: Partial<Record<ServiceIdentity, string>>;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** Starts the relay and the durable consumers once every provider exists; stops them in order on shutdown. */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: EventConsumer | null = null;
  /** The event subjects this service handles; null until its consumers are set up. */
  private handled: ReadonlySet<EventSubject> | null = null;
  private readonly logger;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly bus: NatsBus,
    private readonly relay: OutboxRelay,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reconciler: JetStreamReconciler,
  ) {
    this.logger = createLogger(options.service);
  }

  async onApplicationBootstrap(): Promise<void> {
    const handlers = new Map<EventSubject, BoundHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[name];
        if (typeof method !== 'function') continue;
        const subject = Reflect.getMetadata(ON_EVENT, method) as EventSubject | undefined;
        if (!subject) continue;
        if (handlers.has(subject)) throw new Error(`two handlers for ${subject} in ${this.options.service}`);
        handlers.set(subject, (method as BoundHandler).bind(instance));
      }
    }
    // A reset JetStream store lost every event and KV value this service published (events, show
    // snapshots, access grants): publish its outbox again, in order (same msgIDs; consumers are
    // idempotent, screens drop what they hold; the last put of each KV key is its latest value).
    this.reconciler.onStoreReset(async () => {
      const table = this.dataSource.getRepository(OutboxMessage).metadata.tablePath;
      const rows: unknown[] = await this.dataSource.query(`UPDATE ${table} SET published_at = NULL WHERE published_at IS NOT NULL RETURNING position`);
      this.logger.warn({ rows: rows.length }, 'outbox queued for publishing again');
      this.relay.kick();
    });
    // A store that came back with a lost tail (restored from an older copy, a truncated last block) keeps its
    // creation time: the relay checks the stream against what it marked published and republishes the gap.
    this.reconciler.onPass((thorough) => this.relay.checkTail(thorough));
    await this.reconciler.start();
    this.relay.start();
    if (handlers.size) {
      this.consumer = new EventConsumer(this.bus, this.dataSource, this.logger, {
        consumer: this.options.service,
        handlers,
        afterCommit: () => this.relay.kick(),
      });
      await this.consumer.start();
    }
    this.handled = new Set(handlers.keys());
    this.logger.info({ handles: [...handlers.keys()] }, 'messaging started');
  }

  /** The event subjects this service consumes (null before boot): what `<service>.writes.status` answers for. */
  handledSubjects(): ReadonlySet<EventSubject> | null {
    return this.handled;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.reconciler.stop();
    await this.consumer?.stop();
    await this.relay.stop();
    await this.bus.drain();
  }
}

/** The gateway's connection is drained last, after the sockets and feeds have stopped. */
@Injectable()
export class BusLifecycle implements OnApplicationShutdown {
  constructor(private readonly bus: NatsBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.drain();
  }
}

@Module({})
export class MessagingModule {
  /** A domain service: JetStream streams, outbox relay, durable idempotent consumers. Needs TypeORM's DataSource. */
  static forService(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: NatsBus,
          useFactory: async () => {
            const bus = await NatsBus.connect(options.natsUrl, options.service, createLogger(options.service), options.natsAuth);
            await ensureStreams(bus.jsm, options.replicas ?? 1, options.service);
            await ensureKvBuckets(bus.kvm, options.replicas ?? 1);
            return bus;
          },
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, NatsBus],
          useFactory: (ds: DataSource, bus: NatsBus) => new OutboxRelay(ds, bus, createLogger(options.service), { pollIntervalMs: options.relayPollMs, service: options.service }),
        },
        {
          provide: JetStreamReconciler,
          inject: [NatsBus],
          useFactory: (bus: NatsBus) => new JetStreamReconciler(bus, createLogger(options.service), options.replicas ?? 1, 10_000, options.service),
        },
        { provide: Outbox, inject: [DataSource, OutboxRelay], useFactory: (ds: DataSource, relay: OutboxRelay) => new Outbox(ds, relay) },
        { provide: ServiceClient, inject: [NatsBus], useFactory: (bus: NatsBus) => new ServiceClient(bus) },
        { provide: AccessResolver, inject: [NatsBus], useFactory: (bus: NatsBus) => new AccessResolver(bus, createLogger(options.service), { serviceTokens: options.serviceTokens }) },
        MessagingLifecycle,
      ],
      exports: [NatsBus, Outbox, OutboxRelay, ServiceClient, JetStreamReconciler, MessagingLifecycle, AccessResolver],
    };
  }

  /** The gateway: a NATS connection and typed requests; no database, no outbox. */
  static forGateway(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: NatsBus, useFactory: () => NatsBus.connect(options.natsUrl, options.service, createLogger(options.service), options.natsAuth) },
        { provide: ServiceClient, inject: [NatsBus], useFactory: (bus: NatsBus) => new ServiceClient(bus) },
        // The same resolver as the services': the REST guard and the socket handshake use it.
        { provide: AccessResolver, inject: [NatsBus], useFactory: (bus: NatsBus) => new AccessResolver(bus, createLogger('gateway')) },
        BusLifecycle,
      ],
      exports: [NatsBus, ServiceClient, AccessResolver],
    };
  }
}
