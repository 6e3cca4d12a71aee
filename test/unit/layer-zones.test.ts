/**
 * The layers of ARCHITECTURE.md are lint zones (eslint.config.js): a temporary file that
 * imports across a zone must fail `eslint` naming the rule; one within its zone passes.
 */
import { rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireBuildLock, releaseBuildLock } from '../support/build.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tag = `tmp-zone-probe-${process.pid}`;

/** Probe files: path in the repository → source. */
const probes = {
  connectorToSrc: [`connectors/${tag}.ts`, `import { loadConfig } from '../src/config.ts';\nexport const probe = loadConfig;\n`],
  connectorToOtherConnector: [`connectors/http/${tag}.ts`, `import { createOpenAiClient } from '../openai/client.ts';\nexport const probe = createOpenAiClient;\n`],
  workflowToSrc: [`workflows/${tag}.ts`, `import { loadConfig } from '../src/config.ts';\nexport const probe = loadConfig;\n`],
  workflowValueFromActivities: [`workflows/${tag}-value.ts`, `import { createActivities } from '../activities/index.ts';\nexport const probe = createActivities;\n`],
  activityToApi: [`activities/${tag}.ts`, `import { nameString } from '../src/api/ids.ts';\nexport const probe = nameString;\n`],
  serviceToApi: [`src/automations/${tag}.ts`, `import { nameString } from '../api/ids.ts';\nexport const probe = nameString;\n`],
  activityToMcpEndpoint: [`activities/${tag}-mcp.ts`, `import { mcpEndpoint } from '../src/api/mcp/endpoint.ts';\nexport const probe = mcpEndpoint;\n`],
  activityToApp: [`activities/${tag}-app.ts`, `import { createApp } from '../src/app.ts';\nexport const probe = createApp;\n`],
  serviceToApp: [`src/automations/${tag}-app.ts`, `import { createApp } from '../app.ts';\nexport const probe = createApp;\n`],
  connectorToSrcService: [`connectors/slack/${tag}.ts`, `import { createServices } from '../../src/services.ts';\nexport const probe = createServices;\n`],
  workflowToConnectorClient: [`workflows/${tag}-client.ts`, `import { callSlack } from '../connectors/slack/client.ts';\nexport const probe = callSlack;\n`],
  connectorOk: [
    `connectors/http/${tag}-ok.ts`,
    `import { defineAction } from '../sdk/index.ts';\nimport { parseRetryAfter } from '../sdk/retry-after.ts';\nexport const probe = [defineAction, parseRetryAfter];\n`,
  ],
  workflowOk: [
    `workflows/${tag}-ok.ts`,
    `import type { Activities } from '../activities/index.ts';\nimport { NON_RETRYABLE_CODES } from '../connectors/sdk/errors.ts';\nimport { WORKFLOW_TYPES } from '../src/temporal/constants.ts';\nexport type Probe = Activities;\nexport const probe = [NON_RETRYABLE_CODES, WORKFLOW_TYPES];\n`,
  ],
  workflowModuleState: [`workflows/${tag}-state.ts`, `export let runs = 0;\nexport function probe(): number {\n  return ++runs;\n}\n`],
  serviceOk: [`src/automations/${tag}-ok.ts`, `import { nameString } from '../schemas/ids.ts';\nexport const probe = nameString;\n`],
  activityToMcpClientOk: [`activities/${tag}-mcp-ok.ts`, `import { listMcpTools } from '../src/mcp/client.ts';\nexport const probe = listMcpTools;\n`],
} as const satisfies Record<string, readonly [string, string]>;

type Probe = keyof typeof probes;
const results = new Map<Probe, ESLint.LintResult>();

// The probes live in source folders: hold the build lock while they exist (no dist build
// reads them) and give their folders back their times (no rebuild is triggered after).
const folders = [...new Set(Object.values(probes).map(([path]) => join(root, dirname(path))))];
let folderTimes: { path: string; atime: Date; mtime: Date }[] = [];

beforeAll(async () => {
  acquireBuildLock();
  folderTimes = await Promise.all(
    folders.map(async (path) => {
      const { atime, mtime } = await stat(path);
      return { path, atime, mtime };
    }),
  );
  await Promise.all(Object.values(probes).map(([path, source]) => writeFile(join(root, path), source)));
  const eslint = new ESLint({ cwd: root });
  const linted = await eslint.lintFiles(Object.values(probes).map(([path]) => path));
  for (const name of Object.keys(probes) as Probe[]) {
    const found = linted.find((r) => r.filePath === join(root, probes[name][0]));
    if (!found) throw new Error(`no lint result for ${probes[name][0]}`);
    results.set(name, found);
  }
}, 120_000);

afterAll(async () => {
  try {
    await Promise.all(Object.values(probes).map(([path]) => rm(join(root, path), { force: true })));
    await Promise.all(folderTimes.map(({ path, atime, mtime }) => utimes(path, atime, mtime)));
  } finally {
    releaseBuildLock();
  }
});

const rulesOf = (name: Probe) => results.get(name)!.messages.map((m) => m.ruleId);

describe('layer zones', () => {
  it.each([
    ['connectorToSrc', 'Connectors import only connectors/sdk'],
    ['connectorToOtherConnector', 'only connectors/sdk and its own folder'],
    ['workflowToSrc', 'Workflows import only pure modules'],
    ['activityToApi', 'never import src/api'],
    ['serviceToApi', 'src/api is the top floor'],
    ['activityToMcpEndpoint', 'with the MCP endpoint and its tools'],
    ['activityToApp', 'src/app.ts is the HTTP app'],
    ['serviceToApp', 'src/app.ts is the HTTP app'],
    ['connectorToSrcService', 'Connectors import only connectors/sdk'],
    ['workflowToConnectorClient', 'Workflows import only the pure SDK modules'],
  ] as const)('fails %s, naming the rule', (name, message) => {
    const zone = results.get(name)!.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths');
    expect(zone.length).toBeGreaterThan(0);
    expect(zone.map((m) => m.message).join('\n')).toContain(message);
  });

  it('fails a workflow importing an activity module for its values (types only)', () => {
    expect(rulesOf('workflowValueFromActivities')).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('fails a workflow importing a connector client also by the determinism rule', () => {
    const found = results.get('workflowToConnectorClient')!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(found.map((m) => m.message).join('\n')).toContain('Connector clients run in activities, not workflows.');
  });

  it('fails module-level state in workflow code (preloaded once, shared by every run)', () => {
    const found = results.get('workflowModuleState')!.messages.filter((m) => m.ruleId === 'no-restricted-syntax');
    expect(found.map((m) => m.message).join('\n')).toContain('Workflow modules are shared by every run');
  });

  it.each(['connectorOk', 'workflowOk', 'serviceOk', 'activityToMcpClientOk'] as const)('passes %s (imports within its zone)', (name) => {
    expect(rulesOf(name)).toEqual([]);
  });
});
