/**
 * Replay gate of an agent's tool approvals in Slack and of memory summaries (histories in
 * test/replay/histories/agent-channels, written by record-agent-channels.ts): both runs
 * replay on the current workflow code — the notifyApproval activity of each parked call and
 * the summary's model call behind their patches — and an agent step without them fails.
 */
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../src/temporal/worker.ts';
import { replaySubdir } from './histories.ts';

describe('replay gate of agent tool notices and memory summaries', () => {
  it('replays the recorded runs on the current workflow code', async () => {
    const results = await replaySubdir('agent-channels', workflowsPath);
    expect(results.map((r) => r.workflowId.split(':').at(-1)).sort()).toEqual(['notify', 'summary']);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  }, 120_000);

  it('fails on an agent step that no longer sends the notices or writes the summary', async () => {
    const results = await replaySubdir('agent-channels', fileURLToPath(new URL('./fixtures/agent-without-channels.ts', import.meta.url)));
    expect(results).toHaveLength(2);
    for (const r of results) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
  }, 120_000);
});
