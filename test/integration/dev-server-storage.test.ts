/** The embedded dev server keeps its SQLite file in WAL mode with the configured `synchronous`. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { dynamicConfigFlags, sqlitePragmaFlags, startDevServer } from '../../src/temporal/dev-server.ts';
import { freePort } from '../support/ports.ts';

describe('dev server storage', () => {
  it('passes journal_mode=wal and synchronous (normal by default, full when configured)', () => {
    expect(sqlitePragmaFlags()).toEqual(['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']);
    expect(sqlitePragmaFlags('full')).toContain('synchronous=full');
    expect(loadConfig({}).temporal.sqliteSynchronous).toBe('normal');
    expect(loadConfig({ TEMPORAL_SQLITE_SYNCHRONOUS: 'full' }).temporal.sqliteSynchronous).toBe('full');
    expect(() => loadConfig({ TEMPORAL_SQLITE_SYNCHRONOUS: 'off' })).toThrow(/TEMPORAL_SQLITE_SYNCHRONOUS/);
  });

  it('turns fairness on and writes new tasks to one task queue partition (fairness holds per partition)', () => {
    expect(dynamicConfigFlags()).toEqual(['--dynamic-config-value', 'matching.enableFairness=true', '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1', '--dynamic-config-value', 'frontend.namespaceRPS.visibility=500']);
  });

  it('writes the SQLite file through a write-ahead log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-devserver-'));
    const config = loadConfig({ PATH: process.env['PATH'] });
    const server = await startDevServer({ dataDir: dir, port: await freePort(), ui: false, namespace: 'default', cliPath: config.temporal.cliPath, searchPath: config.searchPath });
    try {
      const connection = await Connection.connect({ address: server.address });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.close();
      expect(existsSync(join(dir, 'temporal.sqlite'))).toBe(true);
      expect(existsSync(join(dir, 'temporal.sqlite-wal'))).toBe(true);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
