/**
 * Types of the `agent` step shared by its workflow code (workflows/agent/run.ts), its
 * activities (activities/agent.ts) and the API: tool references, the model-call
 * activity's input and output, the transcript. Pure module.
 */
import type { LlmMessage, LlmUsage } from '../../connectors/sdk/llm-contracts.ts';
import type { ApprovalNotifyTarget } from '../automation/types.ts';

/** A tool of an agent step, as written (the allow-list). */
export type AgentToolRef = (
  | { connection: string; action: string }
  | { mcpServer: string; tool: string }
  | { rag: string; topK?: number | undefined }
  | { automation: string }
) & {
  requireApproval?: boolean | undefined;
  approvers?: string[] | undefined;
  /** Where each call's approvers are asked (the approval step's channels). */
  notify?: ApprovalNotifyTarget[] | undefined;
  approvalTimeout?: string | undefined;
  maxCalls?: number | undefined;
  description?: string | undefined;
};

/** Usage of one call or a whole step, with its cost when the model's price is known. */
export interface AgentUsage extends LlmUsage {
  cost?: number | undefined;
  currency?: string | undefined;
}

export interface AgentModelCallInput {
  connection: string;
  model?: string | undefined;
  system?: string | undefined;
  messages: LlmMessage[];
  output?: Record<string, unknown> | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  /** The step's tools, in order; a call names its tool by index. */
  tools: AgentToolRef[];
  /** Offer the tools in this call (false on the last round). */
  offerTools: boolean;
}

/** A tool call of the model, checked against the allow-list and the tool's schema. */
export interface AgentToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** Index into the step's tools; absent when the model named a tool it was not offered. */
  tool?: number | undefined;
  /** Why the call cannot run (unknown tool, arguments failing the schema): the model gets it as the result. */
  invalid?: string | undefined;
}

export interface AgentModelCallOutput {
  text?: string | undefined;
  object?: unknown;
  /** Set when `output` was requested and the answer does not match it. */
  outputError?: string | undefined;
  toolCalls: AgentToolCall[];
  usage: AgentUsage;
  model: string;
  finishReason: string;
  /** The model's price per 1M tokens (for the next call's cost estimate). */
  price?: { currency: string; input: number; output: number } | undefined;
}

/** One entry of an agent's transcript (GET /runs/:id, the run page). */
export type AgentTurn =
  | { kind: 'model'; round: number; at: string; text?: string | undefined; toolCalls?: { id: string; name: string; arguments: unknown }[] | undefined; usage: AgentUsage }
  | { kind: 'tool'; at: string; id: string; name: string; arguments: unknown; ok: boolean; result: string }
  | { kind: 'approval'; at: string; id: string; name: string; approvalId: string; status: 'waiting' | 'approved' | 'rejected'; by?: string | undefined; comment?: string | null | undefined }
  /** `memory.summarize`: `summarized` older messages of the thread were replaced by `text`. */
  | { kind: 'memory'; at: string; summarized: number; text: string; usage: AgentUsage };

/** A thread's stored conversation (memory). */
export interface AgentThreadMessages {
  messages: LlmMessage[];
}
