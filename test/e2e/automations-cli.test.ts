import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
  const cli = (file: string) =>
    run(process.execPath, [CLI, 'automations', 'apply', file], { env: { PATH: process.env['PATH'] ?? '', SWITCHBOARD_DATA_DIR: dir, LOG_LEVEL: 'silent' } }).then(
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
});
