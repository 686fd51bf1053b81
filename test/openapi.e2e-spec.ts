import { startSystem, type TestSystem } from './support/system.js';

interface Operation {
  requestBody?: { content: Record<string, { schema: { $ref?: string; type?: string; properties?: Record<string, unknown>; required?: string[] } }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

/** Every REST call that takes a body (method, path as OpenAPI writes it): its schema must be in /api/docs. */
const BODIES: Record<string, string[]> = {
  'POST /api/v1/ceremonies': [],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/jurors': ['name'],
  'DELETE /api/v1/ceremonies/{c}/categories/{cat}/jurors/{jurorId}': [],
  'PUT /api/v1/ceremonies/{c}/categories/{cat}/chair': ['jurorId'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/conflicts': ['jurorId', 'nomineeId', 'reason'],
  'PUT /api/v1/ceremonies/{c}/categories/{cat}/ballot': ['scores'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/ballots/{jurorId}/reopen': ['reason'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/verdict': ['motivation'],
  'POST /api/v1/ceremonies/{c}/show/cues': ['action', 'idempotencyKey'],
  'POST /api/v1/ceremonies/{c}/tokens': ['role'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/entries': [],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/entries/import': [],
  'PUT /api/v1/ceremonies/{c}/categories/{cat}/shortlist': ['entryIds'],
  'POST /api/v1/ceremonies/{c}/show/presenter-message': ['text'],
  'POST /api/v1/ceremonies/{c}/show/card-reveals': ['categoryId', 'key', 'idempotencyKey'],
  'POST /api/v1/ceremonies/{c}/keycards': ['publicKey'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/intake/submissions': ['answers'],
  'PUT /api/v1/intake/submission': ['answers'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/intake/submissions/{id}/reject': ['reason'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/screening': [],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/screening/assignment': ['k'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/screening/conflicts': ['jurorId', 'entryId', 'reason'],
  'PUT /api/v1/ceremonies/{c}/categories/{cat}/screening/reviews/{entryId}': ['scores'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/deliberation/{nomineeId}/comments': ['text'],
  'PUT /api/v1/ceremonies/{c}/categories/{cat}/deliberation/{nomineeId}/discussed': ['discussed'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/screening/shortlist/adjustments': ['entryId', 'onShortlist', 'reason'],
  'POST /api/v1/ceremonies/{c}/tickets': ['count'],
  'POST /api/v1/ceremonies/{c}/tickets/status': ['ticket'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/vote/open': ['durationSeconds'],
  'POST /api/v1/ceremonies/{c}/categories/{cat}/votes': ['ticket', 'nomineeId'],
};

describe('OpenAPI (/api/docs): every request body with its schema', () => {
  let system: TestSystem;
  let doc: OpenApi;

  beforeAll(async () => {
    system = await startSystem({ label: 'openapi', services: ['gateway'] });
    const res = await fetch(`${system.gatewayUrl}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  });
  afterAll(async () => system?.dispose());

  it('documents a schema for every route that takes a body, with the fields it requires', () => {
    const withBody = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody !== undefined)
        .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(withBody.map((r) => r.key).sort()).toEqual(Object.keys(BODIES).sort());
    for (const { key, op } of withBody) {
      const [type, { schema }] = Object.entries(op.requestBody!.content)[0];
      const resolved = schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
      // A body class, the ceremony file's JSON Schema, or the CSV text: never an empty object.
      expect({ key, described: resolved !== undefined && (type === 'text/csv' ? schema.type === 'string' : Object.keys(resolved.properties ?? {}).length > 0) }).toEqual({ key, described: true });
      for (const field of BODIES[key]) expect({ key, field, required: resolved.required?.includes(field) }).toEqual({ key, field, required: true });
    }
  });
});
