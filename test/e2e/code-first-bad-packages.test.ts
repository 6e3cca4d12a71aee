/**
 * A bad SWITCHBOARD_WORKFLOW_PACKAGES entry stops `switchboard api`, `worker` and `dev` at
 * start with one line naming the package and the problem (exit 1), before Temporal or the
 * database is touched: a missing package (a folder or an npm name), a workflows module that
 * throws when imported, one that exports no workflow.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';

const BIN = resolve('bin/switchboard.mjs');

const CASES = [
  { packages: './test/fixtures/no-such-workflows', line: /^switchboard: workflow package "\.\/test\/fixtures\/no-such-workflows" \(SWITCHBOARD_WORKFLOW_PACKAGES\): no package at .*no-such-workflows \(no package\.json there\)$/ },
  { packages: 'acme-not-installed-workflows', line: /^switchboard: workflow package "acme-not-installed-workflows" \(SWITCHBOARD_WORKFLOW_PACKAGES\): not installed; run npm install acme-not-installed-workflows$/ },
  {
    packages: './test/fixtures/bad-workflow-packages/throws',
    line: /^switchboard: workflow package "\.\/test\/fixtures\/bad-workflow-packages\/throws" \(SWITCHBOARD_WORKFLOW_PACKAGES\): cannot import \.\/workflows\.js \(ACME_REGION is not set\)$/,
  },
  {
    packages: './test/fixtures/code-workflows,./test/fixtures/bad-workflow-packages/empty',
    line: /^switchboard: workflow package "\.\/test\/fixtures\/bad-workflow-packages\/empty" \(SWITCHBOARD_WORKFLOW_PACKAGES\): \.\/workflows\.js exports no workflow functions$/,
  },
];

describe('bad workflow packages at start', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-bad-packages-'));
    env = {
      PATH: process.env['PATH']!,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      // Nothing listens here: the packages are refused before any connection is made.
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      PORT: String(await freePort()),
    };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Every case on the worker; one each on the API and dev (they share the check; each spawn costs seconds).
  const runs = [...CASES.map((c) => ({ command: 'worker', ...c })), { command: 'api', ...CASES[2]! }, { command: 'dev', ...CASES[3]! }];
  it.each(runs)('$command refuses $packages with one line naming it', ({ command, packages, line }) => {
    const r = spawnSync(process.execPath, [BIN, command], { env: { ...env, SWITCHBOARD_WORKFLOW_PACKAGES: packages }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    // No stack trace, on either stream.
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at /);
  });
});
