import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, Validate } from 'class-validator';
import { Type } from 'class-transformer';
import type { ServiceIdentity } from '#contracts';
import { createLogger, PinoNestLogger } from '#observability';
import { natsAuthOptions, type NatsAuth } from './nats-bus.js';
import { WritesReplySerializer } from './writes.js';
import { NATS_URL_MESSAGE, NATS_URL_PATTERN, NatsTlsCaFile, natsTlsOf } from './nats-tls.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Environment of a domain service (nominations, jury, announcements), validated before boot. */
export class DomainServiceEnv {
  @IsOptional() @Matches(NATS_URL_PATTERN, { message: NATS_URL_MESSAGE })
  NATS_URL?: string;

  /** CA certificate (PEM) that signed the NATS servers' certificate, for tls:// URLs. */
  @IsOptional() @Validate(NatsTlsCaFile)
  NATS_TLS_CA_FILE?: string;

  @IsString() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsIn(LEVELS)
  LOG_LEVEL?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(5)
  JETSTREAM_REPLICAS?: number;

  @IsOptional() @IsString()
  NATS_USER?: string;

  @IsOptional() @IsString()
  NATS_PASSWORD?: string;
}

export interface DomainServiceConfig {
  natsUrl: string;
  databaseUrl: string;
  port: number;
  replicas: number;
  natsUser?: string;
  natsPassword?: string;
  natsTlsCaFile?: string;
  /** Service identities this service accepts as callers (`Service <token>`); none by default. */
  serviceTokens?: Partial<Record<ServiceIdentity, string>>;
}

export function domainConfig(env: DomainServiceEnv, defaultPort: number): DomainServiceConfig {
  return {
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL,
    port: env.PORT ?? defaultPort,
    replicas: env.JETSTREAM_REPLICAS ?? 1,
    natsUser: env.NATS_USER,
    natsPassword: env.NATS_PASSWORD,
    natsTlsCaFile: env.NATS_TLS_CA_FILE,
  };
}

export function natsAuthOf(service: string, config: Pick<DomainServiceConfig, 'natsUrl' | 'natsUser' | 'natsPassword' | 'natsTlsCaFile'>): NatsAuth {
  return { user: config.natsUser, pass: config.natsPassword, service, tls: natsTlsOf(config.natsUrl, config.natsTlsCaFile) };
}

/**
 * Boots a domain service: HTTP for health and metrics, Nest's NATS transport for request/reply (a
 * queue group per service so replicas share the load), graceful shutdown that drains NATS.
 */
export async function startDomainService(service: string, module: DynamicModule, config: DomainServiceConfig): Promise<INestApplication> {
  const logger = createLogger(service);
  const app = await NestFactory.create(module, { logger: new PinoNestLogger(logger), abortOnError: false });
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.NATS,
      options: {
        servers: config.natsUrl.split(','),
        queue: service,
        name: `${service}-rpc`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        ...natsAuthOptions(natsAuthOf(service, config)),
        // Replies carry what the command wrote (laurel-writes header), for read-your-writes at the gateway.
        serializer: new WritesReplySerializer(),
      },
    },
    { inheritAppConfig: true },
  );
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(config.port, '0.0.0.0');
  logger.info({ port: config.port }, `${service} ready`);
  return app;
}
