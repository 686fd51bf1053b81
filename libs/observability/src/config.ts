import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';

/** Thrown when the environment is invalid; main() prints the one line and exits. */
export class InvalidEnvironmentError extends Error {}

/** Variables whose value is a secret: an error names them, never prints them (stderr ends up in logs). */
const SECRET_VARIABLE = /TOKEN|PASSWORD|SECRET/i;

function shown(name: string, value: string | undefined): string {
  if (value !== undefined && SECRET_VARIABLE.test(name)) return `<${value.length} characters, not shown>`;
  return JSON.stringify(value ?? '');
}

/**
 * Validates process.env against a class-validator class before boot (immich env.dto habit).
 * A bad value stops start-up with one line: `Invalid environment variables: NAME=value (reason)`.
 */
export function loadEnv<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const values = plainToInstance(cls, { ...env }, { enableImplicitConversion: false });
  const errors = validateSync(values, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const parts = errors.map((e) => `${e.property}=${shown(e.property, env[e.property])} (${Object.values(e.constraints ?? {}).join('; ')})`);
    throw new InvalidEnvironmentError(`Invalid environment variables: ${parts.join(', ')}`);
  }
  return values;
}

/** One variable of a service's environment schema. */
export interface EnvVariable {
  name: string;
  /** Boot fails without it (no @IsOptional). */
  required: boolean;
}

/**
 * The variables an environment class reads (its base classes' included), in declaration order: what the
 * deployment check holds the manifests and the README's environment table to (scripts/lib/deploy/env.mjs).
 */
export function envVariables(cls: new () => object): EnvVariable[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const names = [...new Set(rules.map((r) => r.propertyName))];
  return names.map((name) => ({ name, required: !rules.some((r) => r.propertyName === name && r.type === 'conditionalValidation' && r.name === 'isOptional') }));
}

/** Boots a service, turning an invalid environment into one clear line and exit code 2. */
export async function bootOrExit(service: string, boot: () => Promise<void>): Promise<void> {
  try {
    await boot();
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${service}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
