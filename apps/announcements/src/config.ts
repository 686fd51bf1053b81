import { IsString, Matches, MinLength } from 'class-validator';
import { domainConfig, DomainServiceEnv, type DomainServiceConfig } from '#messaging';

/** Environment of announcements, validated before boot: a domain service's, plus the gateway's service identity. */
export class AnnouncementsEnv extends DomainServiceEnv {
  /**
   * The secret of the gateway's service identity (`Service <token>`), shared with the gateway only. It
   * admits exactly the subjects of SERVICE_GRANTS.gateway (the show snapshot), nothing else.
   */
  @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  LAUREL_GATEWAY_SERVICE_TOKEN!: string;
}

/** The environment schema the deployment check and the README's table are held to. */
export const SERVICE_ENV = AnnouncementsEnv;

export function announcementsConfig(env: AnnouncementsEnv, defaultPort = 3103): DomainServiceConfig {
  return { ...domainConfig(env, defaultPort), serviceTokens: { gateway: env.LAUREL_GATEWAY_SERVICE_TOKEN } };
}
