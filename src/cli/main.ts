/**
 * The `switchboard` command line. Every command parses the configuration first, so a
 * bad environment variable stops it with one line naming the variable. The server
 * commands load their modules (Temporal, the database, workflows) when they run, so the
 * API commands (`runs`, `approvals`, … in src/cli/) start quickly.
 */
import { Command, CommanderError } from 'commander';
import { DEV_TEMPORAL_PORT, loadConfig, type Config } from '../config.ts';
import { z } from 'zod';
import { SCOPES, scopeSchema } from '../security/scopes.ts';
import type { Running } from '../runtime.ts';
import { VERSION } from '../version.ts';
import { describeApiFailure, EXIT } from './api.ts';
import { registerAutomationCommands } from './automations.ts';
import { registerApprovalCommands } from './approvals.ts';
import { registerConnectionCommands } from './connections.ts';
import { registerEventCommands } from './events.ts';
import { registerRagCommands } from './rag.ts';
import { registerRunCommands } from './runs.ts';
import { registerScheduleCommands } from './schedules.ts';
import { ConfigError, DefinitionFileError } from '../errors.ts';

function config(): Config {
  return loadConfig();
}

function banner(running: Running): void {
  const { config } = running.services;
  const lines = [
    '',
    `  Switchboard ${VERSION} is up`,
    `  API          ${config.publicUrl}   (docs: ${config.publicUrl}/docs)`,
    `  Temporal UI  ${running.uiUrl ?? '(external server: ' + running.address + ')'}`,
    `  Temporal     ${running.address}  namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
    `  Data dir     ${config.dataDir}`,
    `  Database     ${config.database.kind === 'sqlite' ? config.database.path : 'PostgreSQL'}`,
    config.apiKey ? '  API key      from SWITCHBOARD_API_KEY' : '  API key      none set: create one with `npm run switchboard -- keys create --name me --scopes admin`',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const program = new Command()
  .name('switchboard')
  .description('Durable integration engine on Temporal')
  .version(VERSION)
  .showHelpAfterError()
  // Usage errors exit 2 like a bad configuration (commander has printed the message).
  .exitOverride();

program
  .command('dev')
  .description('Run everything in one process tree: Temporal dev server (unless TEMPORAL_ADDRESS is set), worker and API')
  .option('--check', 'run the self-check workflow after start-up and print its result')
  .option('--temporal-port <port>', 'frontend port of the embedded Temporal server', String(DEV_TEMPORAL_PORT))
  .action(async (opts: { check?: boolean; temporalPort: string }) => {
    const { runDev } = await import('../runtime.ts');
    const running = await runDev(config(), { temporalPort: Number(opts.temporalPort) });
    running.lifecycle.handleSignals();
    banner(running);
    if (opts.check) {
      const { runSelfCheck } = await import('../temporal/self-check.ts');
      const result = await runSelfCheck(running.services.temporal);
      process.stdout.write(`self-check: ${JSON.stringify(result)}\n`);
    }
  });

/** `api` and `worker`: one process part against an external Temporal and database, until a signal stops it. */
for (const [name, part, what] of [['api', 'the HTTP API', 'api listening'], ['worker', 'a worker', 'worker running']] as const) {
  program
    .command(name)
    .description(`Run ${part} against an external Temporal (TEMPORAL_ADDRESS) and database (DATABASE_URL)`)
    .action(async () => {
      const runtime = await import('../runtime.ts');
      const running = await (name === 'api' ? runtime.runApi : runtime.runWorker)(config());
      running.lifecycle.handleSignals();
      const { config: c } = running.services;
      running.services.logger.info(name === 'api' ? { url: c.publicUrl } : { taskQueue: c.temporal.taskQueue }, what);
    });
}

program
  .command('deploy')
  .description('Make this build the current version of SWITCHBOARD_WORKER_DEPLOYMENT at TEMPORAL_ADDRESS (new runs start on it)')
  .option('--wait <seconds>', 'how long to wait for a worker of this build to poll', '60')
  .action(async (opts: { wait: string }) => {
    const c = config();
    const [{ deploymentVersion, setCurrentVersion }, { createTemporalClient }] = await Promise.all([import('../temporal/deployment.ts'), import('../temporal/client.ts')]);
    const version = deploymentVersion(c);
    if (!version || !c.temporal.address) throw new ConfigError(version ? 'TEMPORAL_ADDRESS' : 'SWITCHBOARD_WORKER_DEPLOYMENT', 'is required by switchboard deploy');
    const temporal = createTemporalClient({ ...c.temporal, address: c.temporal.address });
    try {
      await setCurrentVersion(temporal.client, c.temporal.namespace, version, Number(opts.wait) * 1000);
    } finally {
      await temporal.connection.close();
    }
    process.stdout.write(`current version: ${version.deploymentName}.${version.buildId}\n`);
  });

program
  .command('migrate')
  .description('Apply database migrations (and, when TEMPORAL_ADDRESS is set, register search attributes and check the namespace retention)')
  .option('--set-retention', "raise the namespace's retention to the dedupe window (SWITCHBOARD_DEDUPE_WINDOW_DAYS) when it is shorter")
  .action(async (opts: { setRetention?: boolean }) => {
    const [{ runMigrate }, { retentionWarning }] = await Promise.all([import('../runtime.ts'), import('../temporal/retention.ts')]);
    const result = await runMigrate(config(), { setRetention: opts.setRetention === true });
    const retention = result.retention;
    process.stdout.write(
      `migrations applied: ${result.applied.length ? result.applied.join(', ') : 'none (up to date)'}\n` +
        (result.searchAttributes.length ? `search attributes registered: ${result.searchAttributes.join(', ')}\n` : '') +
        (retention?.updated ? `namespace retention set to ${retention.retentionDays} days (the dedupe window)\n` : ''),
    );
    if (retention && !retention.ok) process.stderr.write(`${retentionWarning(retention)}\n`);
  });

program
  .command('tools')
  .description('Find or install the Temporal CLI and time-skipping test server; print their paths')
  .action(async () => {
    const c = config();
    const { resolveTemporalTool } = await import('../temporal/tools.ts');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const cli = await resolveTemporalTool('cli', { explicitPath: c.temporal.cliPath, pathEnv: c.searchPath, log });
    const testServer = await resolveTemporalTool('testServer', { explicitPath: c.temporal.testServerPath, pathEnv: c.searchPath, log });
    process.stdout.write(`temporal: ${cli ?? '(not found: the SDK download will be used)'}\ntemporal-test-server: ${testServer ?? '(not found: the SDK download will be used)'}\n`);
  });

const keys = program.command('keys').description('Manage API keys');
keys
  .command('create')
  .description('Create an API key for a principal with scopes and print it once')
  .requiredOption('--name <name>', 'what the key is for')
  .option('--principal <principal>', 'who holds the key (requests and approvals are attributed to it); default: the name')
  .requiredOption('--scopes <scopes>', `comma-separated scopes: ${SCOPES.join(', ')} (admin implies all)`)
  .action(async (opts: { name: string; principal?: string; scopes: string }) => {
    const requested = opts.scopes.split(',').map((s) => s.trim()).filter(Boolean);
    const parsed = z.array(scopeSchema).min(1).safeParse(requested);
    if (!parsed.success) {
      const unknown = requested.filter((s) => !(SCOPES as readonly string[]).includes(s));
      process.stderr.write(`--scopes: ${unknown.length ? `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}` : 'name at least one scope'}; valid: ${SCOPES.join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
    const [{ openOrm }, { createApiKey }] = await Promise.all([import('../db/orm.ts'), import('../security/api-key-store.ts')]);
    const orm = await openOrm(config().database, { migrate: true });
    try {
      const { key, view } = await createApiKey(orm.em.fork(), { name: opts.name, principal: opts.principal ?? opts.name, scopes: parsed.data });
      process.stdout.write(`${key}\n`);
      process.stderr.write(`created key ${view.id} (${view.name}) for ${view.principal} with scopes ${view.scopes.join(', ')}; store it now, it is not shown again\n`);
    } finally {
      await orm.close();
    }
  });

keys
  .command('rotate')
  .description('Re-encrypt every stored secret under the first key of SWITCHBOARD_MASTER_KEY (list old keys after it until this finishes)')
  .action(async () => {
    const c = config();
    const [{ loadKeyring }, { openOrm }, { rotateSecrets }] = await Promise.all([import('../security/master-key.ts'), import('../db/orm.ts'), import('../security/rotate.ts')]);
    const keyring = await loadKeyring(c, { mode: c.masterKey ? 'server' : 'dev' });
    const orm = await openOrm(c.database, { migrate: true });
    try {
      const report = await rotateSecrets(orm, keyring);
      const lines = Object.keys(report.rotated).map((t) => `  ${t}: ${report.rotated[t]} re-encrypted, ${report.current[t]} already current`);
      process.stdout.write(`secrets now under master key ${report.keyId}\n${lines.join('\n')}\n`);
    } finally {
      await orm.close();
    }
  });

// Commands that talk to a running Switchboard over HTTP (SWITCHBOARD_URL, SWITCHBOARD_API_KEY).
registerRunCommands(program);
registerScheduleCommands(program);
registerApprovalCommands(program);
registerConnectionCommands(program);
registerEventCommands(program);
registerAutomationCommands(program);
registerRagCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
  if (err instanceof ConfigError) {
    process.stderr.write(`switchboard: ${err.message}\n`);
    process.exit(EXIT.usage);
  }
  const api = describeApiFailure(err);
  if (api) {
    process.stderr.write(`switchboard: ${api.message}\n`);
    process.exit(api.code);
  }
  if (err instanceof DefinitionFileError) {
    process.stderr.write(`switchboard: ${err.message}\n`);
    process.exit(EXIT.failed);
  }
  process.stderr.write(`switchboard: ${(err as Error).message}\n`);
  process.exit(1);
}
