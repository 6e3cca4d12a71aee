/**
 * Proof that the replay gate catches an unpatched change to workflow commands, on every
 * recorded history (the corpus of record-corpus.ts included): the interpreter gains an
 * activity before each step. Shipped without `patched()` every history fails with a
 * DeterminismViolationError; behind `patched()` every history replays.
 */
import { fileURLToPath } from 'node:url';
import { readdir } from 'node:fs/promises';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { HISTORIES_DIR, loadHistories } from './histories.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function replay(path: string) {
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowsPath: path, replayName: 'unpatched-change' }, await loadHistories())) results.push(r);
  return results;
}

describe('replay gate against a realistic unpatched change', () => {
  it('covers every start path and step type of the corpus', async () => {
    const files = await readdir(HISTORIES_DIR);
    for (const name of ['runs-api-approval', 'webhook-goto', 'schedule', 'rate-limited', 'ai-llm', 'continue-as-new-1', 'continue-as-new-2', 'blocks', 'stop-failed', 'try-cancelled']) {
      expect(files).toContain(`automation-corpus-${name}.json`);
    }
  });

  it('fails every recorded history when the new activity is not behind patched()', async () => {
    const results = await replay(fixture('unpatched-step-records.ts'));
    expect(results.length).toBe((await loadHistories()).length);
    for (const r of results) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
  });

  it('replays every recorded history when the same change is behind patched()', async () => {
    const results = await replay(fixture('patched-step-records.ts'));
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });
});
