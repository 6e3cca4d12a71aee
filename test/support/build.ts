/**
 * The compiled build (dist/) for tests of the packaged artifact. `.ci/run` builds before
 * the tests; run alone, a test rebuilds when dist/ is missing or older than a source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(REPO_ROOT, 'dist');
const BUILD_INFO = join(DIST, 'build-info.json');
const SOURCES = ['src', 'workflows', 'activities', 'connectors', 'scripts/build.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const BUILD_LOCK = join(REPO_ROOT, '.switchboard', 'build.lock');

/**
 * Test files run in parallel workers: one builds while the others wait (a stale lock is
 * broken after 10 min). Tests that write temporary source files hold it too, so no build
 * reads a half-written tree.
 */
export function acquireBuildLock(): void {
  mkdirSync(join(REPO_ROOT, '.switchboard'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
}

export function releaseBuildLock(): void {
  rmSync(BUILD_LOCK, { recursive: true, force: true });
}

function withBuildLock<T>(fn: () => T): T {
  acquireBuildLock();
  try {
    return fn();
  } finally {
    releaseBuildLock();
  }
}

/** Builds dist/ unless it is newer than every source; returns whether it built. */
export function ensureBuild(): boolean {
  return withBuildLock(buildIfStale);
}

function buildIfStale(): boolean {
  if (existsSync(BUILD_INFO)) {
    const built = statSync(BUILD_INFO).mtimeMs;
    if (SOURCES.every((s) => newestMtime(join(REPO_ROOT, s)) <= built)) return false;
  }
  const r = spawnSync(process.execPath, ['bin/run-ts.mjs', 'scripts/build.ts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  return true;
}
