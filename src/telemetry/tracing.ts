/**
 * OpenTelemetry tracing, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: a NodeSDK
 * (W3C trace context, AsyncLocalStorage context) exporting over OTLP/HTTP (JSON), the
 * Temporal client interceptor (a workflow start carries the caller's context), the
 * activity interceptors and the sink that exports the spans workflows make. No
 * auto-instrumentation: the API's server spans (src/telemetry/http-server.ts) and the
 * outbound HTTP spans (src/telemetry/outbound.ts) are our own, so nothing depends on
 * load order. Unset, nothing is started, nothing is registered and the SDK modules are
 * never loaded (they cost a few hundred ms at start-up).
 */
import type { ClientInterceptors } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Config } from '../config.ts';
import { VERSION } from '../version.ts';
import { setOutboundTracing } from './outbound.ts';

/** Which process this is: names the service unless `OTEL_SERVICE_NAME` does. */
export type ProcessRole = 'api' | 'worker' | 'dev';

const DEFAULT_SERVICE_NAMES: Record<ProcessRole, string> = { api: 'switchboard-api', worker: 'switchboard-worker', dev: 'switchboard' };

/** A started tracing SDK and the Temporal hooks that carry its context. */
export interface Tracing {
  readonly serviceName: string;
  /** For `new Client({ interceptors })`: workflow starts, signals and updates carry the context. */
  readonly clientInterceptors: ClientInterceptors;
  /** For `Worker.create`: activity spans (children of the workflow's schedule span). */
  readonly activityInterceptors: ActivityInterceptorsFactory[];
  /** For `Worker.create`: the `exporter` sink the workflow interceptors send their spans to. */
  readonly workflowSinks: InjectedSinks<OpenTelemetrySinks>;
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}

/** The OTLP/HTTP traces URL of a base endpoint, as the OTLP exporter spec derives it. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts tracing when the configuration names an OTLP endpoint; `undefined` otherwise
 * (no SDK, no interceptors, no sink). Call once per process, before the Temporal client
 * and worker are built.
 *
 * @example
 * const tracing = await startTracing(config, 'api');
 * if (tracing) lifecycle.add('tracing', () => tracing.shutdown());
 */
export async function startTracing(config: Pick<Config, 'tracing'>, role: ProcessRole): Promise<Tracing | undefined> {
  const endpoint = config.tracing.otlpEndpoint;
  if (!endpoint) return undefined;
  const [{ OTLPTraceExporter }, { Resource }, { NodeSDK }, { BatchSpanProcessor }, otel] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);
  const { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor } = otel;
  const serviceName = config.tracing.serviceName ?? DEFAULT_SERVICE_NAMES[role];
  const resource = new Resource({ 'service.name': serviceName, 'service.version': VERSION });
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(endpoint) }), { scheduledDelayMillis: 1_000 });
  const sdk = new NodeSDK({
    resource,
    serviceName,
    // Process and host detectors would put the command line into every export.
    autoDetectResources: false,
    spanProcessors: [processor],
    // Traces only: without these the SDK would start an OTLP log exporter by default.
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  setOutboundTracing(true);
  let stopped: Promise<void> | undefined;
  return {
    serviceName,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    activityInterceptors: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    workflowSinks: { exporter: makeWorkflowExporter(processor, resource) },
    shutdown() {
      stopped ??= (async () => {
        setOutboundTracing(false);
        await sdk.shutdown();
      })();
      return stopped;
    },
  };
}
