/**
 * The embedded Temporal dev server of `switchboard dev`: the Temporal CLI's
 * `server start-dev`, persisting to a SQLite file in the data dir, with the Web UI.
 * Falls back to the SDK's own download when no binary can be found or installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES, devServerSearchAttributeFlags } from './search-attributes.ts';
import { resolveTemporalTool } from './tools.ts';

export interface DevServerOptions {
  dataDir: string;
  /** null → keep everything in memory (tests). */
  dbFile?: string | null;
  /**
   * SQLite `synchronous` of the file (WAL journal either way): `normal` (default) loses
   * nothing on a process crash but may lose the last transactions on power loss;
   * `full` syncs every commit.
   */
  sqliteSynchronous?: SqliteSynchronous;
  ip?: string;
  port: number;
  uiPort?: number;
  /** false → headless (no Web UI). */
  ui?: boolean;
  namespace: string;
  cliPath?: string | undefined;
  searchPath: string | undefined;
  /** Remote codec the Web UI calls to show encrypted payloads. */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}

export type SqliteSynchronous = 'normal' | 'full';

/**
 * Pragmas of the dev server's SQLite file. The CLI's default rollback journal syncs
 * twice per commit and slows down as the file grows; WAL appends instead.
 */
export function sqlitePragmaFlags(synchronous: SqliteSynchronous = 'normal'): string[] {
  return ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', `synchronous=${synchronous}`];
}

/**
 * Dynamic config of the embedded server: task queue fairness on (`fairness` of automations;
 * priority needs nothing, it is on by default since server 1.29), and new tasks written to one
 * partition of each task queue. Priority and fairness hold within a partition only: over the
 * default four (tasks spread at random, pollers served by any), a small key's tasks waited
 * behind a big key's backlog on another partition (bench `fairness`: about half of them). One
 * server process gains nothing from more write partitions; the read partitions stay at the
 * default so tasks an older embedded server wrote to the others still drain. A cluster needs
 * `matching.enableFairness` in its dynamic config (docs/concepts/flow-control.md).
 *
 * Visibility calls (list, count) per namespace: 500/s instead of Temporal's default 10. The
 * approvals inbox makes one list per phase it reads and one count for a page (up to four calls), the
 * runs list and the console's polls add theirs: at 10/s the server throttled a busy inbox
 * (pages stalled 1.4–1.9 s every few dozen, bench `parked`). A cluster sets
 * `frontend.namespaceRPS.visibility` to what its visibility store carries
 * (docs/operations/parked-runs.md).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string>> = {
  'matching.enableFairness': 'true',
  'matching.numTaskqueueWritePartitions': '1',
  'frontend.namespaceRPS.visibility': '500',
};

/** {@link DEV_SERVER_DYNAMIC_CONFIG} as `temporal server start-dev` flags. */
export function dynamicConfigFlags(): string[] {
  return Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`]);
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string | undefined;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts a dev server and waits until it answers. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const address = `${ip}:${opts.port}`;
  const ui = opts.ui ?? true;
  const uiPort = opts.uiPort ?? opts.port + 1000;
  const dbFile = opts.dbFile === undefined ? join(opts.dataDir, 'temporal.sqlite') : opts.dbFile;
  await mkdir(opts.dataDir, { recursive: true });
  const cli = await resolveTemporalTool('cli', { explicitPath: opts.cliPath, pathEnv: opts.searchPath, log: opts.log });

  if (!cli) {
    opts.log?.('no Temporal CLI found or installable; using the Temporal SDK download');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip,
        port: opts.port,
        ui,
        uiPort,
        namespace: opts.namespace,
        ...(dbFile ? { dbFilename: dbFile } : {}),
        extraArgs: [...(dbFile ? sqlitePragmaFlags(opts.sqliteSynchronous) : []), ...dynamicConfigFlags()],
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
      },
    });
    return {
      address,
      uiUrl: ui ? `http://${ip}:${uiPort}` : undefined,
      pid: undefined,
      stop: () => env.teardown(),
    };
  }

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...(ui ? ['--ui-port', String(uiPort), '--ui-ip', ip, ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : [])] : ['--headless']),
    ...(dbFile ? ['--db-filename', dbFile, ...sqlitePragmaFlags(opts.sqliteSynchronous)] : []),
    ...devServerSearchAttributeFlags(),
    ...dynamicConfigFlags(),
  ];
  const logFile = createWriteStream(join(opts.dataDir, 'temporal.log'), { flags: 'a' });
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  let exited = false;
  const exit = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      exited = true;
      res(code);
    }),
  );
  try {
    await Promise.race([
      waitUntilServing(address, 60_000),
      exit.then((code) => {
        throw new Error(`Temporal dev server exited with code ${code}; see ${join(opts.dataDir, 'temporal.log')}`);
      }),
    ]);
  } catch (err) {
    if (!exited) await stopChild(child, exit);
    throw err;
  }
  return {
    address,
    uiUrl: ui ? `http://${ip}:${uiPort}` : undefined,
    pid: child.pid,
    stop: async () => {
      if (!exited) await stopChild(child, exit);
      logFile.end();
    },
  };
}

async function stopChild(child: ChildProcess, exit: Promise<unknown>): Promise<void> {
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
  await exit;
  clearTimeout(killer);
}

/** Polls the frontend until it answers a system-info call. */
export async function waitUntilServing(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${(last as Error)?.message}`);
}
