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
 * worker's metrics sink (workflows/run-metrics-interceptors.ts), and on a worker with
 * tracing on the OpenTelemetry spans of runs started with a trace context
 * (workflows/tracing-interceptors.ts). The tracing module is left out otherwise: the
 * reusable V8 context evaluates a run's interceptor modules anew for every run, and the
 * OpenTelemetry SDK it pulls in cost about as much CPU per run as the rest of a one-step
 * run's workflow code. It issues no commands and no extra yields (the SDK flag
 * `OpenTelemetryInterceporsAvoidsExtraYields`), only headers, which are not part of the
 * determinism checks: a traced history replays the same without it (test/e2e/tracing.test.ts).
 */
export const workflowInterceptorModules = (root: string = codeRoot, compiled: boolean = runningCompiled, opts: { tracing?: boolean } = {}): string[] =>
  ['run-metrics-interceptors', ...(opts.tracing ? ['tracing-interceptors'] : [])].map((name) => join(root, 'workflows', `${name}.${compiled ? 'js' : 'ts'}`));

/** File name of the prebuilt bundle, inside dist/. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';
/** File name of the prebuilt bundle with the tracing interceptors, inside dist/. */
export const TRACING_WORKFLOW_BUNDLE_FILE = 'workflow-bundle-tracing.js';

/** The prebuilt bundle of the running build (with tracing: the one with the tracing interceptors), or undefined (sources, or a build without one). */
export function prebuiltWorkflowBundlePath(opts: { tracing?: boolean } = {}): string | undefined {
  if (!runningCompiled) return undefined;
  const path = join(codeRoot, opts.tracing ? TRACING_WORKFLOW_BUNDLE_FILE : WORKFLOW_BUNDLE_FILE);
  return existsSync(path) ? path : undefined;
}

/**
 * Worker options naming the workflow code: nothing when the caller passes its own
 * `workflowsPath` or `workflowBundle` (tests with fixture workflows), else the prebuilt
 * bundle when there is one, else `workflowsPath`; with `tracing`, the code with the
 * tracing interceptors.
 */
export function workflowCodeOptions(
  overrides: Partial<WorkerOptions> = {},
  opts: { tracing?: boolean } = {},
): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle' | 'interceptors'> {
  if (overrides.workflowsPath || overrides.workflowBundle) return {};
  const codePath = prebuiltWorkflowBundlePath(opts);
  // The prebuilt bundles have the interceptor modules built in (scripts/build.ts).
  return codePath
    ? { workflowBundle: { codePath } }
    : { workflowsPath, interceptors: { workflowModules: workflowInterceptorModules(codeRoot, runningCompiled, opts) } };
}

/**
 * SHA-256 of a workflow bundle's code. The bundler appends an inline source map that
 * names the absolute build path; it is left out, so the same sources give the same hash
 * in any checkout or image (the basis of a worker build id).
 */
export function workflowCodeHash(code: string): string {
  return createHash('sha256').update(code.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '')).digest('hex');
}
