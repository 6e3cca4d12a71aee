import { defineConfig } from 'vitest/config';

// `npm run test:upgrade`: the rolling-upgrade test (test/upgrade) alone, on its own dev
// server from the same global setup; `.ci/run` runs it after `npm test`.
export default defineConfig({
  test: {
    include: ['test/upgrade/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/quiet-runtime.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 1_200_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
