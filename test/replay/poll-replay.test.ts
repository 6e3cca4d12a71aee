/**
 * Replay gate of the poll workflow (histories in test/replay/histories/poll, written by
 * record-poll.ts): both polls replay on the current workflow code, and a poll workflow
 * whose commands changed (the commit before the runs) fails them.
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
const dir = join(HISTORIES_DIR, 'poll');

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
  for await (const r of Worker.runReplayHistories({ workflowsPath: path, replayName: 'poll-replay' }, await histories())) results.push(r);
  return results;
}

describe('replay gate of the poll workflow', () => {
  it('replays the recorded polls on the current workflow code', async () => {
    const results = await replay(workflowsPath);
    expect(results).toHaveLength(2);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('fails on a poll workflow that commits before starting the runs', async () => {
    const results = await replay(fileURLToPath(new URL('./fixtures/reordered-poll.ts', import.meta.url)));
    expect(results).toHaveLength(2);
    // The first poll started no run: only the recording with runs notices the reorder.
    expect(results.find((r) => r.workflowId.endsWith('-2'))!.error).toBeInstanceOf(DeterminismViolationError);
  });
});
