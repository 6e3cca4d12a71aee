/**
 * `npm run build`: compiles src/, workflows/, activities/ and connectors/ to dist/
 * (JavaScript, .d.ts, source maps; tsconfig.build.json), then prebuilds the workflow
 * bundles that production workers load from the compiled workflows (dist/workflow-bundle.js;
 * dist/workflow-bundle-untraced.js, the same without the tracing interceptors, for workers with
 * tracing off), and writes dist/build-info.json (version and the SHA-256 of the bundle's code, without
 * its inline source map, so it is the same in every checkout; the build id is made from the
 * first, as the tracing interceptors issue no commands).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { packageRoot } from '../src/package-root.ts';
import { preloadedWorkflowModules, UNTRACED_WORKFLOW_BUNDLE_FILE, WORKFLOW_BUNDLE_FILE, workflowCodeHash, workflowInterceptorModules } from '../src/temporal/workflow-code.ts';
import { VERSION } from '../src/version.ts';

const dist = join(packageRoot, 'dist');
const started = Date.now();
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(packageRoot, 'tsconfig.build.json')], { stdio: 'inherit' });

const bundle = async (tracing: boolean) =>
  (
    await bundleWorkflowCode({
      workflowsPath: join(dist, 'workflows', 'index.js'),
      workflowInterceptorModules: workflowInterceptorModules(dist, true, { tracing }),
      preloadModules: preloadedWorkflowModules(dist, true),
      logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
    })
  ).code;
const code = await bundle(true);
const untracedCode = await bundle(false);
writeFileSync(join(dist, WORKFLOW_BUNDLE_FILE), code);
writeFileSync(join(dist, UNTRACED_WORKFLOW_BUNDLE_FILE), untracedCode);
const workflowBundleSha256 = workflowCodeHash(code);
const untracedWorkflowBundleSha256 = workflowCodeHash(untracedCode);
writeFileSync(join(dist, 'build-info.json'), `${JSON.stringify({ version: VERSION, workflowBundleSha256, untracedWorkflowBundleSha256 }, null, 2)}\n`);

console.log(`dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s (workflow bundle ${(code.length / 1024).toFixed(0)} KiB, sha256 ${workflowBundleSha256.slice(0, 12)})`);
