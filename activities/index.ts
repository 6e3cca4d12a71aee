/**
 * All activities, built from injected dependencies. Workflows proxy the type
 * `Activities`; the worker registers the object `createActivities(deps)` returns.
 */
import type { ActivityDeps } from './deps.ts';
import { createSelfCheckActivities } from './self-check.ts';
import { createAutomationActivities } from './automations.ts';
import { AutomationSubscriptions } from '../src/automations/resolver.ts';
import { createRagActivities } from './rag.ts';
import { createMcpActivities } from './mcp.ts';
import { createLlmActivities } from './llm.ts';
import { createAgentActivities } from './agent.ts';
import { createConnectorActionActivities } from './connector-action.ts';
import { createEventRoutingActivities } from './event-routing.ts';
import { keepingAlive } from './heartbeat.ts';
import { createEventWaitActivities } from './event-waits.ts';
import { findEventWaiters } from '../src/automations/event-waits.ts';
import { createPollTriggerActivities } from './poll-trigger.ts';
import { createApprovalNotifyActivities } from './approval-notify.ts';
import { createConcurrencyActivities } from './concurrency.ts';
import { createCodeWorkflowActivities } from './code-workflows.ts';

/** Every activity heartbeats while it runs (bounded recovery, activities/heartbeat.ts); RAG ingestion heartbeats its progress itself. */
export function createActivities(deps: ActivityDeps) {
  return keepingAlive(createActivityFunctions(deps), ['ragIngestBatch', 'notifyApproval']);
}

function createActivityFunctions(deps: ActivityDeps) {
  return {
    ...createSelfCheckActivities(deps),
    ...createAutomationActivities(deps),
    ...createRagActivities(deps),
    ...createMcpActivities(deps),
    ...createLlmActivities(deps),
    ...createAgentActivities(deps),
    ...createConnectorActionActivities(deps),
    ...createEventWaitActivities(deps),
    ...createEventRoutingActivities({
      subscriptions: deps.subscriptions ?? new AutomationSubscriptions(deps.orm, deps.logger),
      waiters: { find: (event) => findEventWaiters(deps.orm, event, deps.logger) },
    }),
    ...createPollTriggerActivities(deps),
    ...createApprovalNotifyActivities(deps),
    ...createConcurrencyActivities(),
    ...createCodeWorkflowActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
