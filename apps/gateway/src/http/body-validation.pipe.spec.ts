import { Body, Controller, Put, type INestApplication } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { LaurelError } from '#contracts';
import { BodyValidationPipe } from './body-validation.pipe.js';
import { AddJurorBody, CueBody, IssueTokenBody, RemoveJurorBody, SetShortlistBody, SubmitEntryBody } from './bodies.js';

const pipe = new BodyValidationPipe();
const check = async (metatype: new () => object, value: unknown) => (await pipe.transform(value, { type: 'body', metatype, data: undefined })) as object;
const refusal = async (metatype: new () => object, value: unknown) => {
  const error = await check(metatype, value).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LaurelError);
  return (error as LaurelError).toBody();
};

describe('BodyValidationPipe: REST bodies checked with their command contract', () => {
  it('returns the typed instance and drops a body actor (REST v1 ignored it)', async () => {
    const body = await check(AddJurorBody, { name: 'Anna', chair: true, actor: { role: 'admin' } });
    expect(body).toBeInstanceOf(AddJurorBody);
    expect({ ...body }).toEqual({ name: 'Anna', chair: true });
  });

  it('refuses a field the contract does not name, and what the path names, in the services error shape', async () => {
    expect(await refusal(AddJurorBody, { name: 'Anna', ceremony: 'x' })).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'ceremony: property ceremony should not exist',
      details: [{ path: 'ceremony', message: 'property ceremony should not exist' }],
    });
    expect((await refusal(CueBody, { action: 'jump', idempotencyKey: 'k' })).details).toEqual([{ path: 'action', message: expect.stringContaining('action must be one of') as string }]);
    expect((await refusal(IssueTokenBody, { role: 'producer', ttlSeconds: 5 })).details).toEqual([{ path: 'ttlSeconds', message: 'ttlSeconds must not be less than 60' }]);
  });

  it('names an entry field by its path in the command (entry.*)', async () => {
    expect((await refusal(SubmitEntryBody, { organisation: 'Lerums kommun', colour: 'guld', contactEmail: 'nej' })).details).toEqual(
      expect.arrayContaining([
        { path: 'entry.colour', message: 'property colour should not exist' },
        { path: 'entry.contactEmail', message: 'contactEmail must be an email' },
      ]),
    );
  });

  it('refuses a body that is not a JSON object; an optional body may be absent', async () => {
    for (const value of [undefined, null, [], 'text', 7, Buffer.from('{}')]) expect((await refusal(SetShortlistBody, value)).message).toBe('body must be a JSON object');
    expect({ ...(await check(RemoveJurorBody, undefined)) }).toEqual({});
    expect((await refusal(RemoveJurorBody, { overrideReason: '' })).details).toEqual([{ path: 'overrideReason', message: expect.stringContaining('overrideReason must be longer') as string }]);
  });

  it('leaves other parameters alone', async () => {
    expect(await pipe.transform('not-a-uuid', { type: 'param', metatype: String, data: 'cat' })).toBe('not-a-uuid');
    expect(await pipe.transform({ any: 1 }, { type: 'body', metatype: Object, data: undefined })).toEqual({ any: 1 });
  });
});

@Controller('probe')
class ProbeController {
  @Put('shortlist')
  shortlist(@Body() body: SetShortlistBody): SetShortlistBody {
    return body;
  }

  @Put('tokens')
  tokens(@Body() body: IssueTokenBody): IssueTokenBody {
    return body;
  }
}

describe('OpenAPI: a body schema written from the same rules', () => {
  let app: INestApplication;
  afterAll(async () => app?.close());

  it('shows each property with its type, bounds and whether it is required', async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController], providers: [{ provide: APP_PIPE, useClass: BodyValidationPipe }] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const schemas = document.components?.schemas as Record<string, { properties: Record<string, unknown>; required?: string[] }>;
    expect(schemas.SetShortlistBody).toEqual({
      type: 'object',
      properties: { entryIds: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, maxItems: 100 } },
      required: ['entryIds'],
    });
    expect(schemas.IssueTokenBody.required).toEqual(['role']);
    expect(schemas.IssueTokenBody.properties).toMatchObject({
      role: { type: 'string', enum: ['producer', 'press', 'screen', 'juror'] },
      jurorId: { type: 'string', format: 'uuid' },
      ttlSeconds: { type: 'integer', minimum: 60 },
    });
    const put = document.paths['/probe/shortlist'].put as { requestBody: { content: Record<string, { schema: unknown }> } };
    expect(put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SetShortlistBody' });
  });
});
