/**
 * `switchboard dev` as a user runs it: one command brings up Temporal (with Web UI),
 * the worker and the API; SIGINT stops the whole tree; a restart keeps the data.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceRetentionDays } from '../../src/temporal/retention.ts';
import { freePort } from '../support/ports.ts';

const BIN = resolve('bin/switchboard.mjs');
const KEY = 'e2e-bootstrap-key-0123456789';

interface Ports {
  api: number;
  temporal: number;
  ui: number;
}

function startDev(dataDir: string, ports: Ports): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, [BIN, 'dev', '--temporal-port', String(ports.temporal)], {
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      PORT: String(ports.api),
      TEMPORAL_UI_PORT: String(ports.ui),
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_API_KEY: KEY,
      TEMPORAL_CLI_PATH: inject('temporalCliPath'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready on ${port} within ${timeoutMs} ms`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

async function stopWithSignal(child: ChildProcess, signal: NodeJS.Signals): Promise<number> {
  const exited = new Promise<number>((res) => child.once('exit', (code) => res(code ?? -1)));
  child.kill(signal);
  return exited;
}

describe('switchboard dev', () => {
  let dataDir: string;
  let ports: Ports;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sb-dev-'));
    ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('comes up, stops cleanly on SIGINT, and keeps its data across a restart', { timeout: 180_000 }, async () => {
    const first = startDev(dataDir, ports);
    children.push(first.child);
    await waitReady(ports.api, 120_000);
    expect(first.output()).toContain(`http://127.0.0.1:${ports.ui}`);
    expect(first.output()).toContain(dataDir);

    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.api}/api/v1/system`)).status).toBe(401);
    const check = await fetch(`http://127.0.0.1:${ports.api}/api/v1/system/self-check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(check.status).toBe(200);
    const { workflowId } = (await check.json()) as { workflowId: string };

    const stoppedAt = Date.now();
    expect(await stopWithSignal(first.child, 'SIGINT')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    for (const port of [ports.api, ports.temporal, ports.ui]) expect(await portFree(port)).toBe(true);

    const second = startDev(dataDir, ports);
    children.push(second.child);
    await waitReady(ports.api, 120_000);
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const client = new Client({ connection });
      const described = await client.workflow.getHandle(workflowId).describe();
      expect(described.status.name).toBe('COMPLETED');
      const listed: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) listed.push(wf.workflowId);
      expect(listed).toEqual([workflowId]);
      // The embedded namespace keeps closed runs for the dedupe window (7 days by default).
      expect(await namespaceRetentionDays(connection, 'default')).toBe(7);
    } finally {
      await connection.close();
    }
    expect(await stopWithSignal(second.child, 'SIGTERM')).toBe(0);
    for (const port of [ports.api, ports.temporal, ports.ui]) expect(await portFree(port)).toBe(true);
  });

  it('uses an external Temporal when TEMPORAL_ADDRESS is set', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-dev-ext-'));
    const apiPort = await freePort();
    const child = spawn(process.execPath, [BIN, 'dev'], {
      env: { PATH: process.env['PATH'], PORT: String(apiPort), SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_API_KEY: KEY, TEMPORAL_ADDRESS: inject('temporalAddress'), LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    children.push(child);
    try {
      await waitReady(apiPort, 90_000);
      const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/system/self-check`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(200);
      const { readdir } = await import('node:fs/promises');
      const files = await readdir(dir);
      expect(files).toContain('switchboard.sqlite');
      expect(files).toContain('master.key');
      expect(files).not.toContain('temporal.sqlite');
      expect(await stopWithSignal(child, 'SIGINT')).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits non-zero naming a bad variable', () => {
    const r = spawnSync(process.execPath, [BIN, 'dev'], { env: { PATH: process.env['PATH'], PORT: 'abc' }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/PORT must be a number/);
  });
});
