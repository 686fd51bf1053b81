import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { LaurelError } from '#contracts';
import { validationRefusal, VALIDATOR_OPTIONS } from '#messaging';
import { commandBodyOptions } from './command-body.js';

class InvalidBody extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('invalid body');
  }
}

/**
 * The one place a REST body is checked (registered globally): a @CommandBody class gets its contract's
 * rules with the services' own options (no field the contract does not name) and the services' error
 * shape, `{ statusCode: 400, error, message: "path: problem; …", details: [{ path, message }] }`. The
 * handler receives the typed instance. Other parameters pass through untouched.
 */
@Injectable()
export class BodyValidationPipe extends ValidationPipe {
  constructor() {
    super({ ...VALIDATOR_OPTIONS, transform: true, exceptionFactory: (errors) => new InvalidBody(errors) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const options = metadata.type === 'body' ? commandBodyOptions(metadata.metatype) : undefined;
    if (!options) return value;
    if ((value === undefined || value === null) && options.optional) value = {};
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) throw LaurelError.badRequest('body must be a JSON object');
    // REST v1 always ignored a body's `actor` (the caller is the credential): dropped, not refused (test/security/tokens).
    const { actor: _ignored, ...fields } = value as Record<string, unknown>;
    try {
      return await super.transform(fields, metadata);
    } catch (error) {
      if (error instanceof InvalidBody) throw validationRefusal(error.errors, options.under);
      throw error;
    }
  }
}
