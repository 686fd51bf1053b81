import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { LaurelError, type FieldProblem, type PayloadClass } from '#contracts';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Validates a payload where it enters a service; 400 with each field's problem otherwise. */
export async function validatePayload<T extends object>(cls: PayloadClass<T>, raw: unknown): Promise<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw LaurelError.badRequest('payload must be a JSON object');
  const instance = plainToInstance(cls, raw);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length) {
    const details = flatten(errors);
    throw LaurelError.badRequest(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  }
  return instance;
}
