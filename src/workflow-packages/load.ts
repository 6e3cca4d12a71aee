/**
 * Code-first workflow packages (SWITCHBOARD_WORKFLOW_PACKAGES): each package's package.json
 * names its workflows module and, optionally, input JSON Schemas per workflow under
 * `"switchboard": { "workflows": "./workflows.js", "schemas": "./schemas.json" }`. Every
 * exported function of the module is a workflow (as Temporal's `workflowsPath` has it).
 * The worker bundles the modules with Switchboard's own workflows (bundle.ts); the API
 * lists and starts them (runs.ts). The modules import `switchboard/workflow`, resolved to
 * this Switchboard's own module wherever the package is installed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../config.ts';
import { codeRoot, installedPackageDir, runningCompiled } from '../package-root.ts';

/** Thrown when a workflow package cannot be loaded; its message is one line naming the package. */
export class WorkflowPackageError extends Error {
  override readonly name = 'WorkflowPackageError';
  constructor(
    readonly entry: string,
    readonly problem: string,
  ) {
    super(`workflow package "${entry}" (SWITCHBOARD_WORKFLOW_PACKAGES): ${problem}`);
  }
}

/** The module `switchboard/workflow` names in this Switchboard (sources or build). */
export const workflowApiModule: string = join(codeRoot, 'workflows', 'code', runningCompiled ? 'index.js' : 'index.ts');

/** Names a workflow may take: a JavaScript identifier (an exported function). */
const WORKFLOW_NAME = /^[A-Za-z_$][\w$]{0,99}$/;

export interface WorkflowPackage {
  entry: string;
  /** The package's folder. */
  dir: string;
  /** The package's `name` (or the entry). */
  name: string;
  /** Absolute path of the workflows module. */
  workflowsPath: string;
}

export interface CodeWorkflow {
  name: string;
  package: string;
  /** JSON Schema of the input (from the package's `schemas`), if any. */
  inputSchema?: Record<string, unknown> | undefined;
}

export interface WorkflowCatalog {
  packages: WorkflowPackage[];
  workflows: Map<string, CodeWorkflow>;
}

function packageDir(entry: string, cwd: string): string {
  if (entry.startsWith('.') || isAbsolute(entry)) {
    const dir = resolve(cwd, entry);
    if (!existsSync(join(dir, 'package.json'))) throw new WorkflowPackageError(entry, `no package at ${dir} (no package.json there)`);
    return dir;
  }
  const dir = installedPackageDir(entry, cwd);
  if (dir === undefined) throw new WorkflowPackageError(entry, `not installed; run npm install ${entry}`);
  return dir;
}

/** Once per process: `switchboard/workflow` imported by a package resolves to {@link workflowApiModule}. */
let hooked = false;
function resolveWorkflowApi(): void {
  if (hooked) return;
  hooked = true;
  const url = pathToFileURL(workflowApiModule).href;
  registerHooks({
    resolve: (specifier, context, next) => (specifier === 'switchboard/workflow' ? { url, shortCircuit: true } : next(specifier, context)),
  });
}

async function loadPackage(entry: string, cwd: string): Promise<{ pkg: WorkflowPackage; workflows: CodeWorkflow[] }> {
  const dir = packageDir(entry, cwd);
  let manifest: { name?: string; switchboard?: { workflows?: unknown; schemas?: unknown } };
  try {
    manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as typeof manifest;
  } catch (err) {
    throw new WorkflowPackageError(entry, `cannot read package.json (${(err as Error).message})`);
  }
  const modulePath = manifest.switchboard?.workflows;
  if (typeof modulePath !== 'string' || !modulePath) throw new WorkflowPackageError(entry, 'package.json has no "switchboard": { "workflows": "<module>" }');
  const workflowsPath = resolve(dir, modulePath);
  if (!existsSync(workflowsPath)) throw new WorkflowPackageError(entry, `its workflows module ${modulePath} does not exist`);
  resolveWorkflowApi();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(workflowsPath).href)) as Record<string, unknown>;
  } catch (err) {
    throw new WorkflowPackageError(entry, `cannot import ${modulePath} (${(err as Error).message.split('\n')[0]})`);
  }
  const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
  if (names.length === 0) throw new WorkflowPackageError(entry, `${modulePath} exports no workflow functions`);
  let schemas: Record<string, unknown> = {};
  const schemasPath = manifest.switchboard?.schemas;
  if (schemasPath !== undefined) {
    if (typeof schemasPath !== 'string') throw new WorkflowPackageError(entry, '"switchboard.schemas" must be a path to a JSON file');
    try {
      schemas = JSON.parse(await readFile(resolve(dir, schemasPath), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new WorkflowPackageError(entry, `cannot read its schemas ${schemasPath} (${(err as Error).message})`);
    }
    if (typeof schemas !== 'object' || schemas === null || Array.isArray(schemas)) throw new WorkflowPackageError(entry, `${schemasPath} must map workflow names to JSON Schemas`);
    for (const key of Object.keys(schemas)) if (!names.includes(key)) throw new WorkflowPackageError(entry, `${schemasPath} has a schema for "${key}", which ${modulePath} does not export`);
  }
  const pkgName = manifest.name ?? entry;
  const workflows = names.map((name): CodeWorkflow => {
    if (!WORKFLOW_NAME.test(name)) throw new WorkflowPackageError(entry, `workflow name "${name}" is not an identifier`);
    const schema = schemas[name];
    return { name, package: pkgName, ...(schema && typeof schema === 'object' ? { inputSchema: schema as Record<string, unknown> } : {}) };
  });
  return { pkg: { entry, dir, name: pkgName, workflowsPath }, workflows };
}

/** Loads every package of `config.workflowPackages`; throws a {@link WorkflowPackageError} on the first problem. */
export async function loadWorkflowPackages(config: Pick<Config, 'workflowPackages'>, opts: { cwd?: string } = {}): Promise<WorkflowCatalog> {
  const catalog: WorkflowCatalog = { packages: [], workflows: new Map() };
  // Loaded here, not imported: the workflow modules name the activities' types, and the
  // activities read this catalog (the `workflow` step's check), so a static import is a cycle.
  const reserved = new Set<string>(config.workflowPackages.length > 0 ? Object.keys(await import('../../workflows/index.ts')) : []);
  for (const entry of config.workflowPackages) {
    const { pkg, workflows } = await loadPackage(entry, opts.cwd ?? process.cwd());
    for (const w of workflows) {
      if (reserved.has(w.name)) throw new WorkflowPackageError(entry, `workflow "${w.name}" has the name of one of Switchboard's own workflows`);
      const other = catalog.workflows.get(w.name);
      if (other) throw new WorkflowPackageError(entry, `workflow "${w.name}" is also exported by package "${other.package}"`);
      catalog.workflows.set(w.name, w);
    }
    catalog.packages.push(pkg);
  }
  return catalog;
}

/**
 * First 12 hex of a SHA-256 over the files of every workflow package (paths and contents;
 * `node_modules` and dot folders left out; the same files anywhere give the same value), or undefined without packages. Part of the
 * worker's deployment build id (src/temporal/deployment.ts): upgrading a package makes a new
 * version, so runs pinned to the old one finish on the old code. Synchronous and
 * import-free: `switchboard deploy` computes the same id without loading the packages.
 */
export function workflowPackagesFingerprint(config: Pick<Config, 'workflowPackages'>, opts: { cwd?: string } = {}): string | undefined {
  if (config.workflowPackages.length === 0) return undefined;
  const hash = createHash('sha256');
  for (const [i, entry] of config.workflowPackages.entries()) {
    const dir = packageDir(entry, opts.cwd ?? process.cwd());
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.isFile()) files.push(join(d, e.name));
      }
    };
    walk(dir);
    // By position, not path: the same files installed elsewhere give the same id.
    hash.update(`package ${i}\0`);
    for (const f of files.sort()) hash.update(`${relative(dir, f)}\0`).update(readFileSync(f)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** The process's catalog, loaded once per config (the API and the worker of one process share it). */
const catalogs = new WeakMap<object, Promise<WorkflowCatalog>>();
export function workflowCatalog(config: Pick<Config, 'workflowPackages'>): Promise<WorkflowCatalog> {
  let c = catalogs.get(config);
  if (!c) {
    c = loadWorkflowPackages(config);
    catalogs.set(config, c);
  }
  return c;
}
