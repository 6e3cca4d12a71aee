/**
 * The connector model: one definition covers config and secret schemas, actions
 * (run as Temporal activities), webhook triggers and a connection test.
 */
import type { z, ZodObject, ZodType } from 'zod';
import type { EmbeddingsCapability, LlmCapability } from './capabilities.ts';
import type { NormalizedEvent } from './events.ts';
import type { VectorStoreCapability } from './vector-store.ts';
import type { RateLimit } from './rate-limit.ts';
import type { HttpClient } from './http-types.ts';
import type { ConnectionTestResult } from './connection-test.ts';
import type { OAuth2Auth } from './oauth.ts';

export type { HttpClient, HttpRequest, HttpResponse, SafeFetch } from './http-types.ts';

/**
 * Minimal structured logger handed to connector code (pino-compatible).
 *
 * @example
 * ctx.logger.info({ channel: input.channel }, 'posting message');
 */
export interface ConnectorLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/**
 * What an action's `run` receives besides its input.
 *
 * @example
 * run: async (ctx: ActionContext<{ baseUrl: string }, { token: string }>, input) => ctx.http.request({ url: ctx.config.baseUrl, headers: { authorization: `Bearer ${ctx.secrets.token}` } })
 */
export interface ActionContext<C = Record<string, unknown>, S = Record<string, unknown>> {
  connectionId: string;
  config: C;
  /** Decrypted secrets: exist only inside the activity, never in workflow history. */
  secrets: S;
  http: HttpClient;
  logger: ConnectorLogger;
  /** Stable across retries of one step (workflow id + activity id): pass it to providers that accept one. */
  idempotencyKey: string;
  heartbeat(details?: unknown): void;
  /** Aborted when the activity is cancelled or times out. */
  signal: AbortSignal;
}

/**
 * An action of a connector: schemas, idempotency and `run` (build it with `defineAction`).
 *
 * @example
 * const actions: Record<string, ActionDefinition> = { ping: defineAction({ description: 'Ping', input: z.object({}), output: z.object({}), idempotent: true, run: async () => ({}) }) };
 */
export interface ActionDefinition<I extends ZodType = ZodType, O extends ZodType = ZodType, C = any, S = any> {
  description: string;
  input: I;
  output: O;
  /** True when running it twice with the same input has one effect (or the provider dedupes by key). */
  idempotent: boolean;
  run(ctx: ActionContext<C, S>, input: z.infer<I>): Promise<z.infer<O>>;
}

/**
 * The raw webhook delivery, byte for byte, as the verifier sees it.
 *
 * @example
 * const req: WebhookRequest = { method: 'POST', url: 'https://sb.example/webhooks/acme/conn_1', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from('{}') };
 */
export interface WebhookRequest {
  method: string;
  /** Full public URL the provider called (Twilio signs it). */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  rawBody: Buffer;
  receivedAt: Date;
}

/**
 * What a verifier answers: `{ ok: true }`, or `{ ok: false, reason }` (the reason is logged, never sent).
 *
 * @example
 * const result: VerifyResult = constantTimeEqual(given, expected) ? OK : fail('signature mismatch');
 */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * What a trigger's hooks receive besides the request: the connection's config, secrets and the clock.
 *
 * @example
 * verify: (req, ctx: TriggerContext<Record<string, never>, { webhookSecret: string }>) => verifyGithubSignature(req, secretList(ctx.secrets.webhookSecret))
 */
export interface TriggerContext<C = Record<string, unknown>, S = Record<string, unknown>> {
  connectionId: string;
  config: C;
  secrets: S;
  now: Date;
}

/**
 * An immediate answer some providers require (Slack `url_verification`, GitHub `ping`).
 *
 * @example
 * respond: (req) => (parseJsonObject(req)['type'] === 'url_verification' ? { status: 200, body: { challenge: parseJsonObject(req)['challenge'] } } : undefined)
 */
export interface ImmediateResponse {
  status: number;
  body: unknown;
  contentType?: string;
}

/**
 * A webhook trigger: how deliveries are verified, deduplicated and parsed (build it with `defineTrigger`).
 *
 * @example
 * const triggers: Record<string, TriggerDefinition> = { webhook: defineTrigger({ description: 'Acme events', events: ['acme.*'], verify, deliveryId, parse }) };
 */
export interface TriggerDefinition<C = any, S = any> {
  description: string;
  /** Event types this trigger emits (`github.issues.opened`, or patterns like `github.*`). */
  events: string[];
  /**
   * Media types the endpoint accepts (others → 415). `application/json` matches
   * `application/*+json` too. Default: JSON and `application/x-www-form-urlencoded`.
   */
  contentTypes?: string[];
  verify(req: WebhookRequest, ctx: TriggerContext<C, S>): VerifyResult | Promise<VerifyResult>;
  /** Provider delivery id; undefined → SHA-256 of the body. */
  deliveryId?(req: WebhookRequest, ctx: TriggerContext<C, S>): string | undefined;
  /** Answer without starting a workflow (challenges, pings). Called after verify. */
  immediateResponse?(req: WebhookRequest, ctx: TriggerContext<C, S>): ImmediateResponse | undefined;
  toEvent(req: WebhookRequest, ctx: TriggerContext<C, S>): Omit<NormalizedEvent, 'id' | 'source' | 'receivedAt'>;
}

/**
 * What a connection test receives: the connection's config and secrets and an HTTP client.
 *
 * @example
 * test: async (ctx: ConnectionTestContext) => ((await ctx.http.request({ url: `${ctx.config.baseUrl}/me` })).status === 200 ? { ok: true, message: 'authenticated' } : { ok: false, message: 'rejected' })
 */
export interface ConnectionTestContext<C = any, S = any> {
  config: C;
  secrets: S;
  http: HttpClient;
  logger: ConnectorLogger;
  signal: AbortSignal;
}

/**
 * A connector: its key, config and secret schemas, actions, triggers and optional connection test.
 *
 * @example
 * const acme: ConnectorDefinition = defineConnector({ key: 'acme', displayName: 'Acme', version: '1.0.0', description: 'Acme API', config: z.object({}), secrets: z.object({}), actions: {} });
 */
export interface ConnectorDefinition<C extends ZodObject = ZodObject, S extends ZodObject = ZodObject> {
  key: string;
  displayName: string;
  version: string;
  description: string;
  config: C;
  secrets: S;
  /** `oauth2(...)` (connectors/sdk/oauth.ts): connected by consent; the engine keeps `secrets.accessToken` fresh. */
  auth?: OAuth2Auth;
  actions: Record<string, ActionDefinition<ZodType, ZodType, z.infer<C>, z.infer<S>>>;
  triggers?: Record<string, TriggerDefinition<z.infer<C>, z.infer<S>>>;
  /** Triggers the engine polls on a schedule (connectors/sdk/polling.ts), named by `trigger: { type: poll, trigger: <key> }`. */
  pollingTriggers?: Record<string, PollingTriggerDefinition<z.infer<C>, z.infer<S>>>;
  /**
   * The provider's published limit for one connection (one token/account), applied to the
   * connection's actions unless its config sets `rateLimit` itself.
   */
  rateLimit?: RateLimit;
  /**
   * One real, harmless call with the connection's credentials (`ok: true` only after it
   * succeeded), or `ok: null` with the reason when there is nothing to call (see `notTested`).
   */
  test?(ctx: ConnectionTestContext<z.infer<C>, z.infer<S>>): Promise<ConnectionTestResult>;
  /** What the connector provides besides actions (connectors/sdk/capabilities.ts, connectors/sdk/vector-store.ts). */
  capabilities?: ConnectorCapabilities<z.infer<C>, z.infer<S>>;
}

/**
 * Capabilities a connector may provide; each key is optional. The `llm` step accepts any connection with `llm`, RAG indexes any with `embeddings` / `vectorStore`.
 *
 * @example
 * const capabilities: ConnectorCapabilities<AcmeConfig, AcmeSecrets> = { embeddings: acmeEmbeddings, vectorStore: acmeVectorStore };
 * export default defineConnector({ key: 'acme', displayName: 'Acme', version: '1.0.0', description: 'Acme embeddings and search', config, secrets, actions: {}, capabilities });
 */
export interface ConnectorCapabilities<C = any, S = any> {
  llm?: LlmCapability<C, S>;
  embeddings?: EmbeddingsCapability<C, S>;
  vectorStore?: VectorStoreCapability<C, S>;
}

/**
 * One thing that happened at the provider; `id` is stable across polls (an edit keeps it).
 *
 * @example
 * const item: PolledItem = { id: 'post-42', payload: { title: 'Hello' }, at: '2026-12-06T10:00:00Z' };
 */
export interface PolledItem {
  id: string;
  payload: unknown;
  /** When it happened (ISO 8601), if the provider says: `backfill` keeps items this recent on the first poll. */
  at?: string | undefined;
}

/**
 * What `poll` answers: the items of this poll (any order, seen ones included) and the next cursor.
 *
 * @example
 * const result: PollResult = { items: [{ id: 'row-7', payload: { name: 'Ada' } }], cursor: { lastId: 7 } };
 */
export interface PollResult {
  items: PolledItem[];
  /** JSON value handed to the next poll (undefined on the first). */
  cursor?: unknown;
}

/**
 * What `poll` receives: the connection, the trigger's own config from the automation, and the clock.
 *
 * @example
 * poll: async (ctx: PollContext<{ baseUrl: string }, { token: string }, { url: string }>, cursor) => ({ items: [], cursor })
 */
export interface PollContext<C = any, S = any, T = any> {
  connectionId: string;
  /** The connection's config. */
  config: C;
  secrets: S;
  /** The automation's `trigger.config`, validated by the trigger's `config` schema. */
  triggerConfig: T;
  http: HttpClient;
  logger: ConnectorLogger;
  signal: AbortSignal;
  now: Date;
}

/**
 * A polling trigger of a connector (build it with `definePollingTrigger`).
 *
 * @example
 * const pollingTriggers = { new_items: definePollingTrigger({ description: 'New items', interval: '5m', config: z.object({ url: z.url() }), poll }) };
 */
export interface PollingTriggerDefinition<C = any, S = any, T extends ZodType = ZodType> {
  description: string;
  /** Default interval (`30s`, `5m`, `1h`); an automation may set its own, not below the engine's minimum. */
  interval: string;
  /** Schema of the automation's `trigger.config`. */
  config: T;
  poll(ctx: PollContext<C, S, z.infer<T>>, cursor: unknown): Promise<PollResult>;
}
