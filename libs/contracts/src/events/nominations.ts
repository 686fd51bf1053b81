import { IsArray, IsObject, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import type { CategoryView, CeremonyHeader, JuryMemberView, NomineeView } from '../ceremony.js';
import type { ShowTiming } from '../show-clock.js';
import { event } from '../contract.js';

export class CeremonyImportedData {
  @IsObject() ceremony!: CeremonyHeader;
  @IsArray() categories!: CategoryView[];
  /** Panels as the ceremony file names them, by category id (public: the press names juries). */
  @IsObject() jury!: Record<string, JuryMemberView[]>;
  @IsOptional() @IsString() about!: string | null;
  /** Planned durations for the show clock (absent when the file plans none). */
  @IsOptional() @IsObject() timing?: ShowTiming;
}

class ShortlistNominee implements NomineeView {
  @IsUUID() id!: string;
  @IsString() slug!: string;
  @IsOptional() @IsString() organisation!: string | null;
  @IsOptional() @IsString() kind!: string | null;
  @IsOptional() @IsString() title!: string | null;
  @IsOptional() @IsString() pronunciation!: string | null;
}

export class ShortlistPublishedData {
  @IsUUID() categoryId!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ShortlistNominee) nominees!: ShortlistNominee[];
}

export const nominationsEvents = {
  'gala.events.nominations.ceremony.imported': event(CeremonyImportedData),
  'gala.events.nominations.shortlist.published': event(ShortlistPublishedData),
} as const;
