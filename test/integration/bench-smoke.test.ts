/**
 * Smoke of `npm run bench`: with 20 flows and one round it runs every side end to end
 * and writes its table and JSON. Proves the benchmark runs; times nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run bench (smoke)', () => {
  it('runs Switchboard, raw Temporal and BullMQ for 20 flows and writes the table and JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-bench-smoke-'));
    const out = join(dir, 'result.json');
    try {
      const child = spawn(process.execPath, ['bin/run-ts.mjs', 'bench/flows.ts', '--count', '20', '--rounds', '1', '--storage', 'memory', '--out', out], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, stderr.slice(-2000)).toBe(0);
      expect(stdout).toMatch(/^\| side \| storage \| flows\/s/m);
      const result = JSON.parse(await readFile(out, 'utf8')) as { count: number; summaries: { side: string; executionsPerFlow: number | null; historyEventsPerFlow: number | null; rounds: unknown[] }[] };
      expect(result.count).toBe(20);
      expect(result.summaries.map((s) => s.side)).toEqual(['switchboard', 'raw temporal', 'express + bullmq']);
      const [switchboard, raw] = result.summaries;
      expect(switchboard!.executionsPerFlow).toBe(1);
      expect(raw!.executionsPerFlow).toBe(1);
      expect(switchboard!.historyEventsPerFlow).toBeGreaterThan(0);
      expect(switchboard!.rounds).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
