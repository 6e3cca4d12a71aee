/**
 * Worker Deployment Versioning (opt-in: SWITCHBOARD_WORKER_DEPLOYMENT names the
 * deployment). A worker of the compiled build reports the version
 * `<deployment>.<package version>-<first 12 hex of the workflow bundle's SHA-256>`, so two
 * builds with the same workflow code share a build id and any change to it makes a new one.
 *
 * Each workflow type declares its behaviour next to its code (`declareVersioningBehavior`,
 * workflows/versioning.ts):
 * automation runs and RAG ingestions are PINNED — a run completes on the version that
 * started it, so a new interpreter never replays an old run's history (long approval waits
 * included); the short event router, connector-action and self-check workflows are
 * AUTO_UPGRADE — their next workflow task after a deploy runs on the new version. The price
 * of pinning: a version's workers keep running until its pinned runs have closed (its
 * drainage status says when). `switchboard deploy` makes this build's version the current
 * one, so new runs start on it. A workflow type without a declaration is PINNED (the
 * worker's default below).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config.ts';
import { codeRoot, runningCompiled } from '../package-root.ts';
import { WorkerDeploymentError } from '../errors.ts';
import { workflowPackagesFingerprint } from '../workflow-packages/load.ts';

/** The build id of the running build: package version and workflow bundle hash (dist/build-info.json). */
export function buildId(): string {
  const info = join(codeRoot, 'build-info.json');
  if (!runningCompiled || !existsSync(info)) {
    throw new WorkerDeploymentError('SWITCHBOARD_WORKER_DEPLOYMENT needs the compiled build (npm run build; NODE_ENV=production): the build id is the hash of its workflow bundle');
  }
  const { version, workflowBundleSha256 } = JSON.parse(readFileSync(info, 'utf8')) as { version: string; workflowBundleSha256: string };
  return `${version}-${workflowBundleSha256.slice(0, 12)}`;
}

/**
 * The build id with the workflow packages' fingerprint (`<build id>-wp<12 hex>`): code-first
 * packages are workflow code too, so upgrading one makes a new version (its runs pinned as
 * Switchboard's own are). Without packages, the build id as it is.
 */
export function buildIdWithPackages(base: string, config: Pick<Config, 'workflowPackages'>): string {
  const fingerprint = workflowPackagesFingerprint(config);
  return fingerprint ? `${base}-wp${fingerprint}` : base;
}

/** This build's deployment version, or undefined when versioning is off. */
export function deploymentVersion(config: Pick<Config, 'temporal' | 'workflowPackages'>): WorkerDeploymentVersion | undefined {
  const deploymentName = config.temporal.deploymentName;
  return deploymentName ? { deploymentName, buildId: buildIdWithPackages(buildId(), config) } : undefined;
}

/** Worker options for versioning: none when SWITCHBOARD_WORKER_DEPLOYMENT is unset. */
export function workerDeploymentOptions(config: Pick<Config, 'temporal' | 'workflowPackages'>): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  const version = deploymentVersion(config);
  return version ? { workerDeploymentOptions: { useWorkerVersioning: true, version, defaultVersioningBehavior: 'PINNED' } } : {};
}

/**
 * Makes the version current for its deployment, so new runs start on it. The server knows a
 * version only once one of its workers has polled: retries until then, up to `waitMs`.
 */
export async function setCurrentVersion(client: Client, namespace: string, version: WorkerDeploymentVersion, waitMs = 60_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace, deploymentName: version.deploymentName, buildId: version.buildId, identity: 'switchboard deploy' });
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new WorkerDeploymentError(`version ${version.deploymentName}.${version.buildId} could not be made current (is a worker of this build running?): ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
