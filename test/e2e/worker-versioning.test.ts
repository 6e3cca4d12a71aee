/**
 * Worker Deployment Versioning on a real dev server: a worker of the compiled build with
 * SWITCHBOARD_WORKER_DEPLOYMENT reports `<deployment>.<version>-<bundle hash>`,
 * `switchboard deploy` makes it current, and a run started afterwards runs on it with its declared behaviour
 * (read from Temporal's describe, not from logs).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DIST, ensureBuild, REPO_ROOT } from '../support/build.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';

const BIN = join(REPO_ROOT, 'bin/switchboard.mjs');

describe('versioned workers of the compiled build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-versioning-'));
  const deployment = `sb-test-${Date.now()}`;
  const taskQueue = `versioning-${Date.now()}`;
  let env: Record<string, string>;
  let worker: ChildProcess | undefined;
  let connection: Connection | undefined;

  beforeAll(() => {
    ensureBuild();
    env = {
      PATH: process.env['PATH']!,
      HOME: process.env['HOME'] ?? dir,
      NODE_ENV: 'production',
      DATABASE_URL: `sqlite:${join(dir, 'sb.sqlite')}`,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_WORKER_DEPLOYMENT: deployment,
      LOG_LEVEL: 'warn',
    };
  }, 300_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await connection?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });

  it('refuses to derive a build id from the TypeScript sources', () => {
    const r = run(['deploy', '--wait', '1'], { NODE_ENV: 'development' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('needs the compiled build');
  });

  it('deploys the build as the current version and new runs start on it with their declared behaviour', { timeout: 180_000 }, async () => {
    expect(run(['migrate']).status).toBe(0);
    worker = spawn(process.execPath, [BIN, 'worker'], { env, stdio: 'ignore' });

    const { version, workflowBundleSha256 } = JSON.parse(readFileSync(join(DIST, 'build-info.json'), 'utf8')) as { version: string; workflowBundleSha256: string };
    const buildId = `${version}-${workflowBundleSha256.slice(0, 12)}`;
    const deployed = run(['deploy', '--wait', '90']);
    expect(deployed.stderr).toBe('');
    expect(deployed.stdout.trim()).toBe(`current version: ${deployment}.${buildId}`);

    connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection });
    const handle = await client.workflow.start('selfCheckWorkflow', { taskQueue, workflowId: `versioning-${Date.now()}` });
    expect(await handle.result()).toMatchObject({ ok: true });

    const described = await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: handle.workflowId } });
    const info = described.workflowExecutionInfo?.versioningInfo;
    // The self-check declares AUTO_UPGRADE (workflows/self-check.ts); automation runs are covered by test/upgrade.
    expect(info?.behavior).toBe(temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE);
    expect(info?.deploymentVersion).toMatchObject({ deploymentName: deployment, buildId });
  });
});
