/**
 * Replay gate of loops under the patches `foreach-fast-paths` and `foreach-batch-tokens`
 * (histories in test/replay/histories/foreach-patches, written by
 * record-foreach-patches.ts): they replay on the current workflow code, and each recorded
 * the markers of its patches, so the patched paths are the ones being replayed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOREACH_BATCH_TOKENS_PATCH, FOREACH_FAST_PATHS_PATCH } from '../../src/temporal/constants.ts';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { HISTORIES_DIR, loadHistories, replaySubdir } from './histories.ts';

describe('replay gate of loops under the foreach patches', () => {
  it('replays the recorded runs and batch on the current workflow code', async () => {
    const results = await replaySubdir('foreach-patches', workflowsPath);
    expect(results).toHaveLength(3);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('recorded the patch markers: fast paths in every loop, batch tokens in the batched run', async () => {
    const patches: string[][] = [];
    for (const { history } of await loadHistories(join(HISTORIES_DIR, 'foreach-patches'))) {
      patches.push(
        history.events.flatMap((e) => {
          const data = e.markerRecordedEventAttributes?.markerName === 'core_patch' ? e.markerRecordedEventAttributes.details?.['patch-data']?.payloads?.[0]?.data : undefined;
          return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
        }),
      );
    }
    expect(patches).toHaveLength(3);
    for (const ids of patches) expect(ids).toContain(FOREACH_FAST_PATHS_PATCH);
    expect(patches.filter((ids) => ids.includes(FOREACH_BATCH_TOKENS_PATCH))).toHaveLength(1);
  });
});
