/**
 * Automation tools of Switchboard's own MCP endpoint: list automations, start a run,
 * read a run's status, decide a pending approval. Thin adapters over the same
 * services the REST API uses (src/automations/service.ts and runs.ts), so an agent
 * gets exactly the API's validation, idempotency and approval rules.
 */
import { z } from 'zod';
import { AutomationService } from '../../automations/service.ts';
import { getRun, IDEMPOTENCY_KEY_RE, startRun } from '../../automations/runs.ts';
import { approverFor, decide } from '../../approvals/decisions.ts';
import { redriveFailedRuns, redriveRun } from '../../automations/redrive.ts';
import { listEvents, redeliverEvent } from '../../automations/events.ts';
import type { Services } from '../../services.ts';
import { defineMcpTool, type SwitchboardMcpTool } from './tool-def.ts';
import { visibilityTime } from '../../schemas/time-filter.ts';

const automationsOf = (services: Services) => AutomationService.of(services);

/** A tool whose one input is the id `key` (checked by `id`); it answers `get` of that id. */
function byIdTool<K extends string>(tool: Omit<SwitchboardMcpTool, 'input' | 'run'>, key: K, id: z.ZodString, get: (services: Services, id: string) => Promise<unknown>): SwitchboardMcpTool {
  return defineMcpTool({
    ...tool,
    input: { [key]: id } as Record<K, z.ZodString>,
    async run(services, args) {
      return get(services, (args as Record<K, string>)[key]);
    },
  });
}

export const automationMcpTools = [
  defineMcpTool({
    name: 'list_automations',
    title: 'List automations',
    description: 'The automations that can be run: id, name, description, current version and trigger.',
    input: {},
    readOnly: true,
    scope: 'automations:read',
    async run(services) {
      const items = await automationsOf(services).list();
      return { automations: items.map((a) => ({ id: a.id, name: a.name, description: a.description, version: a.version, trigger: a.trigger, input: a.definition.input ?? null })) };
    },
  }),
  defineMcpTool({
    name: 'start_automation_run',
    title: 'Start an automation run',
    description:
      'Starts a durable run of the current version of an automation. With an idempotencyKey the same key never starts a second run (the answer says duplicate: true). Read progress with get_run.',
    input: {
      automationId: z.string().min(1),
      input: z.record(z.string(), z.unknown()).optional().describe("run input; must match the automation's input schema"),
      idempotencyKey: z.string().regex(IDEMPOTENCY_KEY_RE).optional(),
      maxTokens: z.number().int().min(1).optional().describe("LLM token limit of this run (the automation's own budget still applies)"),
    },
    readOnly: false,
    scope: 'runs:write',
    async run(services, args, principal) {
      return startRun(services, automationsOf(services), args.automationId, {
        input: args.input ?? {},
        idempotencyKey: args.idempotencyKey,
        trigger: { type: 'manual', principal: principal.name },
        ...(args.maxTokens !== undefined ? { budget: { maxTokens: args.maxTokens } } : {}),
      });
    },
  }),
  byIdTool(
    {
      name: 'get_run',
      title: 'Status of an automation run',
      description: 'Status, steps (status, attempts, output, error), pending approvals, token usage and result of a run.',
      readOnly: true,
      scope: 'runs:read',
    },
    'workflowId',
    z.string().min(1).describe('the workflowId answered by start_automation_run'),
    getRun,
  ),
  defineMcpTool({
    name: 'redrive_run',
    title: 'Re-drive a failed run',
    description:
      "Starts a failed (cancelled, terminated) run again as a new run with the same input, pinned to the failed run's version unless version is 'current', from the step that failed (or fromStep): the steps before it are not run again. A second re-drive of the same run answers the first (duplicate: true) unless force. Follow the new run with get_run.",
    input: {
      workflowId: z.string().min(1).describe('the failed run'),
      version: z.enum(['pinned', 'current']).optional(),
      force: z.boolean().optional(),
      fromStep: z.string().regex(/^[A-Za-z_][\w-]{0,63}$/).optional().describe('the top-level step to start at (default: the step that failed); the steps before it are not run again'),
    },
    readOnly: false,
    scope: 'runs:write',
    async run(services, args) {
      return redriveRun(services, automationsOf(services), args.workflowId, { version: args.version, force: args.force, fromStep: args.fromStep });
    },
  }),
  defineMcpTool({
    name: 'redrive_failed_runs',
    title: 'Re-drive failed runs in bulk',
    description: 'Re-drives the failed runs of an automation (or all), newest first, at most limit. A run re-driven before answers its earlier re-drive, so repeating starts nothing twice.',
    input: {
      automationId: z.string().min(1).optional(),
      since: visibilityTime.optional().describe('runs started at or after (ISO-8601)'),
      limit: z.number().int().min(1).max(1000),
      version: z.enum(['pinned', 'current']).optional(),
    },
    readOnly: false,
    scope: 'runs:write',
    async run(services, args) {
      return redriveFailedRuns(services, automationsOf(services), args);
    },
  }),
  defineMcpTool({
    name: 'list_events',
    title: 'List received webhook events',
    description: 'Recorded webhook deliveries, newest first: id, type, connector, connection, payload and the runs they started. Filters narrow the list.',
    input: {
      connector: z.string().min(1).optional(),
      connectionId: z.string().min(1).optional(),
      type: z.string().min(1).optional(),
      since: visibilityTime.optional(),
      until: visibilityTime.optional(),
      unparsed: z.boolean().optional(),
      noSubscriber: z.boolean().optional(),
      limit: z.number().int().min(1).max(500).optional(),
    },
    readOnly: true,
    scope: 'events:read',
    async run(services, args) {
      return { events: await listEvents(services, args) };
    },
  }),
  byIdTool(
    {
      name: 'redeliver_event',
      title: 'Redeliver a webhook event',
      description: "Routes a recorded event (id from list_events) again to the automations subscribed to it today; answers the runs started.",
      readOnly: false,
      scope: 'runs:write',
    },
    'eventId',
    z.string().min(1),
    redeliverEvent,
  ),
  defineMcpTool({
    name: 'decide_approval',
    title: 'Decide a pending approval',
    description:
      "Approves or rejects the approval step of a waiting run as the API key's principal. Naming another approver (find them with get_run) needs the approvals:act-as scope; both are recorded.",
    input: {
      workflowId: z.string().min(1),
      stepId: z.string().min(1),
      decision: z.enum(['approve', 'reject']),
      approver: z.string().min(1).max(200).optional().describe("decide for this approver (needs approvals:act-as); default: the key's principal"),
      comment: z.string().max(10_000).optional(),
      form: z.record(z.string(), z.unknown()).optional().describe("values of the step's form (get_run shows it); needed to approve a step with a form"),
    },
    readOnly: false,
    scope: 'approvals:decide',
    async run(services, args, principal) {
      return decide(services, args.workflowId, {
        stepId: args.stepId,
        decision: args.decision,
        ...approverFor(principal, args.approver),
        comment: args.comment ?? null,
        ...(args.form !== undefined ? { form: args.form } : {}),
        channel: 'mcp',
      });
    },
  }),
];
