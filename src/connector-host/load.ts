/**
 * Builds the connector registry of a process: the built-ins, then each package in
 * SWITCHBOARD_CONNECTOR_PACKAGES (its package.json names the module under
 * `"switchboard": { "connectors": "<module>" }`). An entry is an npm package name
 * resolved from the working directory's node_modules, or a path to a package folder.
 * The module exports connector definitions: `default` (one or an array) and/or a
 * named `connectors` array.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../config.ts';
import { installedPackageDir } from '../package-root.ts';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import { ConnectorRegistry, ConnectorRegistryError } from '../../connectors/registry.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/index.ts';

function packageDir(entry: string, cwd: string): string {
  if (entry.startsWith('.') || isAbsolute(entry)) return resolve(cwd, entry);
  const dir = installedPackageDir(entry, cwd);
  if (dir === undefined) throw new ConnectorRegistryError(`connector package "${entry}" is not installed (SWITCHBOARD_CONNECTOR_PACKAGES); run npm install ${entry}`);
  return dir;
}

/** Imports the connector definitions a package declares. */
export async function loadConnectorPackage(entry: string, cwd = process.cwd()): Promise<ConnectorDefinition[]> {
  const dir = packageDir(entry, cwd);
  let manifest: { name?: string; switchboard?: { connectors?: unknown } };
  try {
    manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as typeof manifest;
  } catch (err) {
    throw new ConnectorRegistryError(`connector package "${entry}": cannot read package.json (${(err as Error).message})`);
  }
  const modulePath = manifest.switchboard?.connectors;
  if (typeof modulePath !== 'string' || !modulePath) {
    throw new ConnectorRegistryError(`connector package "${entry}": package.json has no "switchboard": { "connectors": "<module>" }`);
  }
  let mod: { default?: unknown; connectors?: unknown };
  try {
    mod = (await import(pathToFileURL(resolve(dir, modulePath)).href)) as typeof mod;
  } catch (err) {
    throw new ConnectorRegistryError(`connector package "${entry}": cannot import ${modulePath} (${(err as Error).message})`);
  }
  const found = [mod.default, mod.connectors].flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
  if (found.length === 0) throw new ConnectorRegistryError(`connector package "${entry}": ${modulePath} exports no connectors (default or "connectors")`);
  return found as ConnectorDefinition[];
}

export async function loadConnectorRegistry(config: Pick<Config, 'connectorPackages'>, opts: { cwd?: string } = {}): Promise<ConnectorRegistry> {
  const registry = new ConnectorRegistry(BUILTIN_CONNECTORS);
  for (const entry of config.connectorPackages) {
    for (const def of await loadConnectorPackage(entry, opts.cwd)) registry.add(def, `package "${entry}"`);
  }
  return registry;
}
