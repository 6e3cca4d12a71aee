/**
 * Replay gate of the concurrency keeper (histories in test/replay/histories/concurrency,
 * written by record-concurrency.ts; the queued run itself is in the interpreter's gate):
 * the keeper's history replays on the current workflow code, and a keeper whose commands
 * changed fails it.
 */
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { replaySubdir } from './histories.ts';

const replay = (path: string) => replaySubdir('concurrency', path);

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
