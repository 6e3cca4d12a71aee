/**
 * Per-workflow versioning behaviour (Worker Deployment Versioning, opt-in through
 * SWITCHBOARD_WORKER_DEPLOYMENT; see src/temporal/deployment.ts).
 */
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import type { VersioningBehavior } from '@temporalio/common';

/**
 * Declares how runs of `workflow` move between deployment versions: PINNED (finish on the
 * version that started them) or AUTO_UPGRADE (move to the current version at the next
 * workflow task). Declared only where the run's worker has a deployment version: the server
 * rejects a task completion that carries a behaviour from an unversioned worker. A run that
 * began on unversioned workers gets the versioned worker's default (PINNED).
 */
export function declareVersioningBehavior<A extends unknown[], R>(behavior: VersioningBehavior, workflow: (...args: A) => Promise<R>): void {
  // Unversioned workers report a build id with an empty deployment name.
  setWorkflowOptions(() => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: behavior } : {}), workflow);
}
