/**
 * Replay gate of the collector workflow (debounce and batch; histories in
 * test/replay/histories/collector, written by record-collector.ts): they replay on the
 * current workflow code, and a collector that starts a run per event at once fails them.
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
const dir = join(HISTORIES_DIR, 'collector');

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
  for await (const r of Worker.runReplayHistories({ workflowsPath: path, replayName: 'collector-replay' }, await histories())) results.push(r);
  return results;
}

describe('replay gate of the collector workflow', () => {
  it('replays the recorded debounce (across a continue-as-new) and batch windows on the current code', async () => {
    const results = await replay(workflowsPath);
    expect(results).toHaveLength(3);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('fails on a collector that starts a run per event at once', async () => {
    const results = await replay(fileURLToPath(new URL('./fixtures/eager-collector.ts', import.meta.url)));
    expect(results).toHaveLength(3);
    for (const r of results) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
  });
});
