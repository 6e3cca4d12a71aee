/**
 * What an idle `switchboard worker` holds: it starts a private Temporal dev server and a
 * migrated SQLite database, then runs `runWorker` (what `switchboard worker` runs) in a
 * child process with `--expose-gc`, and reports the child's main-isolate heap after a full
 * GC, its RSS, and the packages whose files it loaded (by a module resolve hook). `--raw`:
 * the raw Temporal worker of bench/raw/worker.ts instead, on the same server, for comparison.
 *
 *   node_modules/.bin/node bin/run-ts.mjs bench/idle-worker.ts [--runs 3] [--raw] [--modules] [--files <path text>] [--json]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface IdleWorkerFigures {
  heapUsed: number;
  rss: number;
  external: number;
  /** Files loaded per package (`node_modules/<name>`, `node:` built-ins excluded; ours as `(switchboard)`). */
  packages: Record<string, number>;
  /** The loaded files whose path contains `--files <text>`. */
  files: string[];
}

/** `@scope/name` or `name` of a file URL under node_modules, `(switchboard)` for ours. */
function packageOf(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = fileURLToPath(url);
  const i = path.lastIndexOf('/node_modules/');
  if (i < 0) return '(switchboard)';
  const parts = path.slice(i + '/node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

async function child(): Promise<void> {
  const files = new Set<string>();
  registerHooks({
    resolve(specifier, context, next) {
      const r = next(specifier, context);
      files.add(r.url);
      return r;
    },
  });
  // CommonJS files required from CommonJS do not all pass the resolve hook: count the require cache too.
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  let stop: () => Promise<void>;
  if (process.env['IDLE_WORKER_RAW']) {
    const { Cleanup, quietTemporalSdk, rawWorker } = await import('./raw/worker.ts');
    quietTemporalSdk();
    const cleanup = new Cleanup();
    await rawWorker(process.env['TEMPORAL_ADDRESS']!, cleanup);
    stop = () => cleanup.run();
  } else {
    const { loadConfig } = await import('../src/config.ts');
    const { runWorker } = await import('../src/runtime.ts');
    const running = await runWorker(loadConfig());
    stop = () => running.lifecycle.stop();
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const m = process.memoryUsage();
  for (const f of Object.keys(require.cache)) files.add(`file://${f}`);
  const packages: Record<string, number> = {};
  for (const url of files) {
    const p = packageOf(url);
    if (p) packages[p] = (packages[p] ?? 0) + 1;
  }
  const match = process.env['IDLE_WORKER_FILES'];
  const listed = match ? [...files].filter((f) => f.includes(match)).map((f) => f.replace(/^file:\/\//, '')) : [];
  process.stdout.write(JSON.stringify({ heapUsed: m.heapUsed, rss: m.rss, external: m.external, packages, files: listed } satisfies IdleWorkerFigures) + '\n');
  await stop();
  process.exit(0);
}

async function parent(): Promise<void> {
  const { values } = parseArgs({ options: { modules: { type: 'boolean' }, json: { type: 'boolean' }, runs: { type: 'string', default: '1' }, files: { type: 'string' }, raw: { type: 'boolean' } } });
  const { Cleanup, devServer } = await import('./lib.ts');
  const { openOrm } = await import('../src/db/orm.ts');
  const cleanup = new Cleanup();
  const dir = await mkdtemp(join(tmpdir(), 'sb-idle-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  try {
    const server = await devServer('memory', dir, cleanup);
    const dbPath = join(dir, 'switchboard.sqlite');
    await (await openOrm({ kind: 'sqlite', path: dbPath }, { migrate: true })).close();
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      DATABASE_URL: `sqlite:${dbPath}`,
      SWITCHBOARD_DATA_DIR: dir,
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      ...(values.files ? { IDLE_WORKER_FILES: values.files } : {}),
      ...(values.raw ? { IDLE_WORKER_RAW: '1' } : {}),
    };
    for (let run = 0; run < Number(values.runs); run++) {
      const out = await new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['--expose-gc', 'bin/run-ts.mjs', fileURLToPath(import.meta.url), '--child'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
        let text = '';
        p.stdout.on('data', (d: Buffer) => (text += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited ${code}: ${text}`))));
      });
      const figures = JSON.parse(out.trim().split('\n').at(-1)!) as IdleWorkerFigures;
      if (values.json) {
        process.stdout.write(JSON.stringify(figures) + '\n');
        continue;
      }
      const mib = (n: number) => (n / 2 ** 20).toFixed(1);
      process.stdout.write(`heapUsed ${mib(figures.heapUsed)} MiB  rss ${mib(figures.rss)} MiB  external ${mib(figures.external)} MiB\n`);
      if (values.modules) {
        const rows = Object.entries(figures.packages).sort((a, b) => b[1] - a[1]);
        process.stdout.write(rows.map(([p, n]) => `${String(n).padStart(5)}  ${p}`).join('\n') + '\n');
      }
      if (figures.files.length) process.stdout.write(figures.files.join('\n') + '\n');
    }
  } finally {
    await cleanup.run();
  }
}

if (process.argv.includes('--child')) await child();
else await parent();
