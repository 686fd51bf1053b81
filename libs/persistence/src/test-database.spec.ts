import { assertTestDatabase } from './test-database.js';

describe('assertTestDatabase', () => {
  it('refuses a database whose name does not say test', () => {
    expect(() => assertTestDatabase('postgres://postgres@127.0.0.1:5432/laurel')).toThrow(/must say "test"/);
    expect(() => assertTestDatabase('postgres://postgres@127.0.0.1:5432/production')).toThrow();
  });

  it('accepts a test database', () => {
    expect(() => assertTestDatabase('postgres://postgres@127.0.0.1:5432/laurel_test_x')).not.toThrow();
    expect(() => assertTestDatabase('postgres://postgres@127.0.0.1:5432/test')).not.toThrow();
  });
});
