// Types of backup.mjs for the TypeScript tests.
export declare const SCHEMAS: string[];
export declare const JETSTREAM_STREAMS: string[];
export declare const REPLAYED_CONSUMERS: { stream: string; consumer: string }[];
export declare const MIGRATIONS_TABLE: string;
export declare const BACKUP_USAGE: string;
/** A TypeORM migration class, as the services' migrations/index.ts list them. */
export type MigrationClass = new () => object;
export type MigrationsBySchema = Record<string, MigrationClass[]>;
export declare function dumpSchemas(options: { url: string; file: string; progress?: (message: string) => void }): Promise<{ file: string; tables: number; rows: number; bytes: number; ms: number }>;
export declare function verifyBackupFile(file: string): Promise<import('./backup-format.mjs').BackupHeader>;
export declare function restoreSchemas(options: {
  url: string;
  file: string;
  migrations: MigrationsBySchema;
  progress?: (message: string) => void;
}): Promise<{ outboxRows: number; tables: number; rows: number; later: Record<string, string[]>; ms: number }>;
export declare function restorePgDump(options: { url: string; file: string }): Promise<{ outboxRows: number }>;
export declare function resetJetStream(options: { natsUrl: string; user?: string; pass?: string }): Promise<{ deleted: string[]; rewound: string[] }>;
export declare function backup(args: string[]): Promise<number>;
export declare function restore(args: string[]): Promise<number>;
