// Builds the console (console/ → console/dist) with Vite when the build is missing or
// older than any source file. `npm start` and `npm test` run it first; the e2e tests
// call ensureConsoleBuilt() too, so a single test file works on a fresh clone.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../console/', import.meta.url));
const builtIndex = join(root, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function ensureConsoleBuilt({ force = false }: { force?: boolean } = {}): Promise<boolean> {
  if (!force && existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= newestSource(root)) return false;
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts') });
  return true;
}

// Run as a script (bin/run-ts.mjs passes the path as given, often relative).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const built = await ensureConsoleBuilt({ force: process.argv.includes('--force') });
  console.log(built ? 'console built into console/dist' : 'console build is up to date');
}
