import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthedRequest } from './auth.guard.js';

/**
 * The caller's credential, as the services must get it with each command (`Bearer <token>`, or null
 * for the public): they resolve the caller themselves and never read an identity from a payload.
 */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => ctx.switchToHttp().getRequest<AuthedRequest>().credential ?? null);

/** The `:c` route parameter resolved to the ceremony id by the guard. */
export const CeremonyId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<AuthedRequest>().ceremonyId!);

/** The authenticated caller as the guard resolved it (for the gateway's own use, e.g. `me`). */
export const CallerPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().principal);
