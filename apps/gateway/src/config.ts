import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';

/** Environment of the gateway, validated before boot. */
export class GatewayEnv {
  @IsOptional() @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, { message: 'must be nats://host:port (comma-separated for a cluster)' })
  NATS_URL?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  LAUREL_ADMIN_TOKEN?: string;

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

  /** Read-your-writes: how long a command waits for the services that serve its effect before it answers 202. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(60000)
  WRITES_WAIT_MS?: number;

  @IsOptional() @IsString()
  NATS_USER?: string;

  @IsOptional() @IsString()
  NATS_PASSWORD?: string;
}

export interface GatewayConfig {
  natsUrl: string;
  port: number;
  adminToken: string;
  adminTokenGenerated: boolean;
  revealLeadMs: number;
  writesWaitMs: number;
  webDist: string | null;
  publicRateLimitPerMinute: number;
  trustProxy: string;
  natsUser?: string;
  natsPassword?: string;
  /** Instance name, for NATS connection names and logs. */
  instance: string;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
