import { IsBoolean, IsHexadecimal, IsInt, IsISO8601, IsString, IsUUID, Length, Min } from 'class-validator';
import { event } from '../contract.js';
import type { JuryProgressEvent, SealedEvent } from '../live.js';

/** Public: progress without any score or winner (integrity rule 2). */
export class JuryProgressData implements JuryProgressEvent {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsInt() @Min(0) locked!: number;
  @IsInt() @Min(0) total!: number;
  @IsBoolean() sealed!: boolean;
}

/** Public: only the commitment. */
export class VerdictSealedData implements SealedEvent {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsHexadecimal() @Length(64, 64) commitment!: string;
  @IsISO8601() sealedAt!: string;
}

/** SEALED: the verdict's contents, jury → announcements only, on `gala.sealed.>` (gateway cannot read it). */
export class SealedVerdictData {
  @IsUUID() categoryId!: string;
  @IsUUID() winnerId!: string;
  @IsString() @Length(1, 4000) motivation!: string;
  @IsHexadecimal() @Length(64, 64) salt!: string;
  @IsHexadecimal() @Length(64, 64) commitment!: string;
  @IsISO8601() sealedAt!: string;
}

export const juryEvents = {
  'gala.events.jury.progress': event(JuryProgressData),
  'gala.events.jury.verdict.sealed': event(VerdictSealedData),
  'gala.sealed.jury.verdict': event(SealedVerdictData),
} as const;
