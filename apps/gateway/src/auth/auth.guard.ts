import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { LaurelError, type Role } from '#contracts';
import { OPS_ROUTE } from '#observability';
import { CeremonyDirectory } from '../live/ceremony-directory.service.js';
import { AccessService } from './access.service.js';
import type { Principal } from './principal.js';
import { ROLES_KEY } from './roles.js';

export interface AuthedRequest extends Request {
  principal: Principal;
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
 * their ceremony (`:c` is resolved to an id once here).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    private readonly directory: CeremonyDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.get<boolean | undefined>(OPS_ROUTE, context.getClass())) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    if (!roles) throw LaurelError.forbidden('this route has no access rule');
    const principal = await this.access.authenticate(bearer(request.headers.authorization));
    request.principal = principal;
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
