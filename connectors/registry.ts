/**
 * The connector registry: built-ins from connectors/*, plus third-party packages
 * listed in SWITCHBOARD_CONNECTOR_PACKAGES. Keys are unique; every definition is
 * validated when it is added, so a broken connector stops start-up with a message
 * naming it, not a failure at the first webhook.
 */
import { z, type ZodType } from 'zod';
import { capabilityNames, type ActionDefinition, type ConnectorDefinition, type TriggerDefinition } from './sdk/index.ts';
import { vectorStoreProblems } from './sdk/vector-store.ts';
import { rateLimitSchema } from './sdk/rate-limit.ts';

/** Thrown at start-up for a duplicate key or an invalid definition. */
export class ConnectorRegistryError extends Error {
  override readonly name = 'ConnectorRegistryError';
}

type JsonSchema = Record<string, unknown>;

/** What `GET /api/v1/connectors` shows of a connector: metadata and JSON Schemas. */
export interface ConnectorDescription {
  key: string;
  displayName: string;
  version: string;
  description: string;
  configSchema: JsonSchema;
  secretsSchema: JsonSchema;
  /** Names of the secret fields (for UIs: which ones may be set). */
  secretFields: string[];
  actions: { key: string; description: string; idempotent: boolean; inputSchema: JsonSchema; outputSchema: JsonSchema }[];
  triggers: { key: string; description: string; events: string[] }[];
  /** Polling triggers: key, default interval and the JSON Schema of `trigger.config`. */
  pollingTriggers: { key: string; description: string; interval: string; configSchema: JsonSchema }[];
  testable: boolean;
  /** What the connector provides besides actions (`llm`, `embeddings`, `vectorStore`). */
  capabilities: string[];
  /** `oauth2`: connected by consent at the provider (`POST /api/v1/oauth/authorize`); `secrets`: by pasted secrets. */
  auth: 'oauth2' | 'secrets';
  /** The default consent scopes of an OAuth2 connector. */
  oauthScopes?: string[];
}

const KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const ACTION_KEY = /^[a-z][a-z0-9_]{0,62}$/;

function isZod(value: unknown): value is ZodType {
  return !!value && typeof (value as ZodType).safeParse === 'function' && typeof (value as { _zod?: unknown })._zod === 'object';
}

function isZodObject(value: unknown): boolean {
  return isZod(value) && (value as { _zod: { def: { type: string } } })._zod.def.type === 'object';
}

/** JSON Schema of a zod schema (`io` input for what callers send, output for what they get). */
export function toJsonSchema(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
}

/** Problems of one definition (empty when valid). */
export function validateDefinition(def: unknown): string[] {
  const problems: string[] = [];
  const d = def as Partial<ConnectorDefinition> | undefined;
  if (!d || typeof d !== 'object') return ['is not an object (export the result of defineConnector)'];
  if (typeof d.key !== 'string' || !KEY.test(d.key)) problems.push(`key ${JSON.stringify(d.key)} must match ${KEY}`);
  for (const field of ['displayName', 'version', 'description'] as const) {
    if (typeof d[field] !== 'string' || !d[field]) problems.push(`${field} must be a non-empty string`);
  }
  if (!isZodObject(d.config)) problems.push('config must be a zod object schema');
  if (!isZodObject(d.secrets)) problems.push('secrets must be a zod object schema');
  if (d.test !== undefined && typeof d.test !== 'function') problems.push('test must be a function');
  if (d.auth !== undefined && (d.auth?.type !== 'oauth2' || typeof d.auth.authorizationUrl !== 'string' || typeof d.auth.tokenUrl !== 'string' || !Array.isArray(d.auth.scopes))) {
    problems.push('auth must be oauth2({ authorizationUrl, tokenUrl, scopes })');
  }
  if (d.rateLimit !== undefined && !rateLimitSchema.safeParse(d.rateLimit).success) problems.push('rateLimit must be { requests: positive integer, per: seconds or "1s"/"1m"/"1h" }');
  if (!d.actions || typeof d.actions !== 'object') problems.push('actions must be an object');
  for (const [key, action] of Object.entries(d.actions ?? {}) as [string, Partial<ActionDefinition>][]) {
    const at = `action "${key}"`;
    if (!ACTION_KEY.test(key)) problems.push(`${at}: key must match ${ACTION_KEY}`);
    if (!action || typeof action !== 'object') {
      problems.push(`${at}: is not an object`);
      continue;
    }
    if (typeof action.description !== 'string' || !action.description) problems.push(`${at}: description is required`);
    if (!isZod(action.input)) problems.push(`${at}: input must be a zod schema`);
    if (!isZod(action.output)) problems.push(`${at}: output must be a zod schema`);
    if (typeof action.idempotent !== 'boolean') problems.push(`${at}: idempotent must be true or false`);
    if (typeof action.run !== 'function') problems.push(`${at}: run must be a function`);
  }
  for (const [key, trigger] of Object.entries(d.triggers ?? {}) as [string, Partial<TriggerDefinition>][]) {
    const at = `trigger "${key}"`;
    if (!trigger || typeof trigger !== 'object') {
      problems.push(`${at}: is not an object`);
      continue;
    }
    if (typeof trigger.verify !== 'function') problems.push(`${at}: verify must be a function`);
    if (typeof trigger.toEvent !== 'function') problems.push(`${at}: toEvent must be a function`);
    if (!Array.isArray(trigger.events)) problems.push(`${at}: events must be an array of event types`);
  }
  if (d.capabilities !== undefined && (typeof d.capabilities !== 'object' || d.capabilities === null)) problems.push('capabilities must be an object');
  const caps = (d.capabilities ?? {}) as Record<string, Record<string, unknown> | undefined>;
  if (caps['llm'] !== undefined && typeof caps['llm']?.['chat'] !== 'function') problems.push('capabilities.llm: chat must be a function');
  if (caps['embeddings'] !== undefined) {
    if (typeof caps['embeddings']?.['embed'] !== 'function') problems.push('capabilities.embeddings: embed must be a function');
    const max = caps['embeddings']?.['maxBatch'];
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) problems.push('capabilities.embeddings: maxBatch must be a positive integer');
  }
  if (caps['vectorStore'] !== undefined) problems.push(...vectorStoreProblems(caps['vectorStore']));
  if (problems.length === 0) {
    // Schemas must also be expressible as JSON Schema (API, OpenAPI, MCP tool schemas).
    try {
      describeConnector(d as ConnectorDefinition);
    } catch (err) {
      problems.push(`schemas cannot be converted to JSON Schema: ${(err as Error).message}`);
    }
  }
  return problems;
}

export function describeConnector(def: ConnectorDefinition): ConnectorDescription {
  return {
    key: def.key,
    displayName: def.displayName,
    version: def.version,
    description: def.description,
    configSchema: toJsonSchema(def.config, 'input'),
    secretsSchema: toJsonSchema(def.secrets, 'input'),
    secretFields: Object.keys(def.secrets.shape),
    actions: Object.entries(def.actions).map(([key, a]) => ({
      key,
      description: a.description,
      idempotent: a.idempotent,
      inputSchema: toJsonSchema(a.input, 'input'),
      outputSchema: toJsonSchema(a.output, 'output'),
    })),
    triggers: Object.entries(def.triggers ?? {}).map(([key, t]) => ({ key, description: t.description, events: t.events })),
    pollingTriggers: Object.entries(def.pollingTriggers ?? {}).map(([key, t]) => ({ key, description: t.description, interval: t.interval, configSchema: toJsonSchema(t.config, 'input') })),
    testable: typeof def.test === 'function',
    capabilities: capabilityNames(def),
    auth: def.auth ? 'oauth2' : 'secrets',
    ...(def.auth ? { oauthScopes: def.auth.scopes } : {}),
  };
}

export class ConnectorRegistry {
  private readonly byKey = new Map<string, { def: ConnectorDefinition; source: string }>();
  private readonly descriptions = new Map<string, ConnectorDescription>();

  constructor(definitions: readonly ConnectorDefinition[] = [], source = 'built-in') {
    for (const def of definitions) this.add(def, source);
  }

  /** Adds a definition; throws {@link ConnectorRegistryError} when invalid or a duplicate. */
  add(def: ConnectorDefinition, source = 'built-in'): void {
    const name = typeof def?.key === 'string' ? `"${def.key}"` : '(no key)';
    const problems = validateDefinition(def);
    if (problems.length) throw new ConnectorRegistryError(`invalid connector ${name} from ${source}: ${problems.join('; ')}`);
    const existing = this.byKey.get(def.key);
    if (existing) throw new ConnectorRegistryError(`duplicate connector key "${def.key}": from ${source} and from ${existing.source}`);
    this.byKey.set(def.key, { def, source });
  }

  get(key: string): ConnectorDefinition | undefined {
    return this.byKey.get(key)?.def;
  }

  list(): ConnectorDefinition[] {
    return [...this.byKey.values()].map((e) => e.def).sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Connectors providing `capability` (keys, sorted): what an error message offers instead. */
  withCapability(capability: string): string[] {
    return this.list()
      .filter((d) => capabilityNames(d).includes(capability))
      .map((d) => d.key);
  }

  /** Metadata and JSON Schemas, computed once per connector. */
  describe(key: string): ConnectorDescription | undefined {
    const def = this.get(key);
    if (!def) return undefined;
    let d = this.descriptions.get(key);
    if (!d) this.descriptions.set(key, (d = describeConnector(def)));
    return d;
  }
}
