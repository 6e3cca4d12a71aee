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
 * runs started with a trace context (workflows/tracing-interceptors.ts; inert in runs
 * without one). `tracing: false` leaves the tracing module out, as a worker with tracing
 * off does: the reusable V8 context evaluates a run's interceptor modules anew for every
 * run, and the OpenTelemetry SDK the tracing module pulls in took ~15 % of the workflow
 * thread's CPU per one-step run (bench/flows.ts profile). That module issues no commands and no
 * extra yields (the SDK flag `OpenTelemetryInterceporsAvoidsExtraYields`), only headers,
 * which are not part of the determinism checks, so a history replays the same with or
 * without it (test/e2e/tracing.test.ts replays traced histories both ways).
 */
export const workflowInterceptorModules = (root: string = codeRoot, compiled: boolean = runningCompiled, opts: { tracing?: boolean } = {}): string[] =>
  ['run-metrics-interceptors', ...(opts.tracing === false ? [] : ['tracing-interceptors'])].map((name) => join(root, 'workflows', `${name}.${compiled ? 'js' : 'ts'}`));

/**
 * Modules the reusable V8 context evaluates once and shares between runs (the bundler's
 * `preloadModules`), instead of once per run: stateless libraries and stateless workflow code.
 * - jsonata (template expressions; ~5 % of the workflow thread's CPU per one-step run) keeps
 *   no state between evaluations and reads `Date` and `Math.random` when called, so a run
 *   still gets its own deterministic ones.
 * - Our workflow code (`workflows/index.ts` and everything it imports) and the run-metrics
 *   interceptors: evaluated per run, their ~30 modules (closures, classes, object shapes) were
 *   about 55 KiB of every parked run's 146 KiB of heap, and module evaluation most of a short
 *   run's workflow-thread CPU. They keep no module-level state: a run's state lives in its
 *   workflow function, and module scope holds only constants, `proxyActivities`/`proxySinks`
 *   proxies and handler definitions, which reach the running workflow through the SDK when
 *   called. Lint keeps it so (`no-restricted-syntax` for workflows/**: no module-level `let`
 *   or `var`). The SDK freezes preloaded modules' exports. Loading code once instead of per
 *   run changes no command, so histories replay unchanged (test/replay).
 * - Not the tracing interceptors: the OpenTelemetry API they import holds global state.
 */
export const PRELOADED_WORKFLOW_LIBRARIES: readonly string[] = ['jsonata'];

/** Every module the bundle preloads: {@link PRELOADED_WORKFLOW_LIBRARIES} and the workflow code under `root`. */
export const preloadedWorkflowModules = (root: string = codeRoot, compiled: boolean = runningCompiled): string[] => [
  ...PRELOADED_WORKFLOW_LIBRARIES,
  join(root, 'workflows', compiled ? 'index.js' : 'index.ts'),
  workflowInterceptorModules(root, compiled, { tracing: false })[0]!,
];

/** File name of the prebuilt bundle, inside dist/. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';
/** File name of the prebuilt bundle without the tracing interceptors (workers with tracing off), inside dist/. */
export const UNTRACED_WORKFLOW_BUNDLE_FILE = 'workflow-bundle-untraced.js';

/** The prebuilt bundle of the running build (`tracing: false`: the one without the tracing interceptors when built), or undefined (sources, or a build without one). */
export function prebuiltWorkflowBundlePath(opts: { tracing?: boolean } = {}): string | undefined {
  if (!runningCompiled) return undefined;
  const untraced = join(codeRoot, UNTRACED_WORKFLOW_BUNDLE_FILE);
  if (opts.tracing === false && existsSync(untraced)) return untraced;
  const path = join(codeRoot, WORKFLOW_BUNDLE_FILE);
  return existsSync(path) ? path : undefined;
}

/**
 * Worker options naming the workflow code: nothing when the caller passes its own
 * `workflowsPath` or `workflowBundle` (tests with fixture workflows), else the prebuilt
 * bundle when there is one, else `workflowsPath`; with `tracing: false`, the code without
 * the tracing interceptors.
 */
export function workflowCodeOptions(
  overrides: Partial<WorkerOptions> = {},
  opts: { tracing?: boolean } = {},
): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle' | 'interceptors' | 'bundlerOptions'> {
  if (overrides.workflowsPath || overrides.workflowBundle) return {};
  const codePath = prebuiltWorkflowBundlePath(opts);
  // The prebuilt bundles have the interceptor modules built in (scripts/build.ts).
  return codePath
    ? { workflowBundle: { codePath } }
    : {
        workflowsPath,
        interceptors: { workflowModules: workflowInterceptorModules(codeRoot, runningCompiled, opts) },
        bundlerOptions: { preloadModules: preloadedWorkflowModules() },
      };
}

/**
 * SHA-256 of a workflow bundle's code. The bundler appends an inline source map that
 * names the absolute build path; it is left out, so the same sources give the same hash
 * in any checkout or image (the basis of a worker build id).
 */
export function workflowCodeHash(code: string): string {
  return createHash('sha256').update(code.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '')).digest('hex');
}
