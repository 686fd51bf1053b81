import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ANYONE, command } from '../contract.js';

/**
 * One thing a command's transaction wrote to its outbox: an event (id and subject) or a KV put (id only;
 * its key can be a token hash). Commands name theirs in the `laurel-writes` reply header (read-your-writes).
 */
export interface WrittenRecord {
  id: string;
  /** The event's subject (an EventSubject; spelled as a string here, the subject map imports this file). */
  event?: `gala.${string}`;
}

export class WrittenRecordDto implements WrittenRecord {
  @IsUUID() id!: string;
  @IsOptional() @Matches(/^gala\.(events|sealed)\.[a-z0-9_.-]{1,200}$/) event?: `gala.${string}`;
}

/** Which of these writes the asked service has yet to apply (events it consumes) or publish (its KV puts). */
export class WritesStatusQuery {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => WrittenRecordDto) writes!: WrittenRecordDto[];
}

export interface WritesStatus {
  /** Ids not applied (or, for its own KV puts, not published) yet. */
  pending: string[];
  /** Ids this service parked (poison): they will never be applied. */
  failed: string[];
}

/**
 * Every domain service answers on `<service>.writes.status` (libs/messaging: WritesStatusController).
 * Open to anyone: the gateway asks with the credential of the caller whose command it waits for, and the
 * answer is only whether random event ids were applied yet, nothing of their content.
 */
export const writesCommands = {
  'nominations.writes.status': command(WritesStatusQuery, ANYONE).returns<WritesStatus>(),
  'jury.writes.status': command(WritesStatusQuery, ANYONE).returns<WritesStatus>(),
  'announcements.writes.status': command(WritesStatusQuery, ANYONE).returns<WritesStatus>(),
  'vote.writes.status': command(WritesStatusQuery, ANYONE).returns<WritesStatus>(),
} as const;

export type WritesStatusSubject = keyof typeof writesCommands;

/** REST: where a command's writes stand (the `writes` of a 202 answer, and GET its `href`). */
export interface WritesState {
  /** complete: every service that serves the effect holds it; pending: not yet; failed: a service parked it. */
  status: 'complete' | 'pending' | 'failed';
  /** Services still applying it. */
  pending: string[];
  /** Services that parked it (it will never be applied there). */
  failed: string[];
  /** Ask again here (GET, any token of the ceremony). */
  href: string;
}
