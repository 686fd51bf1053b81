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

/** Deeper than any contract payload (a ceremony file is ~6 levels); class-transformer recurses, so 10k levels overflowed the stack (500). */
export const MAX_PAYLOAD_DEPTH = 32;
/**
 * Keys that name Object.prototype members (`__proto__`, `constructor`, `toString`, `hasOwnProperty`…)
 * and `prototype`: class-transformer crashed on a `constructor` that is not a function (TypeError →
 * 500) and silently dropped `hasOwnProperty`-like keys (a score under one vanished instead of being
 * refused); `__proto__` is the prototype-pollution key. No contract payload uses them.
 */
const FORBIDDEN_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Refuses, before class-transformer sees it, what it cannot handle safely: nesting deeper than
 * MAX_PAYLOAD_DEPTH, prototype keys anywhere, and NUL characters down to `nulDepth` (Postgres text cannot store them). Iterative, so it cannot overflow the stack itself.
 */
export function checkPayloadShape(raw: unknown, options: { nulDepth?: number } = {}): void {
  const nulDepth = options.nulDepth ?? -1;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: raw, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    // Postgres text cannot hold NUL: an id or name with one failed in a query with a 500 (found by
    // test/security/fuzz). Only the command's own fields (depth ≤ nulDepth) are checked here; free-form
    // content deeper down (a ceremony file) is checked by its handler with JSON pointers.
    if (typeof value === 'string' && depth <= nulDepth && value.includes('\u0000')) throw LaurelError.badRequest(`${path || 'payload'} contains a NUL character (U+0000)`, [{ path: path || '$', message: 'contains a NUL character (U+0000)' }]);
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_PAYLOAD_DEPTH) throw LaurelError.badRequest(`payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`, [{ path: path || '$', message: 'nested too deep' }]);
    for (const key of Object.keys(value)) {
      const child = path ? `${path}.${key}` : key;
      if (depth < nulDepth && key.includes('\u0000')) throw LaurelError.badRequest('a key contains a NUL character', [{ path: path || '$', message: 'key contains a NUL character' }]);
      if (FORBIDDEN_KEYS.has(key)) throw LaurelError.badRequest(`the key "${key}" is not allowed`, [{ path: child, message: 'reserved key' }]);
      stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
}

/** Validates a payload where it enters a service; 400 with each field's problem otherwise. */
export async function validatePayload<T extends object>(cls: PayloadClass<T>, raw: unknown): Promise<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw LaurelError.badRequest('payload must be a JSON object');
  checkPayloadShape(raw, { nulDepth: 2 });
  const instance = plainToInstance(cls, raw);
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length) throw validationRefusal(errors);
  return instance;
}

/** The rules every payload is checked with, at the gateway's REST edge and in each service: no field a contract does not name. */
export const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** class-validator's errors as one 400: `path: message; …` with each field's problem in `details` (under `prefix`, when the payload sits there in its command). */
export function validationRefusal(errors: ValidationError[], prefix = ''): LaurelError {
  const details = flatten(errors, prefix);
  return LaurelError.badRequest(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
}
