/**
 * The replay gate: recorded histories of the automation interpreter
 * (test/replay/histories, written by record-history.ts) must replay on the current
 * workflow code. A deliberately reordered interpreter must fail the same replay.
 */
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { loadHistories } from './histories.ts';

/** Every file under test/replay/histories is replayed: adding a recording needs no change here. */
const recorded = (await loadHistories()).length;

const reorderedPath = fileURLToPath(new URL('./fixtures/reordered-workflows.ts', import.meta.url));

async function replay(path: string) {
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowsPath: path, replayName: 'automation-replay' }, await loadHistories())) results.push(r);
  return results;
}

describe('replay gate of the automation interpreter', () => {
  it('replays every recorded history on the current workflow code', async () => {
    const results = await replay(workflowsPath);
    expect(results).toHaveLength(recorded);
    expect(results.every((r) => r.workflowId.startsWith('run:'))).toBe(true);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('fails on an interpreter whose commands were reordered', async () => {
    const results = await replay(reorderedPath);
    expect(results).toHaveLength(recorded);
    for (const r of results) expect(r.error).toBeInstanceOf(DeterminismViolationError);
  });
});
