/**
 * Replay gate of the collector workflow (debounce and batch; histories in
 * test/replay/histories/collector, written by record-collector.ts): they replay on the
 * current workflow code, and a collector that starts a run per event at once fails them.
 */
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { replaySubdir } from './histories.ts';

const replay = (path: string) => replaySubdir('collector', path);

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
