/**
 * A client span around each outbound HTTP request of the safe fetch (src/security/ssrf.ts),
 * with the W3C `traceparent` sent to the provider. Attributes name the method, host and
 * status only: paths and queries can carry credentials (Telegram's bot token, signed URLs).
 * Off (one boolean test) unless src/telemetry/tracing.ts started the SDK.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

let enabled = false;

/** Switched by startTracing/shutdown. */
export function setOutboundTracing(on: boolean): void {
  enabled = on;
}

/**
 * Runs one HTTP exchange in a client span. `send` gets the headers to add (the trace
 * context) and returns the response; a thrown error ends the span as an error.
 */
export async function tracedRequest<R extends { status: number }>(method: string, url: URL, send: (traceHeaders: Record<string, string>) => Promise<R>): Promise<R> {
  if (!enabled) return send({});
  const tracer = trace.getTracer('switchboard');
  const span = tracer.startSpan(`HTTP ${method}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': method,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'url.scheme': url.protocol.replace(/:$/, ''),
    },
  });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  try {
    const res = await send(carrier);
    span.setAttribute('http.response.status_code', res.status);
    if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return res;
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'Error' });
    throw err;
  } finally {
    span.end();
  }
}
