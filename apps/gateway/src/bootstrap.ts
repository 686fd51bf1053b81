import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { CORRELATION_HEADER, createLogger, currentCorrelationId, hopsTraced, PinoNestLogger, runWithCorrelation, traceHop, useProcessLogger } from '#observability';
import { cspSources, trustProxyList, type GatewayConfig, type GatewayEnv } from './config.js';
import { checkPayloadShape, natsTlsOf } from '#messaging';
import { ClientAddress } from './edge/client-address.js';
import { RateLimits } from './edge/rate-limits.js';
import { securityHeaders } from './edge/security-headers.js';
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
    clockSkewMs: env.LAUREL_CLOCK_SKEW_MS ?? 0,
    clockSyncIntervalMs: env.CLOCK_SYNC_INTERVAL_MS ?? 30_000,
    writesWaitMs: env.WRITES_WAIT_MS ?? 5000,
    cueOnScreensMs: env.CUE_ON_SCREENS_MS ?? 2000,
    webDist,
    // Per minute; the reasons for each number are in docs/operations.md (Rate limits).
    rateLimits: {
      public: env.PUBLIC_RATE_LIMIT_PER_MINUTE ?? 10_000,
      static: env.STATIC_RATE_LIMIT_PER_MINUTE ?? 60_000,
      admin: env.ADMIN_RATE_LIMIT_PER_MINUTE ?? 6_000,
      producer: env.PRODUCER_RATE_LIMIT_PER_MINUTE ?? 6_000,
      press: env.PRESS_RATE_LIMIT_PER_MINUTE ?? 3_000,
      screen: env.SCREEN_RATE_LIMIT_PER_MINUTE ?? 3_000,
      juror: env.JUROR_RATE_LIMIT_PER_MINUTE ?? 300,
      intake: env.INTAKE_RATE_LIMIT_PER_MINUTE ?? 10,
    },
    trustProxy: trustProxyList(env.TRUST_PROXY),
    stageFrameAncestors: cspSources(env.STAGE_FRAME_ANCESTORS, ['*']),
    natsUser: env.NATS_USER,
    natsPassword: env.NATS_PASSWORD,
    natsTls: natsTlsOf(env.NATS_URL ?? 'nats://127.0.0.1:4222', env.NATS_TLS_CA_FILE),
    instance: `${hostname()}-${process.pid}`,
  };
}

/** Boots the gateway: REST /api/v1, OpenAPI /api/docs, socket.io /live, the pages, health and metrics. */
export async function startGateway(config: GatewayConfig): Promise<NestExpressApplication> {
  const logger = useProcessLogger(createLogger('gateway'));
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  // Only the proxies in TRUST_PROXY may set the client address (rate limits are per address); by default
  // no one: X-Forwarded-For is ignored and the socket's address counts.
  app.set('trust proxy', ClientAddress.expressSetting(config.trustProxy));
  app.disable('x-powered-by');
  // bench/reveal --trace: when a request reached Express (before every middleware).
  if (hopsTraced) {
    app.use((_req: express.Request, _res: express.Response, next: express.NextFunction) => {
      traceHop('http.in');
      next();
    });
  }
  // Security headers on every answer, refusals included; then the rate limits, before any body is parsed.
  app.use(securityHeaders({ stageFrameAncestors: config.stageFrameAncestors }));
  app.use(app.get(RateLimits).http());
  // Ceremony files are small; anything over 2 MB is refused with 413 before it is parsed.
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
  // Entries CSV: bytes, decoded by the route (UTF-8 or Windows-1252). Only there: elsewhere a CSV body stays unparsed (400), never a Buffer spread into a command.
  app.use('/api/v1/ceremonies/:c/categories/:cat/entries/import', express.raw({ type: ['text/csv', 'application/csv'], limit: '5mb' }));
  if (config.webDist) app.useStaticAssets(join(config.webDist, 'assets'), { prefix: '/assets', immutable: true, maxAge: '1y' });
  const openapi = new DocumentBuilder()
    .setTitle('Laurel API')
    .setDescription(
      'Live gala operations — public contract v1. Errors are { statusCode, error, message, details? }. ' +
        'Any call may be refused with 429 and Retry-After: budgets per minute per token (by role) or, without a known token, per client address.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  // BaseLayout: without the top bar, whose logo is an SVG with an inline <style> the CSP would need another hash for.
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openapi), { jsonDocumentUrl: 'api/docs/openapi.json', swaggerOptions: { layout: 'BaseLayout' } });
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  // Keep idle connections longer than the clients and proxies in front of us do (a venue proxy or a phone reuses a
  // connection for up to 60 s): with Node's 5 s default, a request sent as the server closes the idle socket is reset
  // (ECONNRESET) — seen in the 1,500-vote burst of faults 14/15. Headers must be allowed a little longer than that.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  logger.info({ port: config.port }, 'gateway ready');
  return app;
}
