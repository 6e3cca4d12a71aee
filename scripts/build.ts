/**
 * `npm run build`: compiles src/, workflows/, activities/ and connectors/ to dist/
 * (JavaScript, .d.ts, source maps; tsconfig.build.json), then prebuilds the workflow
 * bundle that production workers load (dist/workflow-bundle.js) from the compiled
 * workflows, and writes dist/build-info.json (version and the SHA-256 of the bundle's code, without
 * its inline source map, so it is the same in every checkout).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { packageRoot } from '../src/package-root.ts';
import { WORKFLOW_BUNDLE_FILE, workflowCodeHash, workflowInterceptorModules } from '../src/temporal/workflow-code.ts';
import { VERSION } from '../src/version.ts';

const dist = join(packageRoot, 'dist');
const started = Date.now();
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(packageRoot, 'tsconfig.build.json')], { stdio: 'inherit' });

const { code } = await bundleWorkflowCode({
  workflowsPath: join(dist, 'workflows', 'index.js'),
  workflowInterceptorModules: workflowInterceptorModules(dist, true),
  logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
});
writeFileSync(join(dist, WORKFLOW_BUNDLE_FILE), code);
const workflowBundleSha256 = workflowCodeHash(code);
writeFileSync(join(dist, 'build-info.json'), `${JSON.stringify({ version: VERSION, workflowBundleSha256 }, null, 2)}\n`);

console.log(`dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s (workflow bundle ${(code.length / 1024).toFixed(0)} KiB, sha256 ${workflowBundleSha256.slice(0, 12)})`);
