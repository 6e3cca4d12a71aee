// Lint rules that guard the house rules: determinism in workflows/, typed imports,
// no floating promises, no import cycles, and process.env only in src/config.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'http', 'https', 'net', 'dns', 'os', 'child_process', 'worker_threads', 'stream', 'util', 'url', 'zlib', 'tls', 'events', 'buffer', 'process', 'timers'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.switchboard/**', '.tools/**', 'dist/**', 'console/dist/**', 'coverage/**', 'src/db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
    },
  },
  {
    // Vite and its React plugin publish only an `exports` map (no `main`), which the
    // default legacy resolver cannot read.
    files: ['console/**/*.ts', 'console/**/*.tsx', 'scripts/build-console.ts'],
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
  },
  {
    // Generic defaults of the SDK's public types need `any` (variance of user schemas).
    files: ['connectors/sdk/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.ts', 'activities/**/*.ts', 'connectors/**/*.ts', 'workflows/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflow code must be deterministic: no Node built-ins.' },
            { group: ['@mikro-orm/*', 'express', 'undici', 'pg', 'better-sqlite3', 'nodemailer', 'openai', '@anthropic-ai/*', '@modelcontextprotocol/*', 'axios', 'node-fetch', 'pino', 'pino-*'], message: 'Workflow code must not use I/O libraries; call an activity.' },
            { group: ['**/src/**/*.ts', '!**/src/temporal/constants.ts', '!**/src/temporal/search-attributes.ts'], message: 'Workflows import only pure modules.' },
            { group: ['**/connectors/*/client*', '**/connectors/*/actions/**'], message: 'Connector clients run in activities, not workflows.' },
          ],
          paths: [{ name: '@temporalio/activity', message: 'Activities are proxied, not imported.' }],
        },
      ],
      'no-restricted-globals': ['error', 'fetch', 'setInterval', 'clearInterval', 'process'],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
    },
  },
);
