import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '#contracts';
import type { AuthedRequest } from './auth.guard.js';

/** The authenticated caller as the services see it. */
export const CallerActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const { principal } = ctx.switchToHttp().getRequest<AuthedRequest>();
  return principal.jurorId ? { role: principal.role, jurorId: principal.jurorId } : { role: principal.role };
});

/** The `:c` route parameter resolved to the ceremony id by the guard. */
export const CeremonyId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<AuthedRequest>().ceremonyId!);
