import { IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ROLES, type Role } from '../live.js';

/** Who is asking, as the gateway authenticated them. Services enforce their own rules with it. */
export class Actor {
  @IsIn(ROLES) role!: Role;
  @IsOptional() @IsUUID() jurorId?: string;
  @IsOptional() @IsString() @Length(1, 200) label?: string;
}

/** Every ceremony-scoped command names the ceremony by id or slug. */
export class CeremonyScoped {
  @IsString() @Length(1, 80) ceremony!: string;
  @ValidateNested() @Type(() => Actor) actor!: Actor;
}

export class CategoryScoped extends CeremonyScoped {
  @IsString() @Length(1, 80) category!: string;
}
