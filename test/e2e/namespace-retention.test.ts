/**
 * The dedupe window is the namespace retention: `switchboard migrate` against a cluster
 * warns when the retention is shorter than SWITCHBOARD_DEDUPE_WINDOW_DAYS, and raises it
 * with `--set-retention`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nanoid } from '../../src/security/random.ts';
import { namespaceRetentionDays } from '../../src/temporal/retention.ts';

const BIN = resolve('bin/switchboard.mjs');

describe('switchboard migrate and the namespace retention', () => {
  let dir: string;
  let connection: Connection;
  const namespace = `retention-${nanoid(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-retention-'));
    connection = await Connection.connect({ address: inject('temporalAddress') });
    // A namespace as a cluster admin might have made it: 1 day, shorter than the 7-day window.
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: 86_400 } as never });
  });
  afterAll(async () => {
    await connection?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const migrate = (args: string[] = [], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, 'migrate', ...args], {
      env: { PATH: process.env['PATH']!, DATABASE_URL: `sqlite:${join(dir, 'sb.sqlite')}`, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: namespace, LOG_LEVEL: 'warn', ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('warns about a retention shorter than the window, sets it on request, then is quiet', { timeout: 120_000 }, async () => {
    const checked = migrate();
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stderr).toMatch(new RegExp(`namespace "${namespace}" retains closed workflows for 1 day\\(s\\), shorter than the dedupe window of 7 day\\(s\\)`));
    expect(await namespaceRetentionDays(connection, namespace)).toBe(1);

    const set = migrate(['--set-retention']);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toContain('namespace retention set to 7 days');
    expect(set.stderr).not.toContain('warning');
    expect(await namespaceRetentionDays(connection, namespace)).toBe(7);

    expect(migrate().stderr).not.toContain('warning');
    const longer = migrate([], { SWITCHBOARD_DEDUPE_WINDOW_DAYS: '10' });
    expect(longer.stderr).toMatch(/retains closed workflows for 7 day\(s\), shorter than the dedupe window of 10 day\(s\)/);
  });
});
