/**
 * The connector model: one definition covers config and secret schemas, actions
 * (run as Temporal activities), webhook triggers and a connection test.
 */
import type { z, ZodObject, ZodType } from 'zod';
import type { NormalizedEvent } from './events.ts';
import type { RateLimit } from './rate-limit.ts';

/** Minimal structured logger handed to connector code (pino-compatible). */
export interface ConnectorLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** A `fetch` that refuses non-public destinations (src/security/ssrf.ts). */
export type SafeFetch = (input: string | URL, init?: RequestInit & { timeoutMs?: number; maxResponseBytes?: number }) => Promise<Response>;

/** JSON/text HTTP helper over {@link SafeFetch} that maps failures to `ConnectorError`s. */
export interface HttpClient {
  fetch: SafeFetch;
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /**
   * Resolves a host for a non-HTTP connection (SMTP, PostgreSQL) under the same SSRF
   * policy; connect to the returned address (host name as TLS servername). Throws
   * `ConnectorError('SSRF_BLOCKED')`.
   */
  resolveHost(host: string): Promise<{ address: string; family: number }>;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON unless it is a string/Uint8Array/URLSearchParams. */
  body?: unknown;
  timeoutMs?: number;
  /** Do not throw on non-2xx: return the response (the `http` connector does this). */
  allowErrorStatus?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else text. */
  body: T;
}

/** What an action's `run` receives besides its input. */
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

export interface ActionDefinition<I extends ZodType = ZodType, O extends ZodType = ZodType, C = any, S = any> {
  description: string;
  input: I;
  output: O;
  /** True when running it twice with the same input has one effect (or the provider dedupes by key). */
  idempotent: boolean;
  run(ctx: ActionContext<C, S>, input: z.infer<I>): Promise<z.infer<O>>;
}

/** The raw webhook delivery, byte for byte, as the verifier sees it. */
export interface WebhookRequest {
  method: string;
  /** Full public URL the provider called (Twilio signs it). */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  rawBody: Buffer;
  receivedAt: Date;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface TriggerContext<C = Record<string, unknown>, S = Record<string, unknown>> {
  connectionId: string;
  config: C;
  secrets: S;
  now: Date;
}

/** An immediate answer some providers require (Slack `url_verification`, GitHub `ping`). */
export interface ImmediateResponse {
  status: number;
  body: unknown;
  contentType?: string;
}

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

export interface ConnectionTestContext<C = any, S = any> {
  config: C;
  secrets: S;
  http: HttpClient;
  logger: ConnectorLogger;
  signal: AbortSignal;
}

export interface ConnectorDefinition<C extends ZodObject = ZodObject, S extends ZodObject = ZodObject> {
  key: string;
  displayName: string;
  version: string;
  description: string;
  config: C;
  secrets: S;
  actions: Record<string, ActionDefinition<ZodType, ZodType, z.infer<C>, z.infer<S>>>;
  triggers?: Record<string, TriggerDefinition<z.infer<C>, z.infer<S>>>;
  /**
   * The provider's published limit for one connection (one token/account), applied to the
   * connection's actions unless its config sets `rateLimit` itself.
   */
  rateLimit?: RateLimit;
  test?(ctx: ConnectionTestContext<z.infer<C>, z.infer<S>>): Promise<{ ok: boolean; message: string }>;
}
