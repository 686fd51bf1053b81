import { IsString, Length } from 'class-validator';
import { LaurelError } from '#contracts';
import { checkPayloadShape, MAX_PAYLOAD_DEPTH, validatePayload } from './validation.js';

class Probe {
  @IsString() @Length(1, 80) ceremony!: string;
}

async function refusal(raw: unknown): Promise<LaurelError> {
  try {
    await validatePayload(Probe, raw);
  } catch (error) {
    return error as LaurelError;
  }
  throw new Error('accepted');
}

describe('validatePayload: shapes class-transformer cannot take are 400, never a crash', () => {
  it('refuses JSON nested deeper than the limit (10k levels overflowed the stack)', async () => {
    const deep = JSON.parse('{"a":'.repeat(10000) + '1' + '}'.repeat(10000)) as object;
    const error = await refusal({ ceremony: 'x', deep });
    expect(error).toBeInstanceOf(LaurelError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain(`${MAX_PAYLOAD_DEPTH} levels`);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'])('refuses the key %s anywhere, with its path', async (key) => {
    const error = await refusal(JSON.parse(`{"ceremony":"x","nested":{"${key}":"y"}}`));
    expect(error.statusCode).toBe(400);
    expect(error.details).toEqual([{ path: `nested.${key}`, message: 'reserved key' }]);
  });

  it("refuses NUL in a command's own fields, not deep in free-form content", async () => {
    expect((await refusal({ ceremony: 'a\u0000b' })).details).toEqual([{ path: 'ceremony', message: 'contains a NUL character (U+0000)' }]);
    expect(() => checkPayloadShape({ file: { ceremony: { name: 'a\u0000b' } } }, { nulDepth: 2 })).not.toThrow();
  });

  it('still validates a good payload', async () => {
    await expect(validatePayload(Probe, { ceremony: 'kvalitetsmassan-2017' })).resolves.toMatchObject({ ceremony: 'kvalitetsmassan-2017' });
  });
});
