/**
 * Replay gate of the concurrency keeper (histories in test/replay/histories/concurrency,
 * written by record-concurrency.ts; the queued run itself is in the interpreter's gate):
 * the keeper's history replays on the current workflow code, and a keeper whose commands
 * changed fails it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { HISTORIES_DIR } from './histories.ts';

const History = proto.temporal.api.history.v1.History;
const dir = join(HISTORIES_DIR, 'concurrency');

async function histories() {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => {
      const file = JSON.parse(await readFile(join(dir, f), 'utf8')) as { workflowId: string; history: object };
      return { workflowId: file.workflowId, history: History.fromObject(file.history) };
    }),
  );
}

async function replay(path: string) {
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowsPath: path, replayName: 'concurrency-replay' }, await histories())) results.push(r);
  return results;
}

describe('replay gate of the concurrency keeper', () => {
  it('replays the recorded keeper on the current workflow code', async () => {
    const results = await replay(workflowsPath);
    expect(results).toHaveLength(1);
    expect(results[0]!.workflowId).toMatch(/^concurrency:/);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('fails on a keeper whose commands changed', async () => {
    const results = await replay(fileURLToPath(new URL('./fixtures/reordered-keeper.ts', import.meta.url)));
    expect(results).toHaveLength(1);
    for (const r of results) expect(r.error).toBeInstanceOf(DeterminismViolationError);
  });
});
