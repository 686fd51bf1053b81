import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import type { CeremonyView, NomineeView } from '../ceremony.js';
import { ANYONE, command } from '../contract.js';
import { CategoryScoped, CeremonyScoped } from './common.js';

export class ImportCeremonyCommand {
  /** The ceremony file; validated against the ceremony JSON Schema by the handler. */
  @IsObject() file!: Record<string, unknown>;
}

export interface ImportCeremonyResult {
  id: string;
  slug: string;
  /** `entries`: how many entries the file gave the category. */
  categories: { id: string; slug: string; nominees: { id: string; slug: string }[]; entries?: number }[];
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

/** One entry (a submission to a category), as an organiser or a CSV row gives it. */
export class EntryFields {
  /** The submitter's own id for the entry (e.g. the form tool's); when given, it is the entry's key for dedup. */
  @IsOptional() @IsString() @Length(1, 120) externalId?: string;
  @IsOptional() @IsString() @Length(1, 300) organisation?: string;
  /** Organisation kind, e.g. `kommun`, `region`, `myndighet`, `foretag`, `projekt`; checked against the category's eligibleKinds. */
  @IsOptional() @IsString() @Length(1, 60) kind?: string;
  @IsOptional() @IsString() @Length(1, 500) title?: string;
  @IsOptional() @IsString() @Length(1, 4000) description?: string;
  @IsOptional() @IsString() @Length(1, 200) contactName?: string;
  @IsOptional() @IsEmail() @Length(3, 254) contactEmail?: string;
  @IsOptional() @IsString() @Length(3, 40) contactPhone?: string;
}

export class SubmitEntryCommand extends CategoryScoped {
  @ValidateNested() @Type(() => EntryFields) entry!: EntryFields;
}

export interface EntryView {
  id: string;
  categoryId: string;
  externalId: string | null;
  organisation: string | null;
  kind: string | null;
  title: string | null;
  description: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  /** How it came in: one submission by the admin, a CSV row, the ceremony file, or an entrant's form (accepted at review). */
  source: 'api' | 'csv' | 'file' | 'intake';
  /** 1-based line of the CSV row it came from (header = row 1), when imported from a file. */
  sourceRow: number | null;
  createdAt: string;
}

/** One CSV data row: its row number in the file (header = row 1) and its cells. */
export class EntryImportRow {
  @IsInt() @Min(1) row!: number;
  @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) values!: string[];
}

/**
 * A batch of CSV rows for one category. The gateway parses the file and sends rows in batches that
 * fit a NATS message; each batch is one transaction.
 */
export class ImportEntriesCommand extends CategoryScoped {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @IsString({ each: true }) columns!: string[];
  @IsArray() @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => EntryImportRow) rows!: EntryImportRow[];
}

/** Why a row was not imported; one line per problem, located by the CSV row and column. */
export interface EntryRowProblem {
  row: number;
  field: string;
  reason: string;
}

export interface EntryRowDuplicate {
  row: number;
  entryId: string;
  reason: string;
}

export interface ImportEntriesResult {
  categoryId: string;
  /** Data rows received (blank lines are skipped). */
  received: number;
  imported: number;
  duplicates: number;
  rejected: number;
  /** Columns that are not entry fields; their cells are ignored. */
  ignoredColumns: string[];
  problems: EntryRowProblem[];
  duplicateRows: EntryRowDuplicate[];
}

/** Entries in the order they came in, a page at a time (a NATS reply is at most 1 MB). */
export class ListEntriesQuery extends CategoryScoped {
  @IsOptional() @IsInt() @Min(0) offset?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export interface EntryPage {
  total: number;
  offset: number;
  entries: EntryView[];
}

/** Replaces the category's (unpublished) shortlist with these entries, in this order. */
export class SetShortlistCommand extends CategoryScoped {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsUUID('all', { each: true }) entryIds!: string[];
}

export class PublishShortlistCommand extends CategoryScoped {}

export class GetShortlistQuery extends CategoryScoped {}

export interface ShortlistView {
  categoryId: string;
  nominees: (NomineeView & { entryId: string | null })[];
  bounds: { min: number | null; max: number | null };
  publishedAt: string | null;
  /** The jury's screening round that produced it, when it came from a freeze (issue 15). */
  roundId?: string | null;
}

export const nominationsCommands = {
  'nominations.ceremony.import': command(ImportCeremonyCommand, ['admin']).returns<ImportCeremonyResult>(),
  'nominations.ceremony.get': command(GetCeremonyQuery, ANYONE).returns<CeremonyView>(),
  'nominations.access.issue': command(IssueTokenCommand, ['admin']).returns<IssuedToken>(),
  'nominations.access.revoke': command(RevokeTokenCommand, ['admin']).returns<{ revoked: true }>(),
  'nominations.access.list': command(ListTokensQuery, ['admin']).returns<TokenInfo[]>(),
  'nominations.entry.submit': command(SubmitEntryCommand, ['admin']).returns<EntryView>(),
  'nominations.entry.import': command(ImportEntriesCommand, ['admin']).returns<ImportEntriesResult>(),
  'nominations.entry.list': command(ListEntriesQuery, ['admin']).returns<EntryPage>(),
  'nominations.shortlist.get': command(GetShortlistQuery, ['admin']).returns<ShortlistView>(),
  'nominations.shortlist.set': command(SetShortlistCommand, ['admin']).returns<ShortlistView>(),
  'nominations.shortlist.publish': command(PublishShortlistCommand, ['admin']).returns<ShortlistView>(),
} as const;
