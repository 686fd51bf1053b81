import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { domainConfig, DomainServiceEnv, type DomainServiceConfig } from '#messaging';

/** Environment of nominations, validated before boot: a domain service's, plus the admin token it owns. */
export class NominationsEnv extends DomainServiceEnv {
  /**
   * The organiser's bearer token. Only nominations holds it: it writes the admin grant (by the token's
   * sha256) into the access KV bucket, which every service and the gateway resolve tokens from.
   */
  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  LAUREL_ADMIN_TOKEN?: string;

  /** Where a generated admin token is kept (mode 0600) when LAUREL_ADMIN_TOKEN is unset. */
  @IsOptional() @IsString()
  LAUREL_ADMIN_TOKEN_FILE?: string;
}

/** The environment schema the deployment check and the README's table are held to. */
export const SERVICE_ENV = NominationsEnv;

export const NOMINATIONS_CONFIG = Symbol('NOMINATIONS_CONFIG');

export interface NominationsConfig extends DomainServiceConfig {
  adminToken: string;
  /** How the admin token was found, for the boot log (never the token itself). */
  adminTokenSource: { kind: 'env' } | { kind: 'file'; path: string; generated: boolean };
}

/** `~/.laurel/admin-token` of the service's user (in the images: /home/node/.laurel/admin-token). */
export const DEFAULT_ADMIN_TOKEN_FILE = join(homedir(), '.laurel', 'admin-token');

/**
 * The admin token: LAUREL_ADMIN_TOKEN, else the one kept in the token file, else a new one written there
 * with mode 0600 (created exclusively, so two processes never both generate one). It is never logged.
 */
export function adminTokenOf(env: Pick<NominationsEnv, 'LAUREL_ADMIN_TOKEN' | 'LAUREL_ADMIN_TOKEN_FILE'>): Pick<NominationsConfig, 'adminToken' | 'adminTokenSource'> {
  if (env.LAUREL_ADMIN_TOKEN) return { adminToken: env.LAUREL_ADMIN_TOKEN, adminTokenSource: { kind: 'env' } };
  const path = resolve(env.LAUREL_ADMIN_TOKEN_FILE ?? DEFAULT_ADMIN_TOKEN_FILE);
  const kept = () => {
    // Readable by the service's user only: tighten a file someone loosened.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    const token = readFileSync(path, 'utf8').trim();
    if (token.length < 16) throw new Error(`the admin token file ${path} holds no token of at least 16 characters; delete it or set LAUREL_ADMIN_TOKEN`);
    return token;
  };
  if (existsSync(path)) return { adminToken: kept(), adminTokenSource: { kind: 'file', path, generated: false } };
  const token = `lrl_admin_${randomBytes(24).toString('base64url')}`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${token}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { adminToken: kept(), adminTokenSource: { kind: 'file', path, generated: false } };
    throw new Error(`LAUREL_ADMIN_TOKEN is not set and the generated admin token cannot be kept in ${path} (${(error as Error).message}); set LAUREL_ADMIN_TOKEN or LAUREL_ADMIN_TOKEN_FILE`, { cause: error });
  }
  return { adminToken: token, adminTokenSource: { kind: 'file', path, generated: true } };
}

export function nominationsConfig(env: NominationsEnv, defaultPort = 3101): NominationsConfig {
  return { ...domainConfig(env, defaultPort), ...adminTokenOf(env) };
}
