import { randomUUID } from 'node:crypto';
import { IsInt, IsISO8601, IsNotEmpty, IsObject, IsString, IsUUID, Min } from 'class-validator';

/** The one envelope every domain event travels in (DESIGN.md, Messaging). */
export interface EventEnvelope<T> {
  id: string;
  type: string;
  version: number;
  ceremonyId: string;
  occurredAt: string;
  correlationId: string;
  data: T;
}

/** Validated on receipt before any handler sees an event. */
export class EventEnvelopeDto {
  @IsUUID() id!: string;
  @IsString() @IsNotEmpty() type!: string;
  @IsInt() @Min(1) version!: number;
  @IsUUID() ceremonyId!: string;
  @IsISO8601() occurredAt!: string;
  @IsString() @IsNotEmpty() correlationId!: string;
  @IsObject() data!: Record<string, unknown>;
}

export function createEnvelope<T>(
  type: string,
  version: number,
  ceremonyId: string,
  data: T,
  correlationId: string,
  now: Date = new Date(),
): EventEnvelope<T> {
  return { id: randomUUID(), type, version, ceremonyId, occurredAt: now.toISOString(), correlationId, data };
}
