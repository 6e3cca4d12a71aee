/**
 * Replay gate of approvals on channels (histories in test/replay/histories/approval-channels,
 * written by record-approval-channels.ts): a step that reminds on its Slack and email
 * channels, updates its Slack message on a decision that does not close it and closes its
 * Slack messages when decided and when timed out replays on the
 * current workflow code; a reordered interpreter fails it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { HISTORIES_DIR, replaySubdir } from './histories.ts';

const replay = (path: string) => replaySubdir('approval-channels', path);

describe('replay gate of approvals on channels', () => {
  it('the recording holds the reminders on the channels and the closing of the Slack messages', async () => {
    const text = await readFile(join(HISTORIES_DIR, 'approval-channels', 'run.json'), 'utf8');
    expect(text.match(/"name": "closeApprovalMessages"/g)).toHaveLength(3);
    expect(text).toContain('review.notify.update.1');
    expect(text).toContain('review.remind.1.notify.0');
    expect(text).toContain('review.remind.1.notify.1');
    expect(text).toContain('timed.notify.close');
  });

  it('replays on the current workflow code', async () => {
    const results = await replay(workflowsPath);
    expect(results).toHaveLength(1);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('fails on an interpreter whose commands were reordered', async () => {
    const results = await replay(fileURLToPath(new URL('./fixtures/reordered-workflows.ts', import.meta.url)));
    expect(results).toHaveLength(1);
    for (const r of results) expect(r.error).toBeInstanceOf(DeterminismViolationError);
  });
});
