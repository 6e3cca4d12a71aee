import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// One run covers every tier (unit, workflows on the time-skipping server,
// integration and e2e on a real dev server, replay). Two workers: the machines
// have two cores, and every Temporal test also runs a server. The rolling-upgrade test
// (test/upgrade, minutes long) runs on its own: `npm run test:upgrade` (vitest.upgrade.config.ts).
export default defineConfig({
  // Connector packages in test/fixtures (acme-ai-providers) import the SDK by its published name;
  // inside the repo that is the source (tsconfig.json has the same path).
  resolve: {
    alias: [
      { find: /^switchboard\/sdk$/, replacement: fileURLToPath(new URL('./connectors/sdk/index.ts', import.meta.url)) },
      // Code-first workflow packages (test/fixtures/code-workflows, examples/code-first) import switchboard/workflow.
      { find: /^switchboard\/workflow$/, replacement: fileURLToPath(new URL('./workflows/code/index.ts', import.meta.url)) },
      { find: /^switchboard\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
    ],
  },
  test: {
    // examples/*: the example projects' own tests (CI runs them with the rest).
    include: ['test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/upgrade/**'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/quiet-runtime.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    sequence: { hooks: 'stack' },
  },
});
