/**
 * zod schema of the `agent` step: a model that calls tools in rounds (connector actions,
 * MCP tools, RAG indexes, child automations), with approvals of tool calls, conversation
 * memory per thread and budgets in tokens and money. The executor is
 * workflows/automation/steps/agent.ts; docs/concepts/agents.md describes it.
 *
 * @example
 * { id: 'triage', type: 'agent', connection: 'openai', prompt: '{{ trigger.payload.text }}',
 *   tools: [{ connection: 'jira', action: 'create_issue', requireApproval: true, approvers: ['ops'] }, { rag: 'runbooks' }],
 *   memory: { thread: '{{ trigger.payload.thread_ts }}' }, budget: { maxCost: 2 } }
 */
import { z } from 'zod';
import type { ZodObject } from 'zod';
import { DURATION_RE } from '../../workflows/automation/duration.ts';
import { approvalNotifyIssues, approvalNotifySchema } from '../approvals/notify-schema.ts';

/** The most model calls one agent step may make (maxRounds). */
export const MAX_AGENT_ROUNDS = 50;

const guard = {
  requireApproval: z.boolean().optional().describe('park the run on an approval before each call of this tool'),
  approvers: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('who may decide: principals of API keys and `group:<name>` (any member decides); default: anyone with approvals:decide'),
  notify: approvalNotifySchema.optional().describe("where each call's approvers are asked (as the approval step's `notify`): Slack messages with buttons, emails with signed links"),
  approvalTimeout: z.string().regex(DURATION_RE, 'must be a duration such as 30s, 10m, 2h or 3d').optional().describe('how long a call waits for a decision (default 1d); then it is rejected'),
  maxCalls: z.number().int().min(1).max(100).optional().describe('calls of this tool per step; more go back to the model as an error'),
  description: z.string().min(1).max(1000).optional().describe("what the model is told the tool does (default: the tool's own description)"),
};

const agentTool = z.union([
  z.object({ connection: z.string().min(1), action: z.string().min(1), ...guard }).strict(),
  z.object({ mcpServer: z.string().min(1), tool: z.string().min(1), ...guard }).strict(),
  z.object({ rag: z.string().min(1).describe('RAG index id or name: a retrieval tool'), topK: z.number().int().min(1).max(50).optional(), ...guard }).strict(),
  z.object({ automation: z.string().min(1).describe('automation id: runs as a child run, its outputs are the result'), ...guard }).strict(),
]);

/** Builds the `agent` step schema on the interpreter's common step fields. */
export function agentStepSchema(stepBase: ZodObject) {
  return stepBase
    .extend({
      type: z.literal('agent'),
      connection: z.string().min(1),
      model: z.string().min(1).optional(),
      system: z.string().optional(),
      prompt: z.string().min(1),
      tools: z.array(agentTool).max(32).optional().describe('the allow-list: the only tools the model may call'),
      maxRounds: z.number().int().min(1).max(MAX_AGENT_ROUNDS).optional().describe(`model calls at most (1-${MAX_AGENT_ROUNDS}, default 10)`),
      output: z.record(z.string(), z.unknown()).optional().describe('JSON Schema: the final answer is an object matching it (one repair round)'),
      maxTokens: z.number().int().min(1).optional().describe('max output tokens of each model call'),
      temperature: z.number().min(0).max(2).optional(),
      memory: z
        .object({
          thread: z.string().min(1).describe('thread key (template), e.g. a Slack thread_ts'),
          maxTokens: z.number().int().min(100).max(1_000_000).optional().describe('keep at most about this many tokens of the thread, oldest dropped first (default 8000)'),
          summarize: z
            .object({
              afterTokens: z.number().int().min(100).max(1_000_000).optional().describe('summarise when the thread passes about this many tokens'),
              afterMessages: z.number().int().min(2).max(10_000).optional().describe('summarise when the thread passes this many messages'),
              keepMessages: z.number().int().min(1).max(100).optional().describe('the newest messages kept as they are (default 4; from a user message on)'),
              maxTokens: z.number().int().min(50).max(8000).optional().describe("max output tokens of the summary (default 500)"),
            })
            .strict()
            .refine((x) => x.afterTokens !== undefined || x.afterMessages !== undefined, 'summarize needs afterTokens, afterMessages or both')
            .optional()
            .describe("older turns are replaced by a summary the step's model writes when the thread passes a size"),
        })
        .strict()
        .refine((m) => m.summarize?.afterTokens === undefined || m.summarize.afterTokens < (m.maxTokens ?? 8000), {
          message: 'summarize.afterTokens must be below memory.maxTokens (default 8000): older turns would be dropped before they are summarised',
          path: ['summarize', 'afterTokens'],
        })
        .optional(),
      budget: z
        .object({
          maxTokens: z.number().int().min(1).optional(),
          maxCost: z.number().min(0, 'maxCost cannot be negative').optional().describe("money the step may spend, in the connection's pricing currency"),
        })
        .strict()
        .optional(),
    })
    .strict()
    .refine((s) => ((s.tools ?? []) as { approvers?: unknown; requireApproval?: boolean }[]).every((t) => t.approvers === undefined || t.requireApproval === true), { message: 'approvers need requireApproval: true', path: ['tools'] })
    .superRefine((s, ctx) =>
      ((s.tools ?? []) as { requireApproval?: boolean; approvers?: string[]; notify?: z.infer<typeof approvalNotifySchema> }[]).forEach((t, i) => {
        if (t.notify && t.requireApproval !== true) ctx.addIssue({ code: 'custom', path: ['tools', i, 'notify'], message: 'notify needs requireApproval: true' });
        approvalNotifyIssues(t).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue, path: ['tools', i, ...issue.path] }));
      }),
    );
}
