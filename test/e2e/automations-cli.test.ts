import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keyringFromText } from '../../src/security/master-key.ts';
import { dataConverterFor, ENCRYPTED_ENCODING } from '../../src/temporal/codec.ts';
import { freePort } from '../support/ports.ts';
import { TEST_MASTER_KEY } from '../support/stack.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));

describe('switchboard automations apply', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const cli = (file: string, args: string[] = [], env: Record<string, string> = {}) =>
    run(process.execPath, [CLI, 'automations', 'apply', file, ...args], { env: { PATH: process.env['PATH'] ?? '', SWITCHBOARD_DATA_DIR: dir, LOG_LEVEL: 'silent', ...env } }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  it('creates from YAML, saves a new version on the second apply, and lists definition problems', async () => {
    const yamlFile = join(dir, 'hello.yaml');
    await writeFile(yamlFile, 'name: hello\ntrigger: { type: manual }\nsteps:\n  - id: greet\n    type: transform\n    output: "Hello {{ input.name }}"\n');
    const first = await cli(yamlFile);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^created auto_\S+ \(hello\) version 1/);
    const second = await cli(yamlFile);
    expect(second.out).toMatch(/^updated auto_\S+ \(hello\) version 2/);
    const badFile = join(dir, 'bad.json');
    await writeFile(badFile, JSON.stringify({ name: 'bad', trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'transform', output: 1, onError: 'goto:zz' }] }));
    const bad = await cli(badFile);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/goto target "zz"/);
  });

  // Five CLI processes, three of which wait out the 3 s Temporal deadline.
  it('without TEMPORAL_ADDRESS saves schedules through the dev server, and fails fast with one line when nothing answers', { timeout: 120_000 }, async () => {
    const name = `nightly ${Date.now()}`;
    const scheduled = join(dir, 'nightly.yaml');
    await writeFile(scheduled, `name: ${name}\ntrigger: { type: schedule, cron: "0 3 * * *", input: { region: eu } }\nsteps:\n  - { id: t, type: transform, output: "{{ input.region }}" }\n`);
    const manual = join(dir, 'nightly-manual.yaml');
    await writeFile(manual, `name: ${name}\ntrigger: { type: manual }\nsteps:\n  - { id: t, type: transform, output: 1 }\n`);

    // Nothing listens on the port: a clear one-line error naming TEMPORAL_ADDRESS, quickly, and nothing saved.
    const dead = String(await freePort());
    const timed = async (...args: Parameters<typeof cli>) => {
      const t0 = Date.now();
      return { ...(await cli(...args)), ms: Date.now() - t0 };
    };
    const down = await timed(scheduled, ['--temporal-port', dead]);
    expect(down.code).toBe(1);
    expect(down.out).toBe('');
    expect(down.err).toMatch(new RegExp(`^switchboard: no Temporal server answers at 127\\.0\\.0\\.1:${dead} \\(TEMPORAL_ADDRESS is unset.*set TEMPORAL_ADDRESS.*nothing was saved\\n$`));
    expect(down.err.trim().split('\n')).toHaveLength(1);
    // An explicit but unreachable TEMPORAL_ADDRESS names the variable too.
    const explicit = await cli(scheduled, [], { TEMPORAL_ADDRESS: `127.0.0.1:${dead}` });
    expect(explicit.code).toBe(1);
    expect(explicit.err).toMatch(new RegExp(`^switchboard: Temporal at TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${dead} did not answer within 3 s .*nothing was saved\\n$`));

    // The dev server answers on the port: the schedule is created there with its input.
    const port = inject('temporalAddress').split(':').pop()!;
    const created = await timed(scheduled, ['--temporal-port', port]);
    expect(created.err).toBe('');
    // Bounded by the 3 s deadline: about as quick as a successful apply (the SDK's own retries take ~20 s).
    expect(down.ms).toBeLessThan(created.ms + 10_000);
    const id = /^created (auto_\S+) \(nightly \d+\) version 1\n$/.exec(created.out)?.[1];
    expect(id).toBeDefined();
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      const handle = new Client({ connection }).schedule.getHandle(`automation:${id}`);
      expect((await handle.describe()).action).toMatchObject({ taskQueue: 'switchboard', args: [{ automationId: id, version: 1, input: { region: 'eu' } }] });
      // Replacing the schedule trigger needs Temporal too (the schedule must go): refused while it is unreachable.
      const refused = await cli(manual, ['--temporal-port', dead]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/no Temporal server answers/);
      const replaced = await cli(manual, ['--temporal-port', port]);
      expect(replaced.out).toBe(`updated ${id} (${name}) version 2\n`);
      await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    } finally {
      await new Client({ connection }).schedule.getHandle(`automation:${id}`).delete().catch(() => undefined);
      await connection.close();
    }
  });

  it('seals a schedule\'s input with the payload codec when payload encryption is on', async () => {
    const marker = `secret-region-${Date.now()}`;
    const file = join(dir, 'sealed.yaml');
    await writeFile(file, `name: sealed ${Date.now()}\ntrigger: { type: schedule, cron: "0 4 * * *", input: { region: ${marker} } }\nsteps:\n  - { id: t, type: transform, output: "{{ input.region }}" }\n`);
    const port = inject('temporalAddress').split(':').pop()!;
    const applied = await cli(file, ['--temporal-port', port], { SWITCHBOARD_PAYLOAD_ENCRYPTION: 'true', SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY });
    expect(applied.err).toBe('');
    const id = /^created (auto_\S+) /.exec(applied.out)?.[1];
    expect(id).toBeDefined();
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      const raw = await connection.workflowService.describeSchedule({ namespace: 'default', scheduleId: `automation:${id}` });
      const payload = raw.schedule?.action?.startWorkflow?.input?.payloads?.[0];
      expect(Buffer.from(payload?.metadata?.['encoding'] ?? []).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(payload?.data ?? []).toString('latin1')).not.toContain(marker);
      const decoding = new Client({ connection, dataConverter: dataConverterFor({ payloadEncryption: true }, keyringFromText(TEST_MASTER_KEY)) });
      expect((await decoding.schedule.getHandle(`automation:${id}`).describe()).action).toMatchObject({ args: [{ input: { region: marker } }] });
    } finally {
      await new Client({ connection }).schedule.getHandle(`automation:${id}`).delete().catch(() => undefined);
      await connection.close();
    }
  });
});
