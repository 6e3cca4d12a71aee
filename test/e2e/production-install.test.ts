/**
 * The production install exactly as docker/Dockerfile's runtime stage makes it: package.json
 * and package-lock.json in an empty directory, literal `npm ci --omit=dev` (which refuses a
 * lock file out of sync with package.json), then bin/switchboard.mjs, dist/ and console/dist
 * beside it. That install must run `--help`, `migrate` and an `api` that answers /readyz
 * against the test stack's Temporal and PostgreSQL, with no dev dependency present.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DIST, ensureBuild, REPO_ROOT } from '../support/build.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { freePort } from '../support/ports.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout = 300_000) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('npm ci --omit=dev: the production install', () => {
  let app = '';
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let api: ChildProcess | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    ensureBuild();
    app = mkdtempSync(join(tmpdir(), 'sb-production-install-'));
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(REPO_ROOT, file), join(app, file));
    const t = Date.now();
    // Resolved from the npm cache the repo's own install filled (--prefer-offline).
    sh('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], app, process.env);
    timings['npm ci --omit=dev'] = Date.now() - t;
    cpSync(join(REPO_ROOT, 'bin/switchboard.mjs'), join(app, 'bin/switchboard.mjs'));
    cpSync(DIST, join(app, 'dist'), { recursive: true });
    cpSync(join(REPO_ROOT, 'console/dist'), join(app, 'console/dist'), { recursive: true });
    db = await createTestDatabase('postgresql');
    env = {
      PATH: process.env['PATH'],
      NODE_ENV: 'production',
      DATABASE_URL: db.database.kind === 'postgresql' ? db.database.url : '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `production-install-${Date.now()}`,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_DATA_DIR: join(app, '.switchboard'),
      LOG_LEVEL: 'warn',
    };
  }, 600_000);

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    }
    await db?.drop();
    if (app) rmSync(app, { recursive: true, force: true });
    console.log(`production install timings (ms): ${JSON.stringify(timings)}`);
  });

  it('installs no dev dependency', () => {
    for (const dev of ['tsx', 'typescript', 'vitest', 'vite', 'node']) expect(existsSync(join(app, 'node_modules', dev))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@temporalio/worker'))).toBe(true);
  });

  it('runs --help and migrate from the install', () => {
    const help = sh(process.execPath, ['bin/switchboard.mjs', '--help'], app, env);
    for (const command of ['api', 'worker', 'migrate']) expect(help).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(sh(process.execPath, ['bin/switchboard.mjs', 'migrate'], app, env, 60_000)).toMatch(/migrations applied/);
  });

  it('serves /readyz from `switchboard api`', { timeout: 90_000 }, async () => {
    const port = await freePort();
    api = spawn(process.execPath, ['bin/switchboard.mjs', 'api'], { cwd: app, env: { ...env, PORT: String(port) }, stdio: 'ignore' });
    const t = Date.now();
    const deadline = t + 60_000;
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (Date.now() > deadline || api.exitCode !== null) throw new Error(`api did not become ready (exit ${api.exitCode})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    timings['api ready'] = Date.now() - t;
  });
});
