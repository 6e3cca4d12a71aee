/**
 * Agents as tools of Switchboard's own MCP endpoint: every automation whose whole job is
 * one `agent` step is listed as the tool `agent_<name>` with the automation's input
 * schema (agents calling agents). A call starts a run and answers the agent's output
 * when the run finishes within {@link AGENT_TOOL_WAIT_MS}; otherwise (an approval, a long
 * job) the run's id and status, to follow with get_run.
 */
import { z, type ZodRawShape } from 'zod';
import { AutomationService, type AutomationView } from '../../automations/service.ts';
import { startRun } from '../../automations/runs.ts';
import type { Services } from '../../services.ts';
import { defineMcpTool, type SwitchboardMcpTool } from './tool-def.ts';

/** How long a call waits for the agent's answer before it answers with the run to follow. */
export const AGENT_TOOL_WAIT_MS = 60_000;

const toolName = (name: string) => `agent_${name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '')}`.slice(0, 64);

/** The input shape of a tool: the automation's input schema when it is an object schema, else free-form. */
function inputShape(input: Record<string, unknown> | undefined): ZodRawShape {
  if (!input) return {};
  try {
    const schema = z.fromJSONSchema(input as never);
    return schema instanceof z.ZodObject ? (schema.shape as ZodRawShape) : {};
  } catch {
    return {};
  }
}

/** Whether an automation is an agent and nothing else. */
export function isAgentAutomation(a: Pick<AutomationView, 'definition'>): boolean {
  return a.definition.steps.length === 1 && a.definition.steps[0]!.type === 'agent';
}

export async function agentMcpTools(services: Services): Promise<SwitchboardMcpTool[]> {
  const automations = AutomationService.of(services);
  const agents = (await automations.list()).filter(isAgentAutomation);
  const seen = new Set<string>();
  return agents.flatMap((a) => {
    const name = toolName(a.name);
    if (seen.has(name)) return [];
    seen.add(name);
    const stepId = a.definition.steps[0]!.id;
    return [
      defineMcpTool({
        name,
        title: a.name,
        description: a.description ?? `Ask the agent "${a.name}" (a durable Switchboard run); answers its output.`,
        input: inputShape(a.definition.input as Record<string, unknown> | undefined),
        readOnly: false,
        scope: 'runs:write',
        async run(svc, args, principal) {
          const started = await startRun(svc, automations, a.id, { input: args, trigger: { type: 'manual', principal: principal.name } });
          const handle = svc.temporal.client.workflow.getHandle(started.workflowId);
          let timer: NodeJS.Timeout | undefined;
          const outcome = await Promise.race([
            handle.result().then((r: { outputs?: Record<string, unknown> }) => ({ done: true as const, output: r.outputs?.[stepId] ?? null })),
            new Promise<{ done: false }>((resolve) => (timer = setTimeout(() => resolve({ done: false }), AGENT_TOOL_WAIT_MS))),
          ]).finally(() => clearTimeout(timer));
          return outcome.done ? { workflowId: started.workflowId, status: 'completed', output: outcome.output } : { workflowId: started.workflowId, status: 'running', followWith: 'get_run' };
        },
      }),
    ];
  });
}
