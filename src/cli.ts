/**
 * The `switchboard` command line. Every command parses the configuration first, so a
 * bad environment variable stops it with one line naming the variable.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { DefinitionError, parseDefinition } from './automations/definition.ts';
import { AutomationService } from './automations/service.ts';
import { createTemporalClient, pingTemporal, type TemporalHandle } from './temporal/client.ts';
import { ConfigError, DEV_TEMPORAL_PORT, devTemporalAddress, loadConfig, type Config } from './config.ts';
import { z } from 'zod';
import { createApiKey } from './security/api-key-store.ts';
import { SCOPES, scopeSchema } from './security/scopes.ts';
import { openOrm } from './db/orm.ts';
import { runApi, runDev, runMigrate, runWorker, type Running } from './runtime.ts';
import { WORKFLOW_ID_PREFIX } from './temporal/constants.ts';
import { retentionWarning } from './temporal/retention.ts';
import { resolveTemporalTool } from './temporal/tools.ts';
import { nanoid } from './security/random.ts';
import { loadKeyring } from './security/master-key.ts';
import { dataConverterFor } from './temporal/codec.ts';
import { rotateSecrets } from './security/rotate.ts';
import { VERSION } from './version.ts';
import { deploymentVersion, setCurrentVersion } from './temporal/deployment.ts';
import type { AutomationDefinition } from '../workflows/automation/types.ts';
import type { DataConverter } from '@temporalio/common';
import { selfCheckWorkflow } from '../workflows/index.ts';

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
  .showHelpAfterError();

program
  .command('dev')
  .description('Run everything in one process tree: Temporal dev server (unless TEMPORAL_ADDRESS is set), worker and API')
  .option('--check', 'run the self-check workflow after start-up and print its result')
  .option('--temporal-port <port>', 'frontend port of the embedded Temporal server', String(DEV_TEMPORAL_PORT))
  .action(async (opts: { check?: boolean; temporalPort: string }) => {
    const running = await runDev(config(), { temporalPort: Number(opts.temporalPort) });
    running.lifecycle.handleSignals();
    banner(running);
    if (opts.check) {
      const result = await running.services.temporal.client.workflow.execute(selfCheckWorkflow, {
        taskQueue: running.services.temporal.taskQueue,
        workflowId: `${WORKFLOW_ID_PREFIX.selfCheck}:${nanoid()}`,
        staticSummary: 'System self-check',
      });
      process.stdout.write(`self-check: ${JSON.stringify(result)}\n`);
    }
  });

program
  .command('api')
  .description('Run the HTTP API against an external Temporal (TEMPORAL_ADDRESS) and database (DATABASE_URL)')
  .action(async () => {
    const running = await runApi(config());
    running.lifecycle.handleSignals();
    running.services.logger.info({ url: running.services.config.publicUrl }, 'api listening');
  });

program
  .command('worker')
  .description('Run a worker against an external Temporal (TEMPORAL_ADDRESS) and database (DATABASE_URL)')
  .action(async () => {
    const running = await runWorker(config());
    running.lifecycle.handleSignals();
    running.services.logger.info({ taskQueue: running.services.config.temporal.taskQueue }, 'worker running');
  });

program
  .command('deploy')
  .description('Make this build the current version of SWITCHBOARD_WORKER_DEPLOYMENT at TEMPORAL_ADDRESS (new runs start on it)')
  .option('--wait <seconds>', 'how long to wait for a worker of this build to poll', '60')
  .action(async (opts: { wait: string }) => {
    const c = config();
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
    const orm = await openOrm(config().database, { migrate: true });
    try {
      const { key, view } = await createApiKey(orm.em.fork(), { name: opts.name, principal: opts.principal ?? opts.name, scopes: parsed.data });
      process.stdout.write(`${key}\n`);
      process.stderr.write(`created key ${view.id} (${view.name}) for ${view.principal} with scopes ${view.scopes.join(', ')}; store it now, it is not shown again\n`);
    } finally {
      await orm.close();
    }
  });

/** How long `apply` waits for Temporal to answer before giving up with a one-line error. */
const APPLY_TEMPORAL_DEADLINE_MS = 3_000;

/**
 * The Temporal client `apply` saves schedules through: TEMPORAL_ADDRESS, else the
 * `switchboard dev` server on 127.0.0.1:<port>. It must answer within a short deadline.
 */
async function temporalForSchedules(c: Config, devPort: string, dataConverter: DataConverter | undefined): Promise<TemporalHandle> {
  const port = Number(devPort);
  if (!/^\d+$/.test(devPort) || port < 1 || port > 65535) throw new Error(`--temporal-port must be a port number (got "${devPort}")`);
  const address = c.temporal.address ?? devTemporalAddress(port);
  const temporal = createTemporalClient({ ...c.temporal, address }, { dataConverter });
  let timer: NodeJS.Timeout | undefined;
  try {
    // The gRPC deadline alone can run over (connecting, then the SDK's retry backoff): a timer bounds it.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), APPLY_TEMPORAL_DEADLINE_MS);
    });
    await Promise.race([pingTemporal(temporal, APPLY_TEMPORAL_DEADLINE_MS), late]);
    return temporal;
  } catch (err) {
    await temporal.connection.close();
    const reason = String((err as Error).message).split('\n')[0];
    throw new Error(
      c.temporal.address
        ? `Temporal at TEMPORAL_ADDRESS=${address} did not answer within ${APPLY_TEMPORAL_DEADLINE_MS / 1000} s (${reason}); schedule triggers live in Temporal, nothing was saved`
        : `no Temporal server answers at ${address} (TEMPORAL_ADDRESS is unset, so apply tried the \`switchboard dev\` default): start \`switchboard dev\` or set TEMPORAL_ADDRESS; schedule triggers live in Temporal, nothing was saved`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}

const automations = program.command('automations').description('Manage automations');
automations
  .command('apply <file>')
  .description('Create or update (new version) the automation named in a YAML or JSON definition file')
  .option('--temporal-port <port>', 'without TEMPORAL_ADDRESS: frontend port of the `switchboard dev` server that holds schedules', String(DEV_TEMPORAL_PORT))
  .action(async (file: string, opts: { temporalPort: string }) => {
    const c = config();
    let def: AutomationDefinition;
    try {
      def = parseDefinition(parseYaml(await readFile(file, 'utf8')) as unknown);
    } catch (err) {
      if (err instanceof DefinitionError) throw new Error(`${file}: invalid definition:\n  ${err.problems.join('\n  ')}`, { cause: err });
      throw err;
    }
    const orm = await openOrm(c.database, { migrate: true });
    let temporal: TemporalHandle | undefined;
    try {
      // Schedules live in Temporal: a schedule trigger, or replacing one, needs it (TEMPORAL_ADDRESS
      // or the dev server). Otherwise Temporal is only used when TEMPORAL_ADDRESS is set.
      const existing = await new AutomationService({ orm, temporal: undefined }).findByName(def.name);
      // With payload encryption on, schedule actions (their input) are sealed like every other payload.
      const dataConverter = c.payloadEncryption ? dataConverterFor(c, await loadKeyring(c, { mode: c.masterKey ? 'server' : 'dev' })) : undefined;
      if (def.trigger.type === 'schedule' || existing?.triggerType === 'schedule') temporal = await temporalForSchedules(c, opts.temporalPort, dataConverter);
      else if (c.temporal.address) temporal = createTemporalClient({ ...c.temporal, address: c.temporal.address }, { dataConverter });
      const { created, automation } = await new AutomationService({ orm, temporal }).apply(def);
      process.stdout.write(`${created ? 'created' : 'updated'} ${automation.id} (${automation.name}) version ${automation.version}\n`);
    } finally {
      await temporal?.connection.close();
      await orm.close();
    }
  });

keys
  .command('rotate')
  .description('Re-encrypt every stored secret under the first key of SWITCHBOARD_MASTER_KEY (list old keys after it until this finishes)')
  .action(async () => {
    const c = config();
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

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`switchboard: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`switchboard: ${(err as Error).message}\n`);
  process.exit(1);
}
