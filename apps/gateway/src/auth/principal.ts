import type { Role } from '#contracts';

/** Who is calling, once their token checks out. Admin spans ceremonies; every other token is bound to one. */
export interface Principal {
  role: Role;
  ceremonyId: string | null;
  jurorId: string | null;
  tokenId: string | null;
  /** When the token stops being valid (ms since epoch); absent for admin and public. */
  expiresAt?: number;
}

export const PUBLIC_PRINCIPAL: Principal = { role: 'public', ceremonyId: null, jurorId: null, tokenId: null };
