/**
 * Which workflow code a worker loads. From the TypeScript sources the worker bundles
 * `workflows/index.ts` at start (webpack, a few seconds). The build (`npm run build`)
 * compiles to dist/ and prebuilds the bundle with `bundleWorkflowCode`
 * (scripts/build.ts): a worker running dist/ loads
 * `dist/workflow-bundle.js` when it is there, so production workers start without
 * webpack and every worker of a release runs byte-identical workflow code.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { codeRoot, runningCompiled } from '../package-root.ts';

/** The workflows entry module of the running code (`.ts` from the sources, `.js` from dist/). */
export const workflowsPath: string = join(codeRoot, 'workflows', runningCompiled ? 'index.js' : 'index.ts');

/**
 * Workflow interceptor modules bundled with the workflows: run outcomes reported to the
 * worker's metrics sink (workflows/run-metrics-interceptors.ts) and OpenTelemetry spans of
 * runs started with a trace context (workflows/tracing-interceptors.ts; always bundled, so
 * a run replays the same on every worker, and inert in runs without one).
 */
export const workflowInterceptorModules = (root: string = codeRoot, compiled: boolean = runningCompiled): string[] =>
  ['run-metrics-interceptors', 'tracing-interceptors'].map((name) => join(root, 'workflows', `${name}.${compiled ? 'js' : 'ts'}`));

/** File name of the prebuilt bundle, inside dist/. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/** The prebuilt bundle of the running build, or undefined (sources, or a build without one). */
export function prebuiltWorkflowBundlePath(): string | undefined {
  if (!runningCompiled) return undefined;
  const path = join(codeRoot, WORKFLOW_BUNDLE_FILE);
  return existsSync(path) ? path : undefined;
}

/**
 * Worker options naming the workflow code: nothing when the caller passes its own
 * `workflowsPath` or `workflowBundle` (tests with fixture workflows), else the prebuilt
 * bundle when there is one, else `workflowsPath`.
 */
export function workflowCodeOptions(overrides: Partial<WorkerOptions> = {}): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle' | 'interceptors'> {
  if (overrides.workflowsPath || overrides.workflowBundle) return {};
  const codePath = prebuiltWorkflowBundlePath();
  // The prebuilt bundle has the interceptor modules built in (scripts/build.ts).
  return codePath ? { workflowBundle: { codePath } } : { workflowsPath, interceptors: { workflowModules: workflowInterceptorModules() } };
}

/**
 * SHA-256 of a workflow bundle's code. The bundler appends an inline source map that
 * names the absolute build path; it is left out, so the same sources give the same hash
 * in any checkout or image (the basis of a worker build id).
 */
export function workflowCodeHash(code: string): string {
  return createHash('sha256').update(code.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '')).digest('hex');
}
