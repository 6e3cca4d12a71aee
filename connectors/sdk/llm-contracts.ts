/**
 * Types and pure helpers shared by the AI step executors (workflow side) and their
 * activities: provider-neutral chat messages, usage, MCP call results. Pure module.
 */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type LlmMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: LlmToolCall[] | undefined }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface LlmToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface LlmRequest {
  model: string;
  system?: string | undefined;
  messages: LlmMessage[];
  /** JSON Schema: the answer is an object matching it. */
  output?: Record<string, unknown> | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  tools?: LlmToolSpec[] | undefined;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Token accounting of one run: the automation interpreter keeps one per run (carried
 * through continue-as-new) and every llm step adds the provider's reported usage.
 */
export interface TokenLedger {
  usage: LlmUsage;
  /** Per-run budget (the automation's `budget.maxTokens`); a step may add its own. */
  budget?: { maxTokens: number } | undefined;
}

export function newTokenLedger(budget?: { maxTokens: number }, usage?: LlmUsage): TokenLedger {
  return { usage: { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 }, ...(budget ? { budget } : {}) };
}

export interface LlmResponse {
  text?: string | undefined;
  object?: unknown;
  toolCalls?: LlmToolCall[] | undefined;
  usage: LlmUsage;
  model: string;
  finishReason: string;
}

/** Rough token estimate (≈ 4 characters a token) used only before a call, for budgets. */
export function estimateTokens(req: Pick<LlmRequest, 'system' | 'messages' | 'tools' | 'output'>): number {
  const chars = (req.system?.length ?? 0) + JSON.stringify(req.messages).length + (req.tools ? JSON.stringify(req.tools).length : 0) + (req.output ? JSON.stringify(req.output).length : 0);
  return Math.ceil(chars / 4);
}

export interface McpCallResult {
  server: string;
  tool: string;
  isError: boolean;
  content: unknown[];
  structuredContent?: unknown;
}
