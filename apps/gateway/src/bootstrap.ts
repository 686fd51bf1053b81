import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { CORRELATION_HEADER, createLogger, currentCorrelationId, PinoNestLogger, runWithCorrelation } from '#observability';
import type { GatewayConfig, GatewayEnv } from './config.js';
import { AccessResolver, checkPayloadShape } from '#messaging';
import { toBody } from './http/error.filter.js';
import { GatewayModule } from './gateway.module.js';

const here = dirname(fileURLToPath(import.meta.url));

export function gatewayConfig(env: GatewayEnv): GatewayConfig {
  const webDist = env.WEB_DIST ?? [resolve(here, '../../../web'), resolve(here, '../../../../dist/web')].find((p) => existsSync(join(p, 'index.html'))) ?? null;
  return {
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    port: env.PORT ?? 3000,
    serviceToken: env.LAUREL_GATEWAY_SERVICE_TOKEN,
    revealLeadMs: env.REVEAL_LEAD_MS ?? 250,
    webDist,
    publicRateLimitPerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE ?? 600,
    trustProxy: env.TRUST_PROXY ?? 'loopback, linklocal, uniquelocal',
    natsUser: env.NATS_USER,
    natsPassword: env.NATS_PASSWORD,
    instance: `${hostname()}-${process.pid}`,
  };
}

/** Boots the gateway: REST /api/v1, OpenAPI /api/docs, socket.io /live, the pages, health and metrics. */
export async function startGateway(config: GatewayConfig): Promise<NestExpressApplication> {
  const logger = createLogger('gateway');
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  // Only a proxy we run may set the client address (rate limits are per address).
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Ceremony files are small; anything over 2 MB is refused with 413 before it is parsed.
  const access = app.get(AccessResolver);
  // Public calls (no token) are rate-limited per address; crew calls never are: a producer
  // double-pressing during the show must not meet a 429.
  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: config.publicRateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Only a token this gateway knows lifts the limit: made-up tokens are public traffic.
      skip: (req) => access.isKnownToken(req.headers.authorization),
      handler: (_req, res) => {
        res.status(429).json({ statusCode: 429, error: 'Too Many Requests', message: 'too many requests: slow down and try again in a minute' });
      },
    }),
  );
  app.use(express.json({ limit: '2mb', strict: true }));
  // The edge refuses what no service could take (10k-level nesting, prototype keys, NUL) before it
  // travels over NATS: deep JSON reached the services and timed out as a 503 (test/security/fuzz).
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.body !== null && typeof req.body === 'object') {
      try {
        checkPayloadShape(req.body);
      } catch (error) {
        const body = toBody(error);
        res.status(body.statusCode).json(body);
        return;
      }
    }
    next();
  });
  // After body parsing (its stream callbacks would lose the context): each request runs under a correlation id (the caller's, or a new one) that logs and NATS hops carry.
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    const given = req.header(CORRELATION_HEADER);
    const id = given && /^[\w.:-]{1,100}$/.test(given) ? given : undefined;
    runWithCorrelation(id, () => {
      res.setHeader(CORRELATION_HEADER, currentCorrelationId()!);
      next();
    });
  });
  app.use(express.raw({ type: ['text/csv', 'application/csv'], limit: '5mb' })); // entries CSV: bytes, decoded by the route (UTF-8 or Windows-1252)
  if (config.webDist) app.useStaticAssets(join(config.webDist, 'assets'), { prefix: '/assets', immutable: true, maxAge: '1y' });
  const openapi = new DocumentBuilder()
    .setTitle('Laurel API')
    .setDescription('Live gala operations — public contract v1. Errors are { statusCode, error, message, details? }.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openapi), { jsonDocumentUrl: 'api/docs/openapi.json' });
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  logger.info({ port: config.port }, 'gateway ready');
  return app;
}
