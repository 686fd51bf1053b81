import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { InvalidEnvironmentError, loadEnv } from './config.js';

class Env {
  @Matches(/^postgres:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;
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

  it('names a missing required variable', () => {
    expect(() => loadEnv(Env, {})).toThrow(/DATABASE_URL=""/);
  });
});
