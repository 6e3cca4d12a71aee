/**
 * Replay gate of the poll workflow (histories in test/replay/histories/poll, written by
 * record-poll.ts): both polls replay on the current workflow code, and a poll workflow
 * whose commands changed (the commit before the runs) fails them.
 */
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { replaySubdir } from './histories.ts';

const replay = (path: string) => replaySubdir('poll', path);

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
