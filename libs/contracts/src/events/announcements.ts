import { IsBoolean, IsDefined, IsHexadecimal, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { event } from '../contract.js';
import { AuditAnchorData } from './jury.js';
import type { EnvelopeAudience, EnvelopeStagedEvent, SealedEnvelopeBox } from '../reveal-v2.js';
import type { ShowClock } from '../show-clock.js';
import { SCENE_KINDS, type CueOperator, type PresenterMessageEvent, type RevealedEvent, type SceneData, type SceneEvent, type SceneKind, type WinnerView } from '../live.js';

export class SceneChangedData implements SceneEvent {
  @IsUUID() ceremonyId!: string;
  @IsInt() @Min(1) seq!: number;
  @IsIn(SCENE_KINDS) kind!: SceneKind;
  @IsOptional() @IsUUID() categoryId?: string;
  @IsObject() data!: SceneData;
  @IsISO8601() at!: string;
  @IsBoolean() rehearsal!: boolean;
  @IsOptional() @IsObject() cuedBy?: CueOperator;
  @IsOptional() @IsObject() clock?: ShowClock;
}

export class WinnerRevealedData implements Omit<RevealedEvent, 'showAt'> {
  @IsUUID() ceremonyId!: string;
  @IsInt() @Min(1) seq!: number;
  @IsUUID() categoryId!: string;
  @IsObject() category!: { id: string; slug: string; name: string };
  @IsUUID() winnerId!: string;
  @IsObject() winner!: WinnerView;
  @IsString() motivation!: string;
  @IsString() salt!: string;
  @IsString() commitment!: string;
  @IsISO8601() revealedAt!: string;
  @IsBoolean() rehearsal!: boolean;
  @IsOptional() @IsString() pressRelease?: string;
  @IsOptional() @ValidateNested() @Type(() => AuditAnchorData) auditHead?: AuditAnchorData;
  @IsOptional() @IsHexadecimal() @Length(64, 64) ballotRoot?: string;
  @IsOptional() @IsInt() @Min(1) ballotCount?: number;
  /**
   * Socket protocol v2: the category's envelope key, base64url (43 characters), published only with the
   * reveal (absent in rehearsals). Gateways send it in the v2 `revealed` frame; v1 frames never carry it.
   */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{43}$/) key?: string;
}

export class SealedEnvelopeBoxData implements SealedEnvelopeBox {
  /** 12 bytes, base64url. */
  @Matches(/^[A-Za-z0-9_-]{16}$/) iv!: string;
  /** The padded plaintext + 16-byte tag, base64url. */
  @Matches(/^[A-Za-z0-9_-]{22,}$/) ciphertext!: string;
}

export class StagedEnvelopesData implements Record<EnvelopeAudience, SealedEnvelopeBox> {
  @IsDefined() @ValidateNested() @Type(() => SealedEnvelopeBoxData) screen!: SealedEnvelopeBoxData;
  @IsDefined() @ValidateNested() @Type(() => SealedEnvelopeBoxData) press!: SealedEnvelopeBoxData;
  @IsDefined() @ValidateNested() @Type(() => SealedEnvelopeBoxData) public!: SealedEnvelopeBoxData;
}

/** Public (docs/reveal-v2.md): a sealed category's envelopes, encrypted; the key stays in announcements until the reveal. */
export class EnvelopeStagedData implements EnvelopeStagedEvent {
  @IsUUID() ceremonyId!: string;
  @IsUUID() categoryId!: string;
  @IsHexadecimal() @Length(64, 64) commitment!: string;
  @IsISO8601() sealedAt!: string;
  @IsDefined() @ValidateNested() @Type(() => StagedEnvelopesData) envelopes!: StagedEnvelopesData;
}

export class PresenterMessageData implements PresenterMessageEvent {
  @IsUUID() ceremonyId!: string;
  @IsUUID() id!: string;
  @IsString() @Length(0, 140) text!: string;
  @IsIn(['info', 'urgent']) tone!: 'info' | 'urgent';
  @IsISO8601() sentAt!: string;
  @IsObject() by!: CueOperator;
  @IsBoolean() rehearsal!: boolean;
}

export const announcementsEvents = {
  'gala.events.announcements.scene.changed': event(SceneChangedData),
  'gala.events.announcements.winner.revealed': event(WinnerRevealedData),
  'gala.events.announcements.envelope.staged': event(EnvelopeStagedData),
  'gala.events.announcements.presenter.message': event(PresenterMessageData),
} as const;
