// Lint rules that guard the house rules: determinism in workflows/, typed imports,
// no floating promises, no import cycles, process.env only in src/config.ts, and the
// layers of ARCHITECTURE.md as import zones (import-x/no-restricted-paths).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import { readdirSync } from 'node:fs';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'http', 'https', 'net', 'dns', 'os', 'child_process', 'worker_threads', 'stream', 'util', 'url', 'zlib', 'tls', 'events', 'buffer', 'process', 'timers'];

// One folder per connector; each may import only the SDK and its own folder.
const connectorFolders = readdirSync(new URL('./connectors', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

// The layer diagram of ARCHITECTURE.md, one zone per arrow. Paths are relative to the
// repository root; `except` entries are relative to their zone's `from`.
const layerZones = [
  // connectors/** → connectors/sdk and libraries only.
  {
    target: './connectors',
    from: ['./src', './activities', './workflows'],
    message: 'Connectors import only connectors/sdk and libraries (ARCHITECTURE.md); inject what they need through the SDK.',
  },
  ...connectorFolders.map((name) => ({
    target: `./connectors/${name}`,
    from: './connectors',
    except: name === 'sdk' ? ['./sdk'] : ['./sdk', `./${name}`],
    message: name === 'sdk' ? 'The SDK imports nothing of ours outside connectors/sdk.' : 'A connector imports only connectors/sdk and its own folder.',
  })),
  // workflows/** → @temporalio/workflow, pure modules and types. These are all the pure
  // modules of ours they may import; activities only as types (see the rule below).
  {
    target: './workflows',
    from: './src',
    except: ['./temporal/constants.ts', './temporal/search-attributes.ts'],
    message: 'Workflows import only pure modules: src/temporal/{constants,search-attributes}.ts.',
  },
  {
    target: './workflows',
    from: './connectors',
    except: ['./sdk/errors.ts', './sdk/events.ts', './sdk/llm-contracts.ts'],
    message: 'Workflows import only the pure SDK modules connectors/sdk/{errors,events,llm-contracts}.ts.',
  },
  {
    target: './workflows',
    from: './activities',
    except: ['./index.ts', './llm.ts', './self-check.ts'],
    message: 'Workflows proxy activities: they import activity modules for types only.',
  },
  // activities/** → connectors, src/ services and shared contracts; never the API (with the MCP endpoint).
  {
    target: './activities',
    from: './src/api',
    message: 'Activities never import src/api (top floor, with the MCP endpoint and its tools).',
  },
  // src/api/** is the top floor (the REST routers, the MCP endpoint and its tools in
  // src/api/mcp): only src/app.ts (and src/api itself) imports it.
  {
    target: ['./src/!(api)/**', './src/!(app).ts', './activities/**', './workflows/**', './connectors/**'],
    from: './src/api',
    message: 'src/api is the top floor: nothing but src/app.ts imports it. Move shared pieces down (src/security, src/schemas, …).',
  },
  // src/app.ts is the HTTP app (it mounts the top floor): only the process composition in
  // src/runtime.ts starts it. Below it nothing imports it, as nothing imports src/api.
  {
    target: ['./src/!(api)/**', './src/!(app|runtime).ts', './activities/**', './workflows/**', './connectors/**'],
    from: './src/app.ts',
    message: 'src/app.ts is the HTTP app: only src/runtime.ts imports it. Move shared pieces down (src/security, src/schemas, …).',
  },
  // Contracts shared by workflows, activities and the API import nothing of ours but pure modules.
  {
    target: ['./workflows/contracts.ts', './connectors/sdk/llm-contracts.ts'],
    from: ['./src', './activities', './workflows'],
    message: 'Shared contracts import nothing of ours except pure modules.',
  },
  {
    target: ['./workflows/contracts.ts', './connectors/sdk/llm-contracts.ts'],
    from: './connectors',
    except: ['./sdk/events.ts', './sdk/llm-contracts.ts'],
    message: 'Shared contracts import nothing of ours except pure modules.',
  },
];

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
    // default legacy resolver cannot read; it fails on lru-cache 11 as well (src/load-cache.ts, src/connections).
    files: ['console/**/*.ts', 'console/**/*.tsx', 'scripts/build-console.ts', 'src/load-cache.ts', 'src/connections/rate-limits.ts'],
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
      // The workflow code is preloaded once and shared by every run in a worker thread
      // (src/temporal/workflow-code.ts): module scope must hold no state a run could change.
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(Program, Program > ExportNamedDeclaration) > VariableDeclaration[kind!="const"]',
          message: 'Workflow modules are shared by every run: no module-level let/var (keep run state inside the workflow function).',
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
    },
  },
  {
    // Layers as lint zones (ARCHITECTURE.md).
    files: ['src/**/*.ts', 'activities/**/*.ts', 'connectors/**/*.ts', 'workflows/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }],
    },
  },
  {
    // Activity modules reach workflows as types only (the zone above allows the modules).
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/activities/**'], allowTypeImports: true, message: 'Workflows proxy activities: import activity modules for types only.' }] },
      ],
    },
  },
);
