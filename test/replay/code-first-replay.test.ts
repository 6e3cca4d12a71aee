/**
 * Replay gate of code-first workflow runs (histories in test/replay/histories/code-first,
 * written by record-code-first.ts): an approved and a rejected `payout` of the fixture
 * package and a `fetchStatus` routed to a rate-limited queue replay on the worker's code
 * (Switchboard's workflows with the packages, as SWITCHBOARD_WORKFLOW_PACKAGES bundles them).
 * It also pins what an upgrade of a package does to runs in flight (docs/guides/code-first.md,
 * "Upgrading a package"): version 2 of `payout` with a new first step fails their replay
 * unless the step is behind patched().
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowCodeWithPackages } from '../../src/workflow-packages/bundle.ts';
import { loadWorkflowPackages } from '../../src/workflow-packages/load.ts';
import { replaySubdir } from './histories.ts';

const EXTRA = './test/fixtures/code-workflows-extra';

async function replay(payoutPackage: string) {
  const code = await workflowCodeWithPackages(await loadWorkflowPackages({ workflowPackages: [payoutPackage, EXTRA] }));
  const results = await replaySubdir('code-first', code.workflowsPath!, { bundlerOptions: code.bundlerOptions, interceptors: code.interceptors });
  expect(results.map((r) => r.workflowId).sort()).toEqual(['run:workflow:fetchStatus:recorded-routed', 'run:workflow:payout:recorded-approved', 'run:workflow:payout:recorded-rejected']);
  return new Map(results.map((r) => [r.workflowId, r.error]));
}

describe('replay gate of code-first workflows', () => {
  it('replays the recorded code runs on the current helpers and interpreter', { timeout: 120_000 }, async () => {
    for (const [id, error] of await replay('./test/fixtures/code-workflows')) expect(error, `${id}: ${String(error)}`).toBeUndefined();
  });

  it('an upgraded package whose new step is not behind patched() fails the runs in flight', { timeout: 120_000 }, async () => {
    const errors = await replay('./test/fixtures/code-workflows-v2/unpatched');
    expect(errors.get('run:workflow:payout:recorded-approved')).toBeInstanceOf(DeterminismViolationError);
    expect(errors.get('run:workflow:payout:recorded-rejected')).toBeInstanceOf(DeterminismViolationError);
    // The other package's workflow did not change.
    expect(errors.get('run:workflow:fetchStatus:recorded-routed')).toBeUndefined();
  });

  it('the same upgrade behind patched() replays them', { timeout: 120_000 }, async () => {
    for (const [id, error] of await replay('./test/fixtures/code-workflows-v2/patched')) expect(error, `${id}: ${String(error)}`).toBeUndefined();
  });
});
