/**
 * `switchboard automations list|apply|run` through the HTTP API. `apply` never opens a
 * database: the API validates the definition and saves it (and its schedule) itself.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { AutomationsClient } from '../client/http-api.ts';
import { apiClient, EXIT, positiveInt } from './api.ts';
import { apiList, printJson } from './output.ts';
import { waitForRunEnd } from './runs.ts';
import { DefinitionFileError } from '../errors.ts';

async function readDefinition(file: string): Promise<Record<string, unknown> & { name: string }> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw new DefinitionFileError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new DefinitionFileError(`${file}: invalid definition: must be a YAML or JSON object`);
  const name = (doc as { name?: unknown }).name;
  if (typeof name !== 'string' || !name.trim()) throw new DefinitionFileError(`${file}: invalid definition: needs a name (apply matches automations by name)`);
  return doc as Record<string, unknown> & { name: string };
}

/** An automation id, or the name of one (`auto_…` ids are taken as ids). */
async function resolveAutomation(client: AutomationsClient, idOrName: string): Promise<string> {
  if (idOrName.startsWith('auto_')) return idOrName;
  const found = (await client.listAutomations()).filter((a) => a.name === idOrName);
  if (found.length === 1) return found[0]!.id;
  throw new DefinitionFileError(found.length ? `${found.length} automations are named "${idOrName}": give the id` : `no automation is named "${idOrName}"`);
}

export function registerAutomationCommands(program: Command): void {
  const automations = program.command('automations').description('List, apply and run automations (HTTP API)');

  apiList(
    automations
      .command('list')
      .description('Automations with their current versions'),
    (_o: { json?: boolean }) => apiClient().listAutomations(),
    [
      { header: 'id', value: (a) => a.id },
      { header: 'name', value: (a) => a.name },
      { header: 'v', value: (a) => a.version },
      { header: 'trigger', value: (a) => a.trigger.type },
      { header: 'updated', value: (a) => a.updatedAt },
    ],
    '(no automations)',
  );

  automations
    .command('apply <file>')
    .description('Create the automation named in a YAML or JSON definition file, or save a new version of the one with that name')
    .option('--json', 'print the API answer as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const definition = await readDefinition(file);
      const client = apiClient();
      const existing = (await client.listAutomations()).find((a) => a.name === definition.name);
      const saved = existing ? await client.updateAutomation(existing.id, definition) : await client.createAutomation(definition);
      if (o.json) return printJson({ ...saved, created: !existing });
      process.stdout.write(`${existing ? 'updated' : 'created'} ${saved.id} (${definition.name}) version ${saved.version}\n`);
    });

  automations
    .command('run <automation>')
    .description('Start a run of the current version (automation id or name)')
    .option('--input <json>', 'the run input as JSON', '{}')
    .option('--input-file <file>', 'read the run input from a JSON or YAML file')
    .option('--idempotency-key <key>', 'the same key starts the run at most once')
    .option('--wait', 'wait for the run to end and print its outputs; exit 1 unless it completed')
    .option('--interval <ms>', 'with --wait: poll interval', positiveInt, 1_000)
    .option('--json', 'print the API answer as JSON')
    .action(async (automation: string, o: { input: string; inputFile?: string; idempotencyKey?: string; wait?: boolean; interval: number; json?: boolean }) => {
      let input: unknown;
      try {
        input = o.inputFile ? (parseYaml(await readFile(o.inputFile, 'utf8')) as unknown) : (JSON.parse(o.input) as unknown);
      } catch (err) {
        throw new DefinitionFileError(`${o.inputFile ? o.inputFile : '--input'}: not valid ${o.inputFile ? 'YAML or JSON' : 'JSON'} (${(err as Error).message.split('\n')[0]})`);
      }
      const client = apiClient();
      const id = await resolveAutomation(client, automation);
      const started = await client.startRun(id, input, o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {});
      if (!o.wait) {
        if (o.json) return printJson(started);
        process.stdout.write(`${started.duplicate ? 'already started' : 'started'} ${started.workflowId}\n`);
        return;
      }
      const run = await waitForRunEnd(started.workflowId, o.interval);
      if (o.json) printJson(run);
      else {
        process.stdout.write(`${started.workflowId} ${run.status}${run.error ? `: ${run.error.code}: ${run.error.message}` : ''}\n`);
        if (run.result) printJson(run.result.outputs);
      }
      if (run.status !== 'completed') process.exitCode = EXIT.failed;
    });
}
