/**
 * Replay gate of flow control's patched commands (histories in
 * test/replay/histories/flow-control, written by record-flow-control.ts): a keeper that lines
 * requests up by start time and a queued run that sets `SwitchboardConcurrencyKey` replay on
 * the current workflow code; a keeper whose commands changed fails its history.
 */
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { replaySubdir } from './histories.ts';

const replay = (path: string) => replaySubdir('flow-control', path);

describe('replay gate of flow control', () => {
  it('replays the recorded keeper and queued run on the current workflow code', async () => {
    const results = await replay(workflowsPath);
    expect(results.map((r) => r.workflowId.split(':')[0]).sort()).toEqual(['concurrency', 'run']);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('fails on a keeper whose commands changed', async () => {
    const results = await replay(fileURLToPath(new URL('./fixtures/reordered-keeper.ts', import.meta.url)));
    const keeper = results.find((r) => r.workflowId.startsWith('concurrency:'));
    expect(keeper?.error).toBeInstanceOf(DeterminismViolationError);
  });
});
