import { DomainServiceEnv } from '#messaging';

/**
 * The environment schema the vote service is validated with at boot, and the deployment check and the README's
 * table are held to: a domain service's (libs/messaging), nothing of its own.
 */
export const SERVICE_ENV = DomainServiceEnv;
