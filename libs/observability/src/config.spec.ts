import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { InvalidEnvironmentError, loadEnv } from './config.js';

class Env {
  @Matches(/^postgres:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString() @MinLength(16)
  LAUREL_ADMIN_TOKEN?: string;
}

describe('loadEnv', () => {
  it('returns typed values for a good environment', () => {
    expect(loadEnv(Env, { DATABASE_URL: 'postgres://u@h/db', PORT: '3101' })).toMatchObject({ DATABASE_URL: 'postgres://u@h/db', PORT: 3101 });
  });

  it('stops with one line naming each bad variable and its value', () => {
    expect(() => loadEnv(Env, { DATABASE_URL: 'mysql://nope', PORT: '70000' })).toThrow(InvalidEnvironmentError);
    try {
      loadEnv(Env, { DATABASE_URL: 'mysql://nope', PORT: '70000' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toMatch(/^Invalid environment variables: /);
      expect(message).toContain('DATABASE_URL="mysql://nope" (must be a postgres:// URL)');
      expect(message).toContain('PORT="70000"');
    }
  });

  it('names a bad secret without printing it (stderr lands in logs)', () => {
    expect(() => loadEnv(Env, { DATABASE_URL: 'postgres://u@h/db', LAUREL_ADMIN_TOKEN: 'short-secret' })).toThrow('LAUREL_ADMIN_TOKEN=<12 characters, not shown>');
    expect(() => loadEnv(Env, { DATABASE_URL: 'postgres://u@h/db', LAUREL_ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('names a missing required variable', () => {
    expect(() => loadEnv(Env, {})).toThrow(/DATABASE_URL=""/);
  });
});
