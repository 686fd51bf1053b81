// ESLint flat config: type-aware typescript-eslint over the TypeScript sources.
// The three promise/exhaustiveness rules are errors because each one is a real bug class in a
// message-driven system: a dropped promise loses an ack or an error, a promise passed where a
// callback is expected runs unawaited, and a new scene/event kind must not fall through a switch.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/**', '**/dist/**', 'node_modules/**', 'apps/web/dist/**', 'coverage/**', '.laurel/**', '**/*.js', '**/*.cjs', 'bench/**/*.mjs', 'deploy/**'],
  },
  {
    // scripts/: the launcher and the checks, JavaScript type-checked through JSDoc (tsconfig.scripts.json).
    files: ['scripts/**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.scripts.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // TypeScript checks names (checkJs); ESLint's no-undef knows no Node globals without a list.
      'no-undef': 'off',
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // node:test cases: `test(…)` registers a case; its promise is the runner's.
    files: ['scripts/**/*.test.mjs'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['apps/*/src/**/*.ts', 'apps/web/vite.config.ts', 'libs/*/src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts', 'scripts/lib/*.spec.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `any` is allowed as a warning, so its unsafe-* consequences are warnings too, not a wall of errors.
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      // Style, auto-fixable with --fix: a warning, not a failed build.
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
      // Nest controllers and message handlers are often `async` by contract without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // Nest modules are classes with decorators and no members.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  {
    // One logger: service code logs through contextLogger (pino, #observability), not Nest's static Logger.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@nestjs/common', importNames: ['Logger'], message: 'log with contextLogger() from #observability (one pino logger per process)' }] }],
    },
  },
  {
    // Tests: jest's expect(...).rejects and mocks trip the unbound-method rule without being bugs.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
