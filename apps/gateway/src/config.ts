import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { InvalidEnvironmentError } from '#observability';

/** Environment of the gateway, validated before boot. */
export class GatewayEnv {
  @IsOptional() @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, { message: 'must be nats://host:port (comma-separated for a cluster)' })
  NATS_URL?: string;

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

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @IsString()
  WEB_DIST?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000)
  PUBLIC_RATE_LIMIT_PER_MINUTE?: number;

  /** Express "trust proxy": which proxies may set X-Forwarded-For (default: private networks only). */
  @IsOptional() @IsString()
  TRUST_PROXY?: string;

  @IsOptional() @IsString()
  NATS_USER?: string;

  @IsOptional() @IsString()
  NATS_PASSWORD?: string;
}

export interface GatewayConfig {
  natsUrl: string;
  port: number;
  /** `Service <token>` secret of the gateway's own calls (never a user's token, never the admin token). */
  serviceToken: string;
  revealLeadMs: number;
  webDist: string | null;
  publicRateLimitPerMinute: number;
  trustProxy: string;
  natsUser?: string;
  natsPassword?: string;
  /** Instance name, for NATS connection names and logs. */
  instance: string;
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
