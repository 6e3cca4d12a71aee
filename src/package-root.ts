/**
 * Where Switchboard's own files are, the same from the TypeScript sources
 * (`src/`) and from the compiled build (`dist/src/`): the package root is the
 * nearest folder above this module that holds a package.json (dist/ has none).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** The folder holding Switchboard's package.json (the repository, or node_modules/switchboard). */
export const packageRoot: string = findPackageRoot(here);

/** The root of the running code: the package root from sources, `<package root>/dist` from the build. */
export const codeRoot: string = dirname(here);

/** True when this process runs the compiled build (dist/) rather than the TypeScript sources. */
export const runningCompiled: boolean = import.meta.url.endsWith('.js');
