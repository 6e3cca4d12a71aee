/**
 * The API's server spans: one per request, a child of the caller's W3C `traceparent`
 * when it sends one, named by method and route (`POST /webhooks/:connector/:connectionId`),
 * never by the raw path (approval links carry tokens in theirs). The request runs in the
 * span's context, so a workflow start (the Temporal client interceptor) becomes its child.
 * Mounted by src/app.ts only when tracing is on.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const requestContexts = new WeakMap<Request, Context>();

/** Starts the server span and runs the rest of the request in its context. */
export function httpServerSpans(): RequestHandler {
  const tracer = trace.getTracer('switchboard');
  return (req: Request, res: Response, next: NextFunction) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.scheme': req.protocol } },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    requestContexts.set(req, ctx);
    res.once('finish', () => {
      const route = req.route as { path?: unknown } | undefined;
      if (typeof route?.path === 'string') {
        const httpRoute = `${req.baseUrl}${route.path}`;
        span.updateName(`${req.method} ${httpRoute}`);
        span.setAttribute('http.route', httpRoute);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    res.once('close', () => {
      if (!res.writableFinished) span.end();
    });
    context.with(ctx, next);
  };
}

/**
 * Re-enters the request's span context. A body parser calls `next` from a stream event,
 * outside the context the request started in; mount this after one.
 */
export const reenterTraceContext: RequestHandler = (req, _res, next) => {
  const ctx = requestContexts.get(req);
  if (ctx) context.with(ctx, next);
  else next();
};
