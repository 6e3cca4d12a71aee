/**
 * OpenTelemetry workflow interceptors (`@temporalio/interceptors-opentelemetry`), for
 * workflows whose start carried a trace context only: the client interceptor of a process
 * with tracing on (src/telemetry/tracing.ts) puts it into the `_tracer-data` header, which
 * Temporal keeps in history. A workflow started without one runs the plain code, so old
 * histories replay unchanged and whether a run is traced depends on its history, never on
 * the replaying worker. Traced runs make `RunWorkflow`, `StartActivity` and
 * `StartChildWorkflow` spans; the header goes on to activities, children and
 * continue-as-new. Spans leave through the worker's `exporter` sink, which is not called
 * during replay. Registered by a worker with tracing on only (workflowCodeOptions and the
 * prebuilt bundle; dist/workflow-bundle-untraced.js leaves it out): it makes no commands, so a
 * traced run replays the same without it, and leaving it out saves every run the evaluation of
 * the OpenTelemetry SDK.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type { WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory, WorkflowInternalsInterceptor, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';

/** Header the OpenTelemetry interceptors carry the context in (`TRACE_HEADER` of the package). */
const TRACE_HEADER = '_tracer-data';

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Built on the first traced call only: an untraced run never creates a tracer.
  let otel: { inbound: OpenTelemetryInboundInterceptor; outbound: OpenTelemetryOutboundInterceptor; internals: OpenTelemetryInternalsInterceptor } | undefined;
  const traced = () => (otel ??= { inbound: new OpenTelemetryInboundInterceptor(), outbound: new OpenTelemetryOutboundInterceptor(), internals: new OpenTelemetryInternalsInterceptor() });

  const inbound: WorkflowInboundCallsInterceptor = {
    execute: (input, next) => (TRACE_HEADER in input.headers ? traced().inbound.execute(input, next) : next(input)),
    handleSignal: (input, next) => (TRACE_HEADER in input.headers ? traced().inbound.handleSignal(input, next) : next(input)),
    handleUpdate: (input, next) => (TRACE_HEADER in input.headers ? traced().inbound.handleUpdate(input, next) : next(input)),
    validateUpdate: (input, next) => (TRACE_HEADER in input.headers ? traced().inbound.validateUpdate(input, next) : next(input)),
  };
  // Outbound calls are traced in a traced run (its execute built the interceptors).
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => (otel ? otel.outbound.scheduleActivity(input, next) : next(input)),
    scheduleLocalActivity: (input, next) => (otel ? otel.outbound.scheduleLocalActivity(input, next) : next(input)),
    startChildWorkflowExecution: (input, next) => (otel ? otel.outbound.startChildWorkflowExecution(input, next) : next(input)),
    continueAsNew: (input, next) => (otel ? otel.outbound.continueAsNew(input, next) : next(input)),
    signalWorkflow: (input, next) => (otel ? otel.outbound.signalWorkflow(input, next) : next(input)),
    getLogAttributes: (input, next) => (otel ? otel.outbound.getLogAttributes(input, next) : next(input)),
  };
  const internals: WorkflowInternalsInterceptor = {
    dispose: (input, next) => (otel ? otel.internals.dispose(input, next) : next(input)),
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
