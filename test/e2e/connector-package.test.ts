/**
 * The shipped artifact: the compiled build runs with plain Node, and a third-party
 * connector package uses the packed SDK. `npm pack` the project, install the tarball
 * into a scratch connector project outside the repo, check the SDK's types with tsc,
 * run the contract kit on a plain-JavaScript connector, and load that package into a
 * running Switchboard (from the installed tarball) through SWITCHBOARD_CONNECTOR_PACKAGES.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { DIST, ensureBuild, REPO_ROOT } from '../support/build.ts';
import { freePort } from '../support/ports.ts';
import { loadHistories } from '../replay/histories.ts';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/widgets-connector-package');
const KEY = 'sb_connector_package_test_key_0123456789';
const TYPES_CHECK = `
import { defineAction, defineConnector, z, type ConnectorDefinition } from 'switchboard/sdk';
import type { ContractHarness } from 'switchboard/testing';
import type { SwitchboardClientOptions } from 'switchboard/client';

const lookup = defineAction({
  description: 'Look up', input: z.object({ id: z.string() }), output: z.object({ length: z.number() }), idempotent: true,
  async run(_ctx, input) { return { length: input.id.length }; },
});
export const typed: ConnectorDefinition = defineConnector({
  key: 'typed', displayName: 'Typed', version: '1.0.0', description: 'types only',
  config: z.object({}), secrets: z.object({}), actions: { lookup },
});
export const wrong = defineAction({
  description: 'Wrong output', input: z.object({ id: z.string() }), output: z.object({ length: z.number() }), idempotent: true,
  // @ts-expect-error the output schema says length is a number
  async run(_ctx, input) {
    return { length: input.id };
  },
});
export type Used = [ContractHarness['runAction'], SwitchboardClientOptions];
`;

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeout = 240_000) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('the packed SDK in a third-party connector package', () => {
  let scratch = '';
  let fake: HttpFake | undefined;
  let server: ChildProcess | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let t = Date.now();
    ensureBuild();
    timings['build'] = Date.now() - t;
    scratch = mkdtempSync(join(tmpdir(), 'sb-connector-package-'));
    t = Date.now();
    const [packed] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', scratch], REPO_ROOT)) as { filename: string }[];
    timings['pack'] = Date.now() - t;
    const project = join(scratch, 'widgets');
    cpSync(FIXTURE, project, { recursive: true });
    t = Date.now();
    // Resolved from the npm cache the repo's own install filled (--prefer-offline).
    sh('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, packed!.filename)], project);
    timings['install'] = Date.now() - t;
  }, 600_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await fake?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    console.log(`connector package timings (ms): ${JSON.stringify(timings)}`);
  });

  const project = () => join(scratch, 'widgets');
  const installed = () => join(project(), 'node_modules', 'switchboard');

  it('ships compiled JavaScript, declarations and the prebuilt workflow bundle, and no TypeScript sources', () => {
    expect(existsSync(join(installed(), 'dist/connectors/sdk/index.js'))).toBe(true);
    expect(existsSync(join(installed(), 'dist/connectors/sdk/index.d.ts'))).toBe(true);
    expect(existsSync(join(installed(), 'dist/src/cli/main.js.map'))).toBe(true);
    expect(existsSync(join(installed(), 'dist/workflow-bundle.js'))).toBe(true);
    expect(existsSync(join(installed(), 'src'))).toBe(false);
    // No TypeScript loader anywhere in the install: tsx is a dev dependency of Switchboard.
    expect(existsSync(join(project(), 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(project(), 'node_modules', 'typescript'))).toBe(false);
  });

  it('runs the CLI from dist/ with plain Node', () => {
    const out = sh(process.execPath, [join(installed(), 'bin/switchboard.mjs'), '--version'], project());
    expect(out.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    // dist/src/cli/main.js directly (no bin wrapper): every command loads from the production install.
    const help = sh(process.execPath, [join(installed(), 'dist/src/cli/main.js'), '--help'], project());
    for (const command of ['api', 'worker', 'migrate', 'deploy']) expect(help).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('has a worker of the build load the prebuilt workflow bundle', () => {
    const code = `import('./node_modules/switchboard/dist/src/temporal/workflow-code.js').then((m) => console.log(JSON.stringify(m.workflowCodeOptions())))`;
    const opts = JSON.parse(sh(process.execPath, ['--input-type=module', '-e', code], project())) as { workflowBundle?: { codePath: string } };
    expect(opts).toEqual({ workflowBundle: { codePath: join(installed(), 'dist/workflow-bundle.js') } });
  });

  it('gives TypeScript consumers the SDK types from dist/', () => {
    writeFileSync(join(project(), 'types-check.ts'), TYPES_CHECK);
    writeFileSync(
      join(project(), 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2023', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['types-check.ts'] }),
    );
    // The @ts-expect-error line makes this a real check: were the declarations missing or
    // `any`, the directive would be unused and tsc would fail.
    sh(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project());
  });

  it('passes the contract kit on a real worker of the installed package', { timeout: 180_000 }, () => {
    const r = spawnSync(process.execPath, ['contract.js'], {
      cwd: project(),
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], TEMPORAL_ADDRESS: inject('temporalAddress') },
      encoding: 'utf8',
      timeout: 170_000,
    });
    const checks = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { check: string; ok: boolean; error?: string });
    expect(checks.filter((c) => !c.ok), r.stderr).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(5);
    expect(r.status).toBe(0);
  });

  it('loads into a running Switchboard through SWITCHBOARD_CONNECTOR_PACKAGES and runs the action', { timeout: 180_000 }, async () => {
    fake = await httpFake((req) => (req.url === '/widgets/w7' ? { body: { id: 'w7', name: 'Gear' } } : { status: 404, body: { error: 'no such widget' } }));
    const port = await freePort();
    server = spawn(process.execPath, [join(installed(), 'bin/switchboard.mjs'), 'dev'], {
      cwd: project(),
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        PORT: String(port),
        SWITCHBOARD_DATA_DIR: join(scratch, 'data'),
        SWITCHBOARD_API_KEY: KEY,
        SWITCHBOARD_CONNECTOR_PACKAGES: '.',
        SWITCHBOARD_SSRF_ALLOW: '127.0.0.1',
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `connector-package-${Date.now()}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const deadline = Date.now() + 90_000;
    while (!(await fetch(`${base}/readyz`).then((r) => r.ok, () => false))) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`switchboard did not become ready:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const described = await fetch(`${base}/api/v1/connectors/widgets`, { headers });
    expect(described.status).toBe(200);
    expect(await described.json()).toMatchObject({ key: 'widgets', displayName: 'Widgets' });

    const created = await fetch(`${base}/api/v1/connections`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ connector: 'widgets', name: 'widgets', config: { baseUrl: fake.url }, secrets: { apiKey: 'widgets-secret-key-123' } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const ran = await fetch(`${base}/api/v1/connections/${id}/actions/get_widget`, { method: 'POST', headers, body: JSON.stringify({ input: { id: 'w7' } }) });
    expect(await ran.json()).toMatchObject({ output: { id: 'w7', name: 'Gear' } });
    expect(ran.status).toBe(200);
    expect(fake.requests().at(-1)?.headers['x-api-key']).toBe('widgets-secret-key-123');

    // A ConnectorError the package throws from its own import of the SDK keeps its code.
    const forbidden = await fetch(`${base}/api/v1/connections/${id}/actions/get_widget`, { method: 'POST', headers, body: JSON.stringify({ input: { id: 'forbidden' } }) });
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });
});

describe('the prebuilt workflow bundle', () => {
  it('replays every recorded history of the replay gate', { timeout: 300_000 }, async () => {
    ensureBuild();
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: join(DIST, 'workflow-bundle.js') }, replayName: 'prebuilt-bundle-replay' }, await loadHistories())) {
      results.push(r);
    }
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  });
});
