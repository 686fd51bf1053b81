import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { contextLogger } from '#observability';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options } from 'express-rate-limit';
import { LaurelError, type Role } from '#contracts';
import { AccessResolver } from '#messaging';
import { GATEWAY_CONFIG, type GatewayConfig, type RateBudgets } from '../config.js';
import { ClientAddress } from './client-address.js';

/** Budgets are per minute, a fixed window per key. */
export const WINDOW_MS = 60_000;

/** Who is counted: a token this gateway knows by its grant (never pooled with others behind one address), anyone else by address. */
interface Caller {
  key: string;
  role: Role;
  limit: number;
}

/** The refusal of a request over budget, in the error contract. */
export function tooMany(retryAfterSeconds: number): LaurelError {
  return new LaurelError(429, `too many requests: slow down and try again in ${retryAfterSeconds} s`);
}

function secondsUntil(resetTime: Date | undefined): number {
  return Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + WINDOW_MS) - Date.now()) / 1000));
}

function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
}

/**
 * Rate limits at the edge (express-rate-limit), before any body is parsed:
 * - `/api/…` requests and socket.io handshakes share one budget per caller: per token for a token this
 *   gateway knows (by its role: a producer's cues and 1,000 jurors behind one venue NAT are never pooled),
 *   per client address for everyone else (public, and any unknown, revoked or made-up token);
 * - everything else (pages, /assets, /api/docs, health, metrics) per client address, with its own budget:
 *   no token ever comes with a page load (it stays in the URL fragment).
 * Counters live in this process: N gateway replicas allow up to N times the budgets (docs/operations.md).
 */
@Injectable()
export class RateLimits implements OnModuleDestroy {
  private readonly logger = contextLogger('RateLimits');
  private readonly callers = new MemoryStore();
  private readonly statics = new MemoryStore();
  private readonly intakes = new MemoryStore();
  private readonly budgets: RateBudgets;
  private readonly addresses: ClientAddress;
  private readonly trustsProxies: boolean;
  private warnedForwarded = false;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly access: AccessResolver,
  ) {
    this.budgets = config.rateLimits;
    this.addresses = new ClientAddress(config.trustProxy);
    this.trustsProxies = config.trustProxy.length > 0;
    // Handshakes may come before the first request initialises the store through express-rate-limit.
    this.callers.init({ windowMs: WINDOW_MS } as Options);
    this.intakes.init({ windowMs: WINDOW_MS } as Options);
  }

  onModuleDestroy(): void {
    this.callers.shutdown();
    this.statics.shutdown();
    this.intakes.shutdown();
  }

  /**
   * Counts an intake call (a submission, a read or an edit by receipt code) against its client address's
   * intake budget, on top of the public one: a form a bot can post to is refused 429 long before the
   * public budget would be. Throws the 429 refusal when over.
   */
  async countIntake(req: Request): Promise<void> {
    const key = `i:${ipKeyGenerator(this.noteForwarded(req.ip ?? req.socket.remoteAddress ?? '', req))}`;
    const { totalHits, resetTime } = await this.intakes.increment(key);
    if (totalHits > this.budgets.intake) throw tooMany(secondsUntil(resetTime));
  }

  /** The Express middleware: `/api/…` by caller, the rest by client address. */
  http(): RequestHandler {
    const refuse = (req: Request, res: Response): void => {
      const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
      res.status(429).json(tooMany(secondsUntil(info?.resetTime)).toBody());
    };
    const callerOf = new WeakMap<Request, Caller>();
    const caller = (req: Request): Caller => {
      let found = callerOf.get(req);
      if (!found) {
        found = this.callerOf(bearerToken(req.headers.authorization), req.ip ?? req.socket.remoteAddress ?? '', req);
        callerOf.set(req, found);
      }
      return found;
    };
    const api = rateLimit({
      windowMs: WINDOW_MS,
      store: this.callers,
      limit: (req) => caller(req).limit,
      keyGenerator: (req) => caller(req).key,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: refuse,
    });
    const statics = rateLimit({
      windowMs: WINDOW_MS,
      store: this.statics,
      limit: this.budgets.static,
      keyGenerator: (req) => `s:${ipKeyGenerator(this.noteForwarded(req.ip ?? req.socket.remoteAddress ?? '', req))}`,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: refuse,
    });
    return (req: Request, res: Response, next: NextFunction) => {
      const path = req.path;
      const isApi = (path === '/api' || path.startsWith('/api/')) && !(path === '/api/docs' || path.startsWith('/api/docs/'));
      void (isApi ? api : statics)(req, res, next);
    };
  }

  /**
   * Counts a socket.io handshake against the caller's budget (the one its REST calls use).
   * Returns null when it may go on, else the seconds until the budget is back.
   */
  async handshake(req: IncomingMessage, token: unknown): Promise<number | null> {
    return this.socketCall(req, token);
  }

  /**
   * Counts a call made over an open socket (a vote) against the caller's budget, the one its REST calls and
   * handshakes use: a vote over the socket costs what the same vote over REST does. Null when it may go on, else
   * the seconds until the budget is back.
   */
  async socketCall(req: IncomingMessage, token: unknown): Promise<number | null> {
    const caller = this.callerOf(typeof token === 'string' && token.length > 0 ? token : undefined, this.addresses.of(req), req);
    const { totalHits, resetTime } = await this.callers.increment(caller.key);
    return totalHits <= caller.limit ? null : secondsUntil(resetTime);
  }

  private callerOf(token: string | undefined, address: string, req: IncomingMessage): Caller {
    const known = token ? this.access.knownCaller(token) : null;
    if (known) return { key: `t:${known.id}`, role: known.role, limit: this.budgets[known.role] };
    // IPv6 clients by /56, as express-rate-limit does: one household or venue is one prefix.
    return { key: `a:${ipKeyGenerator(this.noteForwarded(address, req))}`, role: 'public', limit: this.budgets.public };
  }

  /** Says once that an X-Forwarded-For was ignored: behind an unlisted proxy every client would share its address. */
  private noteForwarded(address: string, req: IncomingMessage): string {
    if (!this.warnedForwarded && req.headers['x-forwarded-for'] !== undefined && (!this.trustsProxies || this.addresses.of(req) === req.socket.remoteAddress)) {
      this.warnedForwarded = true;
      this.logger.warn(
        `X-Forwarded-For from ${req.socket.remoteAddress} ignored: that address is not in TRUST_PROXY. If it is your load balancer or ingress, list it there, or every client behind it shares one rate-limit budget.`,
      );
    }
    return address;
  }
}
