// Types of backup.mjs for the TypeScript tests.
export declare const SCHEMAS: string[];
export declare const JETSTREAM_STREAMS: string[];
export declare const BACKUP_USAGE: string;
export declare function pgTool(name: string, major: number): string | null;
export declare function dumpSchemas(options: { url: string; file: string }): Promise<string>;
export declare function restoreSchemas(options: { url: string; file: string }): Promise<{ outboxRows: number }>;
export declare function resetJetStream(options: { natsUrl: string; user?: string; pass?: string }): Promise<{ deleted: string[] }>;
export declare function backup(args: string[]): Promise<number>;
export declare function restore(args: string[]): Promise<number>;
