/**
 * One way to declare an HTTP route: zod schemas for params, query and body, and a
 * handler that receives them parsed. The same declaration registers the Express
 * route and its OpenAPI path, so `/openapi.json` cannot drift from the code.
 */
import { type OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { ApiError } from '../errors.ts';
import type { Principal } from '../security/principal.ts';
import { requireScope, SCOPE_DESCRIPTIONS, type Scope } from '../security/scopes.ts';
import { containsNul } from './path-guard.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type { Principal };

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
  principal: Principal | undefined;
}

export interface HandlerResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Infer<T> = T extends ZodType ? z.infer<T> : undefined;

export interface RouteDef<
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
> {
  method: Method;
  /** Express-style path relative to the router (`/connections/:id`). */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  /**
   * The scope a caller needs (routes mounted `secured`). Checked before the handler
   * runs and stated in the OpenAPI document; a secured route without one is `admin`-only.
   */
  scope?: Scope;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Responses for the OpenAPI document; `schema` omitted → no body. Statuses every
   * route of its kind can answer are added by {@link mountRoutes} (see `defaultResponses`).
   */
  responses: Record<number, { description: string; schema?: ZodType }>;
  /** The route talks to Temporal: it answers `503 TEMPORAL_UNAVAILABLE` with `Retry-After` while Temporal is unreachable. */
  temporal?: boolean;
  /**
   * The body only travels on as a Temporal payload (run input, a decision's comment), never
   * into a database column: NUL characters are then harmless and accepted. Every other body
   * is refused with 400 when a NUL survives parsing (PostgreSQL's jsonb and text refuse it).
   */
  bodyToTemporalOnly?: boolean;
  /** Links to operations that use what this one returns (OpenAPI links, by status). */
  links?: Record<number, Record<string, { operationId: string; parameters: Record<string, string>; description?: string }>>;
  /** OpenAPI operation id (targets of `links`); default: derived from method and path. */
  operationId?: string;
  handler: (ctx: HandlerContext<Infer<P>, Infer<Q>, Infer<B>>) => Promise<HandlerResult | void> | HandlerResult | void;
}

/** Declares a route with full type inference of its handler's arguments. */
export function route<
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
>(def: RouteDef<P, Q, B>): RouteDef<ZodType | undefined, ZodType | undefined, ZodType | undefined> {
  return def as unknown as RouteDef<ZodType | undefined, ZodType | undefined, ZodType | undefined>;
}

/** One problem of a request: where (`body.steps.0.id`) and what. The only shape of error `details`. */
export const errorDetailSchema = z.object({ path: z.string(), message: z.string() }).meta({ id: 'ErrorDetail' });

/** The JSON error body every failure answers with. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'NOT_FOUND' }),
      message: z.string(),
      details: z.array(errorDetailSchema).optional(),
    }),
  })
  .meta({ id: 'Error' });

function parsePart(schema: ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError(
    400,
    'INVALID_INPUT',
    `Invalid ${where}: ${result.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ')}`,
    result.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
  );
}

/**
 * Mounts routes on an Express router and records them in the OpenAPI registry.
 * `basePath` is where the router is mounted (for the document only).
 */
export function mountRoutes(
  router: Router,
  registry: OpenAPIRegistry,
  basePath: string,
  routes: RouteDef<ZodType | undefined, ZodType | undefined, ZodType | undefined>[],
  opts: { secured: boolean },
): void {
  for (const def of routes) {
    const scope = opts.secured ? (def.scope ?? 'admin') : undefined;
    router[def.method](def.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (scope) requireScope(res.locals['principal'] as Principal | undefined, scope);
        const params = parsePart(def.params, req.params, 'params');
        const query = parsePart(def.query, req.query, 'query');
        const body = parsePart(def.body, req.body ?? {}, 'body');
        if (!def.bodyToTemporalOnly && containsNul(body)) throw new ApiError(400, 'INVALID_INPUT', 'The request body contains a NUL character (\\u0000)', [{ path: 'body', message: 'must not contain NUL characters' }]);
        const result = await def.handler({
          params,
          query,
          body,
          req,
          res,
          principal: res.locals['principal'] as Principal | undefined,
        });
        if (res.headersSent) return;
        const r = result ?? {};
        if (r.headers) res.set(r.headers);
        const status = r.status ?? (r.body === undefined ? 204 : 200);
        if (r.body === undefined) res.status(status).end();
        else res.status(status).json(r.body);
      } catch (err) {
        next(err);
      }
    });
    registry.registerPath(toOpenApi(def, basePath, opts.secured));
  }
}

/** What a route declares about itself that decides its default responses. */
interface RouteTraits {
  secured: boolean;
  hasParams: boolean;
  hasBody: boolean;
  temporal: boolean;
  /** The scope a secured route needs, named in its 403. */
  scope?: string | undefined;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });
const RETRY_AFTER_HEADER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } };

/**
 * The statuses every route of a kind can answer, documented in one place so they are
 * uniform: 400 (input), 401/403 (secured routes: key, scope), 404 (routes with path
 * parameters), 413/415 (routes with a body), 503 + Retry-After (Temporal-backed routes).
 * A route's own entry for a status wins.
 */
export function defaultResponses(traits: RouteTraits): RouteConfig['responses'] {
  const responses: RouteConfig['responses'] = { '400': errorResponse('Invalid input (`details` lists each problem with its path)') };
  if (traits.secured) {
    responses['401'] = errorResponse('Missing or invalid API key');
    responses['403'] = errorResponse(traits.scope ? `The key lacks the \`${traits.scope}\` scope (FORBIDDEN)` : 'The API key lacks the scope this route needs (FORBIDDEN)');
    responses['429'] = { ...errorResponse('Over the API key\'s rate limit (RATE_LIMITED, SWITCHBOARD_API_RATE_LIMIT); retry after `Retry-After` seconds'), headers: RETRY_AFTER_HEADER };
  }
  if (traits.hasParams) responses['404'] = errorResponse('Not found');
  if (traits.hasBody) {
    responses['413'] = errorResponse('Request body too large');
    responses['415'] = errorResponse('Unsupported content type or encoding');
  }
  if (traits.temporal) responses['503'] = { ...errorResponse('Temporal is unreachable (TEMPORAL_UNAVAILABLE); retry after `Retry-After` seconds'), headers: RETRY_AFTER_HEADER };
  return responses;
}

/** `post /runs/:workflowId/cancel` → `postRunsWorkflowIdCancel`. */
export function operationIdOf(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/**
 * An OpenAPI link to a `/api/v1` operation, its parameters taken from this response
 * (`{ id: '$response.body#/id' }`): how clients (and Schemathesis' stateful phase)
 * reuse the id a create returned.
 */
export function linkTo(method: Method, path: string, parameters: Record<string, string>, description?: string) {
  return { operationId: operationIdOf(method, `/api/v1${path}`), parameters, ...(description ? { description } : {}) };
}

/** What {@link mountRoutes} takes: a route of any params, query and body. */
type AnyRoute = RouteDef<ZodType | undefined, ZodType | undefined, ZodType | undefined>;

/** An operation on a created resource: its method and its path below the resource's (`['post', '/test']`). */
type SubOperation = [Method, string];

/**
 * The links of a create's answer to the operations on what it created, each taking `id`
 * from the body, in this order: `Get<Noun>`, `Update<Noun>` (with `update`), `more`, `Delete<Noun>`.
 *
 * @example
 * links: { 201: linksToCreated('/rag/indexes/:id', 'Index', { more: { QueryIndex: ['post', '/query'] } }) }
 */
export function linksToCreated(path: string, noun: string, opts: { update?: boolean; more?: Record<string, SubOperation> } = {}) {
  const ops: Record<string, SubOperation> = {
    [`Get${noun}`]: ['get', ''],
    ...(opts.update ? { [`Update${noun}`]: ['patch', ''] } : {}),
    ...opts.more,
    [`Delete${noun}`]: ['delete', ''],
  };
  return Object.fromEntries(Object.entries(ops).map(([name, [method, sub]]) => [name, linkTo(method, path + sub, { id: '$response.body#/id' })]));
}

/**
 * `get <path>`: one resource by the path's parameters, answered 200 with `schema`
 * (described as the capitalised noun) or 404 `No such <noun>`.
 *
 * @example
 * getOne({ path: '/runs/:workflowId', summary: 'One run', tags: ['runs'], scope: 'runs:read', params: wfParams, noun: 'run', schema: runSchema, load: (p) => getRun(services, p.workflowId) })
 */
export function getOne<P extends ZodType>(
  def: Omit<RouteDef<P>, 'method' | 'params' | 'responses' | 'handler'> & { params: P; noun: string; schema: ZodType; load: (params: Infer<P>) => unknown },
): AnyRoute {
  const { noun, schema, load, ...rest } = def;
  const responses = { 200: { description: noun[0]!.toUpperCase() + noun.slice(1), schema }, 404: { description: `No such ${noun}` } };
  return route({ ...rest, method: 'get', responses, handler: async ({ params }) => ({ body: await load(params) }) });
}

/**
 * `get <path>`: a list, answered 200 `{ items }` (described as `listed`) with each item of `schema`.
 *
 * @example
 * listOf({ path: '/api-keys', summary: 'List API keys', tags: ['api-keys'], scope: 'admin', listed: 'Keys', schema: keySchema, load: () => keys() })
 */
export function listOf<Q extends ZodType | undefined = undefined>(
  def: Omit<RouteDef<undefined, Q>, 'method' | 'responses' | 'handler'> & { listed: string; schema: ZodType; load: (query: Infer<Q>) => Promise<unknown[]> | unknown[] },
): AnyRoute {
  const { listed, schema, load, ...rest } = def;
  const responses = { 200: { description: listed, schema: z.object({ items: z.array(schema) }) } };
  return route({ ...rest, method: 'get', responses, handler: async ({ query }) => ({ body: { items: await load(query) } }) });
}

/**
 * `delete <path>`: removes one resource by the path's parameters, answered 204 (described
 * as `done`: Deleted, Revoked, …) or 404 `No such <noun>`.
 *
 * @example
 * deleteOne({ path: '/api-keys/:id', summary: 'Revoke an API key', tags: ['api-keys'], scope: 'admin', params: idParams, noun: 'key', done: 'Revoked', remove: ({ id }) => revoke(id) })
 */
export function deleteOne<P extends ZodType>(
  def: Omit<RouteDef<P>, 'method' | 'params' | 'responses' | 'handler'> & { params: P; noun: string; done: string; remove: (params: Infer<P>) => Promise<void> },
): AnyRoute {
  const { noun, done, remove, ...rest } = def;
  const responses = { 204: { description: done }, 404: { description: `No such ${noun}` } };
  return route({ ...rest, method: 'delete', responses, handler: async ({ params }) => remove(params) });
}

/** A body every field of which is optional may be left out: an absent body is parsed as `{}`. */
function bodyRequired(body: ZodType): boolean {
  return !body.safeParse({}).success;
}

function toOpenApi(
  def: RouteDef<ZodType | undefined, ZodType | undefined, ZodType | undefined>,
  basePath: string,
  secured: boolean,
): RouteConfig {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(def.responses)) {
    const links = def.links?.[Number(status)];
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}),
      ...(links ? { links } : {}),
    };
  }
  const scope = secured ? (def.scope ?? 'admin') : undefined;
  const defaults = defaultResponses({ secured, hasParams: def.path.includes(':'), hasBody: def.body !== undefined, temporal: def.temporal ?? false, scope });
  for (const [status, r] of Object.entries(defaults)) responses[status] ??= r;
  const scopeNote = scope ? `Requires scope \`${scope}\` (${SCOPE_DESCRIPTIONS[scope]}; \`admin\` implies every scope).` : undefined;
  const description = [def.description, scopeNote].filter(Boolean).join('\n\n');
  return {
    method: def.method,
    path: (basePath + def.path).replace(/(.)\/$/, '$1').replace(/:(\w+)/g, '{$1}'),
    operationId: def.operationId ?? operationIdOf(def.method, basePath + def.path),
    summary: def.summary,
    ...(description ? { description } : {}),
    ...(scope ? { 'x-required-scope': scope } : {}),
    tags: def.tags ?? [],
    ...(secured ? { security: [{ bearerAuth: [] }, { apiKeyHeader: [] }, ...(basePath === '/api/v1' ? [{ sessionCookie: [] }] : [])] } : {}),
    request: {
      ...(def.params ? { params: def.params as never } : {}),
      ...(def.query ? { query: def.query as never } : {}),
      ...(def.body ? { body: { required: bodyRequired(def.body), content: { 'application/json': { schema: def.body } } } } : {}),
    },
    responses,
  };
}

/**
 * After every route of a router is mounted: a request with a method no route of its
 * path declares answers 405 with `Allow` (instead of falling through to 404).
 */
export function methodNotAllowed(router: Router, routes: { method: Method; path: string }[]): void {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method.toUpperCase());
    if (r.method === 'get') methods.add('HEAD');
    byPath.set(r.path, methods);
  }
  // A literal segment outranks a parameter (`/runs/redrive` before `/runs/:workflowId`):
  // fewer parameters first, so the most specific path answers.
  const params = (path: string) => path.split('/').filter((seg) => seg.startsWith(':')).length;
  for (const [path, methods] of [...byPath].sort(([a], [b]) => params(a) - params(b))) {
    const allow = [...methods].join(', ');
    router.all(path, (req: Request, _res: Response, next: NextFunction) => {
      next(new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here (allowed: ${allow})`, undefined, { Allow: allow }));
    });
  }
}
