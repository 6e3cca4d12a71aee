/**
 * What `npm test` needs besides npm packages, provisioned the way `switchboard tools`
 * provisions Temporal (src/temporal/tools.ts), so `npm install && npm test` passes on a
 * fresh Debian machine: Chromium (Debian's package: Playwright's downloads are not
 * reachable), moto's S3 server (PyPI, pinned, into .tools/python) and a Redis server on
 * 127.0.0.1:6379 (the inbound rate-limit tests), plus a stopped local PostgreSQL started.
 * As root a missing Debian package is installed with apt-get; otherwise one line names the
 * command to run, and only the tests that need it fail.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/temporal/tools.ts';
import { CHROMIUM_PATH } from './browser.ts';

const run = promisify(execFile);

/** moto's S3-compatible server, pinned (PyPI `moto[server]`). */
export const MOTO = { requirement: 'moto[server]==5.2.1', dir: join(projectRoot, '.tools', 'python') } as const;
/** The Redis the rate-limit tests use. */
export const TEST_REDIS = { host: '127.0.0.1', port: 6379 } as const;

type Log = (line: string) => void;

const isRoot = () => process.getuid?.() === 0;

async function commandWorks(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<boolean> {
  return run(cmd, args, { timeout: 60_000, env: env ?? process.env }).then(
    () => true,
    () => false,
  );
}

async function aptInstall(pkg: string, log: Log): Promise<boolean> {
  if (!isRoot() || !existsSync('/usr/bin/apt-get')) {
    log(`${pkg} is missing: run \`sudo apt-get install -y ${pkg}\` (the tests that need it fail until then)`);
    return false;
  }
  log(`installing ${pkg} (apt-get)…`);
  try {
    await run('apt-get', ['update', '-qq'], { timeout: 300_000 });
    await run('apt-get', ['install', '-y', '-qq', pkg], { timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return true;
  } catch (err) {
    log(`apt-get install ${pkg} failed: ${(err as Error).message.split('\n')[0]}`);
    return false;
  }
}

export async function provisionChromium(log: Log): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) await aptInstall('chromium', log);
}

/** The command that starts moto's server: `moto_server` on PATH, else the project-local install. */
export interface MotoCommand {
  command: string;
  args: string[];
  pythonPath?: string;
}

export async function provisionMoto(log: Log): Promise<MotoCommand | undefined> {
  if (await commandWorks('moto_server', ['--help'])) return { command: 'moto_server', args: [] };
  const local: MotoCommand = { command: 'python3', args: ['-m', 'moto.server'], pythonPath: MOTO.dir };
  const env = { ...process.env, PYTHONPATH: MOTO.dir };
  if (await commandWorks('python3', ['-c', 'import moto.server'], env)) return local;
  log(`installing ${MOTO.requirement} from PyPI into ${MOTO.dir}…`);
  try {
    await run('python3', ['-m', 'pip', 'install', '--quiet', '--target', MOTO.dir, MOTO.requirement], { timeout: 600_000, maxBuffer: 10 * 1024 * 1024 });
    return local;
  } catch (err) {
    log(`could not install moto: ${(err as Error).message.split('\n')[0]}; run \`python3 -m pip install "${MOTO.requirement}"\``);
    return undefined;
  }
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Starts a throw-away redis-server (nothing on disk) when none answers; returns it to stop later. */
export async function provisionRedis(log: Log): Promise<ChildProcess | undefined> {
  if (await answers(TEST_REDIS.host, TEST_REDIS.port)) return undefined;
  if (!(await commandWorks('redis-server', ['--version'])) && !(await aptInstall('redis-server', log))) return undefined;
  log(`starting redis-server on ${TEST_REDIS.host}:${TEST_REDIS.port} for the tests`);
  const child = spawn('redis-server', ['--bind', TEST_REDIS.host, '--port', String(TEST_REDIS.port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await answers(TEST_REDIS.host, TEST_REDIS.port)); i++) await new Promise((r) => setTimeout(r, 100));
  return child;
}

/** Starts the local PostgreSQL cluster when it is installed but stopped (as .ci/run does). */
export async function startLocalPostgres(log: Log): Promise<void> {
  if (!existsSync('/usr/bin/pg_ctlcluster') || !existsSync('/etc/postgresql')) return;
  const { stdout } = await run('ls', ['/etc/postgresql']);
  const version = stdout.split('\n')[0]?.trim();
  if (!version) return;
  log(`starting PostgreSQL ${version}`);
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { timeout: 60_000 }).catch(() => undefined);
  for (let i = 0; i < 30 && !(await answers('127.0.0.1', 5432)); i++) await new Promise((r) => setTimeout(r, 1000));
}
