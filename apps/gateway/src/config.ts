import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { Type } from 'class-transformer';
import { InvalidEnvironmentError } from '#observability';
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import type { Role } from '#contracts';
import { NATS_URL_MESSAGE, NATS_URL_PATTERN, NatsTlsCaFile, type NatsTls } from '#messaging';

/** TRUST_PROXY: comma-separated addresses, CIDR ranges or proxy-addr's names (loopback, linklocal, uniquelocal). */
export function trustProxyList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

@ValidatorConstraint({ name: 'trustProxy' })
class TrustProxyList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const entries = trustProxyList(value);
    // Addresses as written (`2` would otherwise be read as the address 0.0.0.2, not as a hop count).
    const plain = entries.every((entry) => NAMED_RANGES.includes(entry) || isIP(entry.split('/')[0]) !== 0);
    if (!plain) return false;
    try {
      // The same compiler Express uses for `trust proxy`: it throws on a bad range or netmask.
      proxyaddr.compile(entries);
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'must be comma-separated IP addresses or CIDR ranges (or loopback, linklocal, uniquelocal); a hop count or "true" is not accepted';
  }
}

/** One CSP source: 'self', *, a scheme (https:) or a host source (https://*.example.se:443/path). */
const CSP_SOURCE = /^('self'|\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*:\/\/)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?(\/[^\s;,']*)?)$/i;

/** A frame-ancestors source list: 'none', or CSP sources separated by spaces. */
export function cspSources(value: string | undefined, fallback: string[]): string[] {
  const sources = (value ?? '').split(/\s+/).filter((s) => s.length > 0);
  return sources.length ? sources : fallback;
}

@ValidatorConstraint({ name: 'cspSources' })
class CspSourceList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const sources = cspSources(value, []);
    if (sources.length === 1 && sources[0] === "'none'") return true;
    return sources.length > 0 && sources.every((s) => CSP_SOURCE.test(s));
  }

  defaultMessage(): string {
    return "must be 'none' or CSP sources separated by spaces ('self', *, https:, https://graphics.example.se)";
  }
}

/** A budget per minute: an integer from 1 to 1,000,000. */
function Rate(): PropertyDecorator {
  const decorators = [IsOptional(), Type(() => Number), IsInt(), Min(1), Max(1_000_000)];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** Environment of the gateway, validated before boot. */
export class GatewayEnv {
  @IsOptional() @Matches(NATS_URL_PATTERN, { message: NATS_URL_MESSAGE })
  NATS_URL?: string;

  /** CA certificate (PEM) that signed the NATS servers' certificate, for tls:// URLs. */
  @IsOptional() @Validate(NatsTlsCaFile)
  NATS_TLS_CA_FILE?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  /**
   * The secret of the gateway's own service identity (`Service <token>`), for its own calls (the show
   * snapshot). Shared with announcements only; it admits SERVICE_GRANTS.gateway and nothing else.
   */
  @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  LAUREL_GATEWAY_SERVICE_TOKEN!: string;

  /** How far ahead of now a reveal is scheduled to flip on every screen. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(5000)
  REVEAL_LEAD_MS?: number;

  /**
   * TESTS ONLY: shifts this gateway's own clock by this many ms (positive: ahead), to prove that showAt does
   * not depend on the gateway's and announcements' clocks agreeing (docs/reveal-v2.md, Clock). Never set it
   * in production: the gateway corrects for its offset, but its logs and clients would see a wrong time.
   */
  @IsOptional() @Type(() => Number) @IsInt() @Min(-86_400_000) @Max(86_400_000)
  LAUREL_CLOCK_SKEW_MS?: number;

  /** How often the gateway measures its clock offset to announcements (default 30 s). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1000) @Max(600_000)
  CLOCK_SYNC_INTERVAL_MS?: number;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @IsString()
  WEB_DIST?: string;

  /** Requests and socket handshakes per minute without a token, per client address (docs/operations.md, Rate limits). */
  @Rate()
  PUBLIC_RATE_LIMIT_PER_MINUTE?: number;

  /** Pages, /assets, /api/docs, health and metrics per minute, per client address. */
  @Rate()
  STATIC_RATE_LIMIT_PER_MINUTE?: number;

  /** Requests and socket handshakes per minute per token, by the token's role. */
  @Rate()
  ADMIN_RATE_LIMIT_PER_MINUTE?: number;

  @Rate()
  PRODUCER_RATE_LIMIT_PER_MINUTE?: number;

  @Rate()
  JUROR_RATE_LIMIT_PER_MINUTE?: number;

  @Rate()
  PRESS_RATE_LIMIT_PER_MINUTE?: number;

  @Rate()
  SCREEN_RATE_LIMIT_PER_MINUTE?: number;

  /** Entrant intake: submissions, and reads and edits by receipt code, per minute per client address (on top of the public budget). */
  @Rate()
  INTAKE_RATE_LIMIT_PER_MINUTE?: number;

  /** Express "trust proxy": the proxies whose X-Forwarded-For is believed (default: none, the socket's address). */
  @IsOptional() @Validate(TrustProxyList)
  TRUST_PROXY?: string;

  /** Read-your-writes: how long a command waits for the services that serve its effect before it answers 202. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(60000)
  WRITES_WAIT_MS?: number;
  /** How long a cue's answer waits for its scene to reach this gateway's screens before it answers 202 "not on screens yet". */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(60000)
  CUE_ON_SCREENS_MS?: number;
  /** CSP frame-ancestors of the stage page (default `*`: any page may embed the stage output). */
  @IsOptional() @Validate(CspSourceList)
  STAGE_FRAME_ANCESTORS?: string;

  @IsOptional() @IsString()
  NATS_USER?: string;

  @IsOptional() @IsString()
  NATS_PASSWORD?: string;
}

/** The environment schema the deployment check and the README's table are held to. */
export const SERVICE_ENV = GatewayEnv;

export interface GatewayConfig {
  natsUrl: string;
  port: number;
  /** `Service <token>` secret of the gateway's own calls (never a user's token, never the admin token). */
  serviceToken: string;
  revealLeadMs: number;
  /** Tests only: this gateway's clock runs this many ms ahead (LAUREL_CLOCK_SKEW_MS). */
  clockSkewMs?: number;
  /** How often the clock offset to announcements is measured (ms). */
  clockSyncIntervalMs?: number;
  writesWaitMs: number;
  cueOnScreensMs: number;
  webDist: string | null;
  rateLimits: RateBudgets;
  /** Proxies whose X-Forwarded-For is believed; empty: none. */
  trustProxy: string[];
  stageFrameAncestors: string[];
  natsUser?: string;
  natsPassword?: string;
  natsTls?: NatsTls;
  /** Instance name, for NATS connection names and logs. */
  instance: string;
}

/** Requests (and socket handshakes) per minute: per client address without a token, per token by its role. */
export interface RateBudgets extends Record<Role, number> {
  /** Pages, assets, docs, health and metrics, per client address (no token ever comes with them). */
  static: number;
  /** Intake submissions and receipt reads/edits, per client address (against form spam). */
  intake: number;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/**
 * The gateway must not hold the admin token (nominations owns it): a compromised gateway holding it
 * could issue itself a chair's juror token and read a sealed verdict. Refuse to start with it set.
 */
export function refuseAdminToken(env: NodeJS.ProcessEnv): void {
  if (env.LAUREL_ADMIN_TOKEN !== undefined) {
    throw new InvalidEnvironmentError('LAUREL_ADMIN_TOKEN is set for the gateway: remove it from the gateway\'s environment (only nominations holds the admin token)');
  }
}
