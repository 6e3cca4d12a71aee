/**
 * The scale-out path: `switchboard migrate`, `switchboard worker` and `switchboard api`
 * as separate processes against an external Temporal and PostgreSQL; `keys create`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { freePort } from '../support/ports.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';

const BIN = resolve('bin/switchboard.mjs');

describe('scale-out commands against PostgreSQL and an external Temporal', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    env = {
      PATH: process.env['PATH']!,
      DATABASE_URL: db.database.kind === 'postgresql' ? db.database.url : '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `scaleout-${Date.now()}`,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await db?.drop();
  });

  function run(args: string[], extra: Record<string, string> = {}) {
    return spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });
  }

  it('migrates once, then reports nothing to do', () => {
    const first = run(['migrate']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/migrations applied: Migration\d+_initial/);
    const second = run(['migrate']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('none (up to date)');
  });

  it('refuses to run api or worker without a master key', () => {
    const r = run(['api'], { SWITCHBOARD_MASTER_KEY: '' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/SWITCHBOARD_MASTER_KEY is required/);
  });

  it('serves the API from one process and runs workflows in another', { timeout: 120_000 }, async () => {
    const created = run(['keys', 'create', '--name', 'ops', '--scopes', 'runs:write']);
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^sb_/);

    const port = await freePort();
    const worker = spawn(process.execPath, [BIN, 'worker'], { env, stdio: 'ignore' });
    const api = spawn(process.execPath, [BIN, 'api'], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
    children.push(worker, api);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('api did not become ready');
      await new Promise((r) => setTimeout(r, 250));
    }
    const res = await fetch(`${base}/api/v1/system/self-check`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, activity: { database: 'ok', dialect: 'PostgreSqlPlatform' } });

    for (const child of [api, worker]) {
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
