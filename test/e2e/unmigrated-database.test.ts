/**
 * `switchboard api` / `worker` on a database nobody migrated refuse to start with one
 * line naming `switchboard migrate`, instead of answering 500 (`no such table`).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.ts';
import { freePort } from '../support/ports.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';

const BIN = resolve('bin/switchboard.mjs');

describe.each(DIALECTS)('api and worker on an unmigrated %s database', (dialect) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const url = db.database.kind === 'postgresql' ? db.database.url : `sqlite:${db.database.path}`;
    env = {
      PATH: process.env['PATH']!,
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `unmigrated-${Date.now()}`,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      LOG_LEVEL: 'warn',
      PORT: String(await freePort()),
    };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each(['api', 'worker'])('%s refuses to start with one line: run `switchboard migrate`', (command) => {
    const r = spawnSync(process.execPath, [BIN, command], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^switchboard: the database is not migrated \(\d+ migrations? pending.*\): run `switchboard migrate` first$/);
  });

  it('starts once migrated (the check passes on an up-to-date database)', async () => {
    const migrated = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(migrated.status, migrated.stderr).toBe(0);
    // `api` would run until stopped: give it a few seconds, then check it was still up (killed, not exited).
    const r = spawnSync(process.execPath, [BIN, 'api'], { env, encoding: 'utf8', timeout: 8_000, killSignal: 'SIGKILL' });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(r.stderr).not.toContain('not migrated');
  });
});
