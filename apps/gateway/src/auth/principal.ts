import { PUBLIC_ACTOR, type UserActor } from '#contracts';

/**
 * Who is calling, once their token checks out: the same actor every service resolves from the token
 * the gateway forwards (AccessResolver in libs/messaging). Admin spans ceremonies; every other token is
 * bound to one.
 */
export type Principal = UserActor;

export const PUBLIC_PRINCIPAL: Principal = PUBLIC_ACTOR;
