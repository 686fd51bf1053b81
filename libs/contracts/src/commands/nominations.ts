import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import type { CeremonyView } from '../ceremony.js';
import { command } from '../contract.js';
import { Actor, CeremonyScoped } from './common.js';

export class ImportCeremonyCommand {
  /** The ceremony file; validated against the ceremony JSON Schema by the handler. */
  @IsObject() file!: Record<string, unknown>;
  @ValidateNested() @Type(() => Actor) actor!: Actor;
}

export interface ImportCeremonyResult {
  id: string;
  slug: string;
  categories: { id: string; slug: string; nominees: { id: string; slug: string }[] }[];
}

export class GetCeremonyQuery {
  @IsString() @Length(1, 80) ceremony!: string;
}

export const TOKEN_ROLES = ['producer', 'press', 'screen', 'juror'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export class IssueTokenCommand extends CeremonyScoped {
  @IsIn(TOKEN_ROLES) role!: TokenRole;
  @IsOptional() @IsUUID() jurorId?: string;
  @IsOptional() @IsString() @Length(1, 120) label?: string;
  /** Lifetime; default 7 days, at most a year. */
  @IsOptional() @IsInt() @Min(60) @Max(366 * 24 * 3600) ttlSeconds?: number;
}

export interface IssuedToken {
  id: string;
  token: string;
  role: TokenRole;
  ceremonyId: string;
  jurorId: string | null;
  expiresAt: string;
}

export class RevokeTokenCommand extends CeremonyScoped {
  @IsUUID() tokenId!: string;
}

export class ListTokensQuery extends CeremonyScoped {}

export interface TokenInfo {
  id: string;
  role: TokenRole;
  label: string | null;
  jurorId: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

/** What the gateway's token cache holds for a token hash (KV bucket `laurel_access`). */
export interface AccessGrant {
  tokenId: string;
  role: TokenRole;
  ceremonyId: string;
  jurorId: string | null;
  expiresAt: string;
  revoked: boolean;
}

export const nominationsCommands = {
  'nominations.ceremony.import': command(ImportCeremonyCommand).returns<ImportCeremonyResult>(),
  'nominations.ceremony.get': command(GetCeremonyQuery).returns<CeremonyView>(),
  'nominations.access.issue': command(IssueTokenCommand).returns<IssuedToken>(),
  'nominations.access.revoke': command(RevokeTokenCommand).returns<{ revoked: true }>(),
  'nominations.access.list': command(ListTokensQuery).returns<TokenInfo[]>(),
} as const;
