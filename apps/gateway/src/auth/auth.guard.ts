import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { bearerCredential, LaurelError, type Role } from '#contracts';
import { AccessResolver } from '#messaging';
import { OPS_ROUTE } from '#observability';
import { CeremonyDirectory } from '../live/ceremony-directory.service.js';
import type { Principal } from './principal.js';
import { ROLES_KEY } from './roles.js';

export interface AuthedRequest extends Request {
  principal: Principal;
  /** What the services get to resolve the caller themselves: `Bearer <token>`, or null for the public. */
  credential: string | null;
  ceremonyId?: string;
}

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new LaurelError(401, 'Authorization must be "Bearer <token>"');
  return match[1];
}

/**
 * Authenticates every REST call, checks the route's roles, and binds ceremony-scoped tokens to
 * their ceremony (`:c` is resolved to an id once here). The services check all of it again themselves
 * from the credential the gateway forwards: this is the first of two locks, not the only one.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessResolver,
    private readonly directory: CeremonyDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.get<boolean | undefined>(OPS_ROUTE, context.getClass())) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    if (!roles) throw LaurelError.forbidden('this route has no access rule');
    const token = bearer(request.headers.authorization);
    const principal = await this.access.authenticate(token);
    request.principal = principal;
    request.credential = token ? bearerCredential(token) : null;
    if (!roles.includes(principal.role)) {
      throw principal.role === 'public' ? new LaurelError(401, 'a token is required for this call') : LaurelError.forbidden(`a ${principal.role} token may not make this call`);
    }
    const ref = (request.params as Record<string, string | undefined>).c;
    if (ref !== undefined) {
      const ceremonyId = await this.directory.resolve(ref);
      if (principal.ceremonyId !== null && principal.ceremonyId !== ceremonyId) throw LaurelError.forbidden('this token belongs to another ceremony');
      request.ceremonyId = ceremonyId;
    }
    return true;
  }
}
