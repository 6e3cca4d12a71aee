/**
 * One way to declare an HTTP route: zod schemas for params, query and body, and a
 * handler that receives them parsed. The same declaration registers the Express
 * route and its OpenAPI path, so `/openapi.json` cannot drift from the code.
 */
import { type OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { ApiError } from '../errors.ts';
import { requireScope, SCOPE_DESCRIPTIONS, type Scope } from '../security/scopes.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who called: the bootstrap admin key or a stored API key (directly or through a console session). */
export interface Principal {
  kind: 'bootstrap' | 'api-key' | 'approval-link';
  /** The key's id (`bootstrap` for SWITCHBOARD_API_KEY). */
  id: string;
  /** Who holds the key: what the request is attributed to (approvals included). */
  name: string;
  scopes: readonly Scope[];
}

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
  /** Responses for the OpenAPI document; `schema` omitted → no body. */
  responses: Record<number, { description: string; schema?: ZodType }>;
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

/** The JSON error body every failure answers with. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'NOT_FOUND' }),
      message: z.string(),
      details: z.unknown().optional(),
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

function toOpenApi(
  def: RouteDef<ZodType | undefined, ZodType | undefined, ZodType | undefined>,
  basePath: string,
  secured: boolean,
): RouteConfig {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(def.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { 'application/json': { schema: r.schema } } }
      : { description: r.description };
  }
  responses['400'] ??= { description: 'Invalid input', content: { 'application/json': { schema: errorBodySchema } } };
  const scope = secured ? (def.scope ?? 'admin') : undefined;
  if (scope) {
    responses['401'] ??= { description: 'Missing or invalid API key', content: { 'application/json': { schema: errorBodySchema } } };
    responses['403'] ??= { description: `The key lacks the \`${scope}\` scope`, content: { 'application/json': { schema: errorBodySchema } } };
  }
  const scopeNote = scope ? `Requires scope \`${scope}\` (${SCOPE_DESCRIPTIONS[scope]}; \`admin\` implies every scope).` : undefined;
  const description = [def.description, scopeNote].filter(Boolean).join('\n\n');
  return {
    method: def.method,
    path: (basePath + def.path).replace(/(.)\/$/, '$1').replace(/:(\w+)/g, '{$1}'),
    summary: def.summary,
    ...(description ? { description } : {}),
    ...(scope ? { 'x-required-scope': scope } : {}),
    tags: def.tags ?? [],
    ...(secured ? { security: [{ bearerAuth: [] }, { apiKeyHeader: [] }, ...(basePath === '/api/v1' ? [{ sessionCookie: [] }] : [])] } : {}),
    request: {
      ...(def.params ? { params: def.params as never } : {}),
      ...(def.query ? { query: def.query as never } : {}),
      ...(def.body ? { body: { content: { 'application/json': { schema: def.body } } } } : {}),
    },
    responses,
  };
}
