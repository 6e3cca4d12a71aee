/**
 * Smoke of `npm run bench`: with 20 flows and one round it runs every side end to end,
 * and the sections flows, steps, intake, foreach and waits against raw Temporal with tiny
 * sizes, and writes its tables and JSON; the `parked` section (worker processes of its own)
 * runs in a second smoke with tiny sizes, its eviction phase included. Proves the benchmark
 * runs; times nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `bench/flows.ts` with `args` and `--out`, expects exit 0 and the figures table, returns the JSON it wrote. */
async function runBench<T>(args: string[]): Promise<{ result: T; stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-bench-smoke-'));
  const out = join(dir, 'result.json');
  try {
    const child = spawn(process.execPath, ['bin/run-ts.mjs', 'bench/flows.ts', ...args, '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr.slice(-2000)).toBe(0);
    expect(stdout).toMatch(/^\| section \| figure \| switchboard \| raw temporal \| ratio \| goal/m);
    return { result: JSON.parse(await readFile(out, 'utf8')) as T, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Figure {
  section: string;
  figure: string;
  switchboard: number;
  raw: number;
  ratio: number;
}

describe('npm run bench (smoke)', () => {
  it('runs the parked section with tiny sizes: an eviction phase smaller than the cache, decisions and the inbox through an API process of its own, and heap snapshots', async () => {
    const snapshots = await mkdtemp(join(tmpdir(), 'sb-bench-heap-'));
    onTestFinished(() => rm(snapshots, { recursive: true, force: true }));
    interface Sample {
      count: number;
      p50: number;
    }
    const { result } = await runBench<{
      figures: Figure[];
      sections: {
        parked: {
          evicted: Record<'switchboard' | 'raw', Sample>;
          decisions: Record<string, Record<'switchboard' | 'raw', Sample>>;
          inbox: { parked: number; sample: Record<'switchboard' | 'raw', Sample> };
          heap: { table: string; files: { idle: Record<'switchboard' | 'raw', string[]>; parked: Record<'switchboard' | 'raw', string[]> } };
        };
      };
    }>(['--count', '20', '--rounds', '1', '--storage', 'memory', '--sections', 'parked', '--parked', '6', '--decisions', '4', '--decision-concurrency', '2', '--evicted', '4', '--inbox-parked', '8', '--idle-settle', '1', '--heap-snapshots', snapshots, '--api-process']);
    expect(result.figures.map((f) => `${f.section}: ${f.figure}`)).toEqual([
      'parked approvals: idle worker RSS after warm-up',
      'parked approvals: idle: main isolate heap used',
      'parked approvals: idle: main isolate heap committed',
      'parked approvals: idle: external + array buffers',
      'parked approvals: idle: workflow thread heap used',
      'parked approvals: memory per parked run (workflow heap)',
      'parked approvals: memory per parked run (RSS)',
      'approval decision: decision at concurrency 2 p50',
      'approval decision: decision at concurrency 2 p99',
      'approval decision: decision on an evicted run (cache 100, 4 parked) p50',
      'approval decision: decision on an evicted run (cache 100, 4 parked) p99',
      'approvals inbox: first page of mine=true, 8 parked p50',
      'approvals inbox: first page of mine=true, 8 parked p99',
    ]);
    for (const f of result.figures) {
      expect(Number.isFinite(f.switchboard) && Number.isFinite(f.raw), `${f.section}: ${f.figure}`).toBe(true);
      expect(f.ratio).toBeCloseTo(f.switchboard / f.raw);
    }
    const parked = result.sections.parked;
    // Heap snapshots of both workers (main isolate and workflow thread), idle and parked, and the idle main isolates compared.
    for (const when of ['idle', 'parked'] as const) for (const kind of ['switchboard', 'raw'] as const) expect(parked.heap.files[when][kind].map((f) => f.slice(snapshots.length + 1))).toEqual([`${kind}-${when}-main.heapsnapshot`, `${kind}-${when}-workflow-thread-0.heapsnapshot`]);
    expect(parked.heap.table).toMatch(/^\| total \(MiB\) \| [\d.]+ \| [\d.]+ \| -?[\d.]+ \|$/m);
    expect(parked.heap.table).toMatch(/^\| type: code \|/m);
    // Every decision ran on both sides: 4 on evicted runs, 4 at concurrency 2; the inbox saw 8 parked runs.
    expect([parked.evicted.switchboard.count, parked.evicted.raw.count]).toEqual([4, 4]);
    expect([parked.decisions['c2']!.switchboard.count, parked.decisions['c2']!.raw.count]).toEqual([4, 4]);
    expect(parked.inbox.parked).toBe(8);
  }, 900_000);


  it('runs Switchboard, raw Temporal and BullMQ for 20 flows, every section with tiny sizes, and writes the tables and JSON', async () => {
    const { result, stdout } = await runBench<{
      count: number;
      summaries: { side: string; executionsPerFlow: number | null; historyEventsPerFlow: number | null; rounds: unknown[]; roundOverFirst: number[] }[];
      figures: Figure[];
      sections: Record<string, { switchboard: { count: number }; raw: { count: number } } & { decisions?: { switchboard: { count: number }; raw: { count: number } } }>;
    }>(['--count', '20', '--rounds', '1', '--storage', 'memory', '--steps-count', '4', '--sections', 'flows,steps,intake,foreach,waits', '--intake-count', '8', '--foreach-items', '12', '--foreach-rounds', '1', '--foreach-large', '150', '--waits', '4', '--waits-concurrency', '2']);
    expect(stdout).toMatch(/^\| side \| storage \| flows\/s .*\| round N \/ round 1 \|$/m);
    expect(result.count).toBe(20);
    expect(result.summaries.map((s) => s.side)).toEqual(['switchboard', 'raw temporal', 'express + bullmq']);
    const [switchboard, raw] = result.summaries;
    expect(switchboard!.executionsPerFlow).toBe(1);
    expect(raw!.executionsPerFlow).toBe(1);
    expect(switchboard!.historyEventsPerFlow).toBeGreaterThan(0);
    expect(switchboard!.rounds).toHaveLength(1);
    expect(switchboard!.roundOverFirst).toEqual([1]);
    expect(result.figures.map((f) => `${f.section}: ${f.figure}`)).toEqual([
      '10-step flow: start→result p50',
      '10-step flow: start→result p99',
      'webhook intake: starts/s',
      'webhook intake: start p50',
      'webhook intake: start p99',
      'foreach: 12 items × 1 action, concurrency 10: items/s',
      'foreach: history events per item',
      'foreach: workflow tasks per item',
      'foreach: 150 items: largest history of any execution',
      'waits: resume latency p50',
      'waits: resume latency p99',
      "waits: sender's answer p50",
      'waits: resume latency against a bare signal p50',
      'waits: resume latency against a bare signal p99',
      'waits: event waking nobody: history events',
      'waits: event waking nobody: latency p50',
    ]);
    for (const f of result.figures) {
      expect(Number.isFinite(f.switchboard) && Number.isFinite(f.raw), `${f.section}: ${f.figure}`).toBe(true);
      expect(f.ratio).toBeCloseTo(f.switchboard / f.raw);
    }
    // Every timed operation ran on both sides: the sizes given, rounds alternating.
    expect([result.sections['steps']!.switchboard.count, result.sections['steps']!.raw.count]).toEqual([4, 4]);
    expect([result.sections['intake']!.switchboard.count, result.sections['intake']!.raw.count]).toEqual([8, 8]);
    // The foreach section's long loop ran in batches and completed.
    expect((result.sections['foreach'] as unknown as { large: { items: number; executions: number } }).large).toMatchObject({ items: 150, executions: 3 });
  }, 300_000);
});
