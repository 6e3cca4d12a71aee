import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import { ConnectorRegistry, ConnectorRegistryError } from '../../connectors/registry.ts';
import { defineAction, defineConnector } from '../../connectors/sdk/index.ts';
import { loadConnectorRegistry } from '../../src/connector-host/load.ts';

const tiny = (key: string) =>
  defineConnector({
    key,
    displayName: 'Tiny',
    version: '1.0.0',
    description: 'tiny',
    config: z.object({}),
    secrets: z.object({ token: z.string() }),
    actions: { noop: defineAction({ description: 'noop', input: z.object({}), output: z.object({ ok: z.boolean() }), idempotent: true, run: async () => ({ ok: true }) }) },
  });

describe('connector registry', () => {
  it('holds every built-in with JSON Schemas that compile', () => {
    const registry = new ConnectorRegistry(BUILTIN_CONNECTORS);
    expect(registry.list().map((c) => c.key)).toEqual(['anthropic', 'cohere', 'email', 'feed', 'github', 'github_oauth', 'google_sheets', 'http', 'jira', 'logging', 'openai', 'pinecone', 'postgres', 'qdrant', 's3', 'sendgrid', 'shopify', 'slack', 'slack_oauth', 'stripe', 'telegram', 'twilio', 'webhook']);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const slack = registry.describe('slack')!;
    expect(slack.auth).toBe('secrets');
    expect(registry.describe('google_sheets')).toMatchObject({ auth: 'oauth2', oauthScopes: ['https://www.googleapis.com/auth/spreadsheets'], secretFields: ['accessToken'] });
    expect(registry.describe('github_oauth')).toMatchObject({ auth: 'oauth2', oauthScopes: ['repo'], secretFields: ['accessToken'] });
    expect(registry.describe('slack_oauth')).toMatchObject({ auth: 'oauth2', oauthScopes: ['chat:write', 'files:write'], secretFields: ['accessToken'] });
    expect(slack.secretFields).toEqual(['botToken', 'incomingWebhookUrl', 'signingSecret']);
    const input = slack.actions.find((a) => a.key === 'send_message')!.inputSchema;
    // channel is optional: an incoming webhook fixes it (the action requires it with a botToken).
    expect(input).toMatchObject({ type: 'object', required: ['text'], properties: { channel: { type: 'string' } } });
    const validate = ajv.compile(input);
    expect(validate({ channel: '#a', text: 'b' })).toBe(true);
    expect(validate({ text: 'b' })).toBe(true);
    expect(validate({ channel: '#a' })).toBe(false);
  });

  it('lists capabilities and refuses an incomplete vectorStore', () => {
    const registry = new ConnectorRegistry(BUILTIN_CONNECTORS);
    expect(registry.describe('qdrant')?.capabilities).toEqual(['vectorStore']);
    expect(registry.describe('pinecone')?.capabilities).toEqual(['vectorStore']);
    expect(registry.describe('slack')?.capabilities).toEqual([]);
    const broken = { ...tiny('halfstore'), capabilities: { vectorStore: { upsert: async () => undefined, keyword: 'yes' } } };
    expect(() => new ConnectorRegistry([broken as never])).toThrow(
      /capabilities.vectorStore.deleteDocument must be a function; capabilities.vectorStore.query must be a function; capabilities.vectorStore.keyword must be true or false/,
    );
  });

  it('refuses duplicate keys naming both sources', () => {
    const registry = new ConnectorRegistry([tiny('tiny')]);
    expect(() => registry.add(tiny('tiny'), 'package "x"')).toThrow(/duplicate connector key "tiny": from package "x" and from built-in/);
  });

  it('refuses invalid definitions with every problem listed', () => {
    const bad = { ...tiny('ok'), key: 'Not OK', config: {}, actions: { 'Bad-Name': { description: '', input: z.object({}), idempotent: 'yes' } } };
    let message = '';
    try {
      new ConnectorRegistry([bad as never]);
    } catch (err) {
      expect(err).toBeInstanceOf(ConnectorRegistryError);
      message = (err as Error).message;
    }
    for (const part of ['key "Not OK"', 'config must be a zod object schema', 'action "Bad-Name": key must match', 'description is required', 'output must be a zod schema', 'idempotent must be true or false', 'run must be a function']) {
      expect(message).toContain(part);
    }
  });

  it('loads third-party packages declared in package.json and stops on broken ones', async () => {
    const registry = await loadConnectorRegistry({ connectorPackages: ['./test/fixtures/acme-connector'] });
    expect(registry.describe('acme')?.actions.map((a) => a.key)).toEqual(['get_widget']);
    await expect(loadConnectorRegistry({ connectorPackages: ['./test/fixtures/broken-connector'] })).rejects.toThrow(
      /invalid connector "Bad Key" from package ".\/test\/fixtures\/broken-connector": key "Bad Key" must match/,
    );
    await expect(loadConnectorRegistry({ connectorPackages: ['switchboard-connector-nowhere'] })).rejects.toThrow(/is not installed/);
    await expect(loadConnectorRegistry({ connectorPackages: ['./test/fixtures'] })).rejects.toThrow(/cannot read package.json/);
  });

  it('describes capabilities, finds providers by capability and refuses malformed ones', async () => {
    const registry = await loadConnectorRegistry({ connectorPackages: ['./test/fixtures/acme-ai-providers'] });
    expect(registry.describe('cohere')?.capabilities).toEqual(['embeddings', 'llm']);
    expect(registry.describe('acme-llm')?.capabilities).toEqual(['llm']);
    expect(registry.describe('acme-vectors')?.capabilities).toEqual(['vectorStore']);
    expect(registry.describe('slack')?.capabilities).toEqual([]);
    expect(registry.withCapability('llm')).toEqual(['acme-llm', 'anthropic', 'cohere', 'openai']);
    expect(registry.withCapability('embeddings')).toEqual(['cohere', 'openai']);
    const broken = { ...tiny('broken'), capabilities: { llm: { defaultModel: 'x' }, embeddings: { embed: async () => ({ vectors: [] }), maxBatch: 0 } } };
    expect(() => new ConnectorRegistry([broken as never])).toThrow(/capabilities.llm: chat must be a function; capabilities.embeddings: maxBatch must be a positive integer/);
  });
});
