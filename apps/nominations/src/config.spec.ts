import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminTokenOf } from './config.js';

describe('the admin token nominations owns', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'laurel-admin-token-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes LAUREL_ADMIN_TOKEN when set, and writes no file', () => {
    const file = join(dir, 'admin-token');
    expect(adminTokenOf({ LAUREL_ADMIN_TOKEN: 'from-the-environment-0123', LAUREL_ADMIN_TOKEN_FILE: file })).toEqual({ adminToken: 'from-the-environment-0123', adminTokenSource: { kind: 'env' } });
    expect(() => statSync(file)).toThrow();
  });

  it('unset: generates one into a file only its owner can read (0600, folder 0700), then keeps using it', () => {
    const file = join(dir, 'state', 'admin-token');
    const first = adminTokenOf({ LAUREL_ADMIN_TOKEN_FILE: file });
    expect(first.adminTokenSource).toEqual({ kind: 'file', path: file, generated: true });
    expect(first.adminToken).toMatch(/^lrl_admin_[\w-]{32}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.adminToken);
    const again = adminTokenOf({ LAUREL_ADMIN_TOKEN_FILE: file });
    expect(again).toEqual({ adminToken: first.adminToken, adminTokenSource: { kind: 'file', path: file, generated: false } });
  });

  it('tightens a kept file someone made readable, and refuses one without a token in it', () => {
    const file = join(dir, 'admin-token');
    writeFileSync(file, 'kept-admin-token-0123456789\n');
    chmodSync(file, 0o644);
    expect(adminTokenOf({ LAUREL_ADMIN_TOKEN_FILE: file }).adminToken).toBe('kept-admin-token-0123456789');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, '\n');
    expect(() => adminTokenOf({ LAUREL_ADMIN_TOKEN_FILE: file })).toThrow(/holds no token/);
  });
});
