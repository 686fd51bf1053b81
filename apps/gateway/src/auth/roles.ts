import { SetMetadata } from '@nestjs/common';
import type { Role } from '#contracts';

export const ROLES_KEY = 'laurel:roles';
/** Every route says who may call it; a route without a rule is refused (fail closed). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const ANYONE: Role[] = ['admin', 'producer', 'juror', 'press', 'screen', 'public'];
