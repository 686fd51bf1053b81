import { IsString, Length } from 'class-validator';

/**
 * Every ceremony-scoped command names the ceremony by id or slug. Who is asking is not in any payload:
 * it travels as a credential in the NATS header CREDENTIAL_HEADER and each service resolves it itself.
 */
export class CeremonyScoped {
  @IsString() @Length(1, 80) ceremony!: string;
}

export class CategoryScoped extends CeremonyScoped {
  @IsString() @Length(1, 80) category!: string;
}
