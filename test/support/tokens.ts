import type { IssuedToken } from '#contracts';
import type { TestSystem } from './system.js';

/** A token of `role` for the ceremony at `base` (`/api/v1/ceremonies/<slug>`), issued by the admin; 201 expected. */
export async function issueToken(system: TestSystem, base: string, role: string): Promise<string> {
  const issued = await system.http<IssuedToken>('POST', `${base}/tokens`, { token: system.adminToken, body: { role } });
  expect(issued.status).toBe(201);
  return issued.body.token;
}
