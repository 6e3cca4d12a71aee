/**
 * Where Switchboard's own files are, the same from the TypeScript sources
 * (`src/`) and from the compiled build (`dist/src/`): the package root is the
 * nearest folder above this module that holds a package.json (dist/ has none).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/**
 * The folder of the npm package `name` as installed for `cwd`, or undefined when it is not
 * installed. Also finds packages whose "exports" hide package.json (through the node_modules
 * search path).
 */
export function installedPackageDir(name: string, cwd: string): string | undefined {
  const require = createRequire(join(cwd, 'package.json'));
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    for (const base of require.resolve.paths(name) ?? []) {
      if (existsSync(join(base, name, 'package.json'))) return join(base, name);
    }
  }
  return undefined;
}
