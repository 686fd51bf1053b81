// Types of embedded-postgres.mjs for the TypeScript test helpers (test/faults/embedded-postgres.ts).
export declare const SYSTEM_STATE_DIR: string;
export declare const PG_SUPERUSER: string;

export interface PostgresUser {
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  dir: string;
  initdb: string;
  postgres: string;
  /** The user Postgres runs as (root only), else null: it runs as the caller. */
  user: PostgresUser | null;
  /** True when the binaries were copied out of node_modules for the postgres user to reach. */
  copied: boolean;
}

export declare function postgresUser(): PostgresUser | null;
export declare function reachableBy(user: PostgresUser | null, dir: string): boolean;
export declare function postgresBinaries(): PostgresBinaries;
export declare function postgresDataDir(preferred: string, user?: PostgresUser | null): string;
export declare function initCluster(options: { binaries: PostgresBinaries; dataDir: string; password: string; log?: (message: string) => void }): Promise<string>;
export declare function postgresArgs(dataDir: string, port: number): string[];
export declare function postgresSpawnOptions(
  binaries: PostgresBinaries,
  dataDir: string,
): { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv };
