/**
 * `switchboard automations apply|list|run` as a user runs them: the real CLI process,
 * talking HTTP to a started stack. Apply goes through the API, so running it from
 * another directory opens (and creates) no database file.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));

describe('switchboard automations (through the API)', () => {
  let dir: string;
  let stack: TestStack;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-cli-'));
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });
  // cwd: an empty directory, no DATABASE_URL or data dir: only the API may be written to.
  const cli = (args: string[]) =>
    run(process.execPath, [CLI, ...args], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', SWITCHBOARD_URL: stack.baseUrl, SWITCHBOARD_API_KEY: TEST_API_KEY } }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  it('applies from YAML (create, then a new version by name), lists, runs and waits, and lists definition problems', { timeout: 120_000 }, async () => {
    const name = `hello ${Date.now()}`;
    const yamlFile = join(dir, 'hello.yaml');
    await writeFile(yamlFile, `name: ${name}\ntrigger: { type: manual }\nsteps:\n  - id: greet\n    type: transform\n    output: "Hello {{ input.name }}"\n`);
    const first = await cli(['automations', 'apply', yamlFile]);
    expect(first.err).toBe('');
    const id = new RegExp(`^created (auto_\\S+) \\(${name}\\) version 1\\n$`).exec(first.out)?.[1];
    expect(id).toBeDefined();
    const second = await cli(['automations', 'apply', yamlFile]);
    expect(second.out).toBe(`updated ${id} (${name}) version 2\n`);
    // The API holds it, in the stack's database.
    expect(((await (await stack.api(`/api/v1/automations/${id}`)).json()) as { version: number }).version).toBe(2);

    const listed = await cli(['automations', 'list', '--json']);
    expect(JSON.parse(listed.out)).toEqual(expect.arrayContaining([expect.objectContaining({ id, name, version: 2 })]));
    const table = await cli(['automations', 'list']);
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+V\s+TRIGGER\s+UPDATED$/);
    expect(table.out).toMatch(new RegExp(`^${id}\\s+${name}\\s+2\\s+manual\\s`, 'm'));

    // By name, waiting for the outputs.
    const ran = await cli(['automations', 'run', name, '--input', '{"name":"Ada"}', '--wait', '--interval', '200']);
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(new RegExp(`^run:${id}:\\S+ completed\\n`));
    expect(ran.out).toContain('"greet": "Hello Ada"');
    const started = await cli(['automations', 'run', id!, '--idempotency-key', 'k1', '--json']);
    const again = await cli(['automations', 'run', id!, '--idempotency-key', 'k1', '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ workflowId: (JSON.parse(started.out) as { workflowId: string }).workflowId, duplicate: true });

    const badFile = join(dir, 'bad.json');
    await writeFile(badFile, JSON.stringify({ name: `bad ${Date.now()}`, trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: 1, onError: 'goto:zz' }] }));
    const bad = await cli(['automations', 'apply', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^switchboard: 400 INVALID_INPUT/);
    expect(bad.err).toMatch(/goto target "zz"/);
    expect(bad.err).not.toMatch(/\n\s+at /);
    const unnamed = join(dir, 'unnamed.yaml');
    await writeFile(unnamed, 'trigger: { type: manual }\nsteps: []\n');
    expect((await cli(['automations', 'apply', unnamed])).err).toBe(`switchboard: ${unnamed}: invalid definition: needs a name (apply matches automations by name)\n`);
    const unknown = await cli(['automations', 'run', `nobody ${Date.now()}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no automation is named/);

    // Nothing but the files written here: no .switchboard directory, no SQLite file.
    expect((await readdir(dir)).sort()).toEqual(['bad.json', 'hello.yaml', 'unnamed.yaml']);
  });

  it('saves and replaces a schedule trigger through the API (the API holds the Temporal connection)', async () => {
    const name = `nightly ${Date.now()}`;
    const scheduled = join(dir, 'nightly.yaml');
    await writeFile(scheduled, `name: ${name}\ntrigger: { type: schedule, cron: "0 3 * * *", input: { region: eu } }\nsteps:\n  - { id: t, type: transform, output: "{{ input.region }}" }\n`);
    const created = await cli(['automations', 'apply', scheduled, '--json']);
    expect(created.err).toBe('');
    const { id, version, created: isNew } = JSON.parse(created.out) as { id: string; version: number; created: boolean };
    expect({ version, isNew }).toEqual({ version: 1, isNew: true });
    const handle = stack.services.temporal.client.schedule.getHandle(`automation:${id}`);
    try {
      expect((await handle.describe()).action).toMatchObject({ args: [{ automationId: id, version: 1, input: { region: 'eu' } }] });
      await writeFile(scheduled, `name: ${name}\ntrigger: { type: manual }\nsteps:\n  - { id: t, type: transform, output: 1 }\n`);
      expect((await cli(['automations', 'apply', scheduled])).out).toBe(`updated ${id} (${name}) version 2\n`);
      await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    } finally {
      await handle.delete().catch(() => undefined);
    }
  });
});
