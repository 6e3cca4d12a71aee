/**
 * The `agent` step's loop (workflow side): model call → tool calls → model call …, each
 * model call and each tool call its own activity (or child run), so a replay or a worker
 * restart never repeats one that completed. Tool calls that need approval park the step
 * on the run's approval ledger (the same records, inbox and API as the `approval` step);
 * a rejection goes back to the model as the tool's result. Budgets in tokens and money
 * are checked before each model call. The transcript is kept on the step's state, so the
 * run-state query (GET /runs/:id, the run page) shows it while the step runs.
 */
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, condition, executeChild, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.ts';
import { APPROVAL_INDEX_PATCH, runWorkflowId, WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { estimateTokens, type LlmMessage } from '../../connectors/sdk/llm-contracts.ts';
import { AGENT_MEMORY_ACTIVITY_OPTIONS, AUTOMATION_RESOLVE_ACTIVITY_OPTIONS, LLM_ACTIVITY_OPTIONS } from '../activity-options.ts';
import type { AutomationRunInput } from '../contracts.ts';
import { durationMs } from '../automation/duration.ts';
import type { StepRuntime } from '../automation/runtime.ts';
import type { PendingApproval, Step } from '../automation/types.ts';
import type { AgentModelCallOutput, AgentToolCall, AgentToolRef, AgentTurn, AgentUsage } from './contracts.ts';

const { resolveAutomationVersion } = proxyActivities<Activities>(AUTOMATION_RESOLVE_ACTIVITY_OPTIONS);
const { loadAgentThread, saveAgentThread } = proxyActivities<Activities>(AGENT_MEMORY_ACTIVITY_OPTIONS);
const { agentModelCall, runConnectorAction, mcpCallTool, ragRetrieve } = proxyActivities<Activities>(LLM_ACTIVITY_OPTIONS);

/** An `agent` step with its templates rendered (`output` and `tools` as written). */
export interface AgentStep {
  connection: string;
  model?: string | undefined;
  system?: string | undefined;
  prompt: string;
  tools?: AgentToolRef[] | undefined;
  maxRounds?: number | undefined;
  output?: Record<string, unknown> | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  memory?: { thread: string; maxTokens?: number | undefined } | undefined;
  budget?: { maxTokens?: number | undefined; maxCost?: number | undefined } | undefined;
}

export interface AgentStepResult {
  text?: string | undefined;
  object?: unknown;
  usage: AgentUsage;
  model: string;
  rounds: number;
  toolCalls: { name: string; ok: boolean }[];
  thread?: string | undefined;
}

export const DEFAULT_AGENT_ROUNDS = 10;
const DEFAULT_APPROVAL_TIMEOUT = '1d';
const RESULT_PREVIEW = 2000;

const fail = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
const preview = (s: string) => (s.length > RESULT_PREVIEW ? `${s.slice(0, RESULT_PREVIEW)}…` : s);
const money = (n: number) => Math.round(n * 1e6) / 1e6;

/** Runs an agent step in the interpreter's scope `rt` (the step's id, policy and state). */
export async function runAgent(def: Step, step: AgentStep, rt: StepRuntime): Promise<AgentStepResult> {
  const state = rt.stateOf(def) as ReturnType<StepRuntime['stateOf']> & { transcript?: AgentTurn[] };
  const transcript: AgentTurn[] = [];
  state.transcript = transcript;
  const tools = step.tools ?? [];
  const maxRounds = step.maxRounds ?? DEFAULT_AGENT_ROUNDS;
  const opts = (summary: string, suffix: string) => rt.activityOptions(def, `${def.id}: ${summary}`, suffix);
  const now = () => new Date().toISOString();

  const earlier: LlmMessage[] = step.memory ? await loadAgentThread.executeWithOptions(opts(`memory of thread ${step.memory.thread}`, 'memory.load'), [{ key: step.memory.thread, maxTokens: step.memory.maxTokens }]) : [];
  const messages: LlmMessage[] = [...earlier, { role: 'user', content: step.prompt }];
  const usage: AgentUsage = { inputTokens: 0, outputTokens: 0 };
  const ledger = rt.tokens.usage as AgentUsage;
  const calls = new Map<number, number>();
  const toolCalls: AgentStepResult['toolCalls'] = [];
  let price: AgentModelCallOutput['price'];
  let repaired = false;

  for (let round = 1; ; round++) {
    if (round > maxRounds) throw fail('MAX_ROUNDS', `agent ${def.id} made ${maxRounds} model calls (maxRounds) without a final answer`);
    const offerTools = tools.length > 0 && round < maxRounds;
    const estimate = estimateTokens({ system: step.system, messages, output: step.output }) + (offerTools ? 200 * tools.length : 0);
    checkBudgets(rt, step, usage, estimate, price);
    const res = await agentModelCall.executeWithOptions(opts(`model call ${round} via ${step.connection}: ~${estimate} tokens in`, `round${round}`), [
      { connection: step.connection, model: step.model, system: step.system, messages, output: step.output, maxTokens: step.maxTokens, temperature: step.temperature, tools, offerTools },
    ]);
    price = res.price ?? price;
    addUsage(usage, res.usage);
    addUsage(ledger, res.usage);
    transcript.push({
      kind: 'model',
      round,
      at: now(),
      ...(res.text ? { text: res.text } : res.object !== undefined ? { text: JSON.stringify(res.object) } : {}),
      ...(res.toolCalls.length ? { toolCalls: res.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) } : {}),
      usage: res.usage,
    });
    if (res.outputError !== undefined) {
      if (repaired) throw fail('OUTPUT_INVALID', `agent ${def.id}: ${res.outputError} (after one repair round)`);
      repaired = true;
      messages.push({ role: 'user', content: `Your answer did not match the required output schema (${res.outputError}). Answer again with only a JSON object that matches it.` });
      continue;
    }
    if (res.toolCalls.length === 0) {
      const answer = res.text ?? JSON.stringify(res.object ?? null);
      messages.push({ role: 'assistant', content: answer });
      if (step.memory) {
        await saveAgentThread.executeWithOptions(opts(`memory of thread ${step.memory.thread}`, 'memory.save'), [{ key: step.memory.thread, messages, maxTokens: step.memory.maxTokens }]);
      }
      return {
        ...(res.text !== undefined ? { text: res.text } : {}),
        ...(res.object !== undefined ? { object: res.object } : {}),
        usage,
        model: res.model,
        rounds: round,
        toolCalls,
        ...(step.memory ? { thread: step.memory.thread } : {}),
      };
    }
    messages.push({ role: 'assistant', content: res.text ?? '', toolCalls: res.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) });
    for (const [i, call] of res.toolCalls.entries()) {
      const suffix = `round${round}.tool${i + 1}`;
      const { ok, content } = await callTool(def, rt, tools, calls, call, suffix, res.text, transcript);
      toolCalls.push({ name: call.name, ok });
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content });
      transcript.push({ kind: 'tool', at: now(), id: call.id, name: call.name, arguments: call.arguments, ok, result: preview(content) });
    }
  }
}

function addUsage(into: AgentUsage, add: AgentUsage): void {
  into.inputTokens += add.inputTokens;
  into.outputTokens += add.outputTokens;
  if (add.cost !== undefined) {
    into.cost = money((into.cost ?? 0) + add.cost);
    into.currency = add.currency;
  }
}

/** BUDGET_EXCEEDED, naming the limit, when the next call's estimate would cross one. */
function checkBudgets(rt: StepRuntime, step: AgentStep, usage: AgentUsage, estimate: number, price: AgentModelCallOutput['price']): void {
  const run = rt.tokens;
  const runUsed = run.usage.inputTokens + run.usage.outputTokens;
  if (run.budget && runUsed + estimate > run.budget.maxTokens) {
    throw fail('BUDGET_EXCEEDED', `token budget of the run (budget.maxTokens) is ${run.budget.maxTokens}; ${runUsed} used, the next call needs about ${estimate}`);
  }
  const used = usage.inputTokens + usage.outputTokens;
  if (step.budget?.maxTokens !== undefined && used + estimate > step.budget.maxTokens) {
    throw fail('BUDGET_EXCEEDED', `token budget of the step (budget.maxTokens) is ${step.budget.maxTokens}; ${used} used, the next call needs about ${estimate}`);
  }
  const maxCost = step.budget?.maxCost;
  if (maxCost === undefined) return;
  const spent = usage.cost ?? 0;
  const next = price ? money((estimate * price.input) / 1_000_000) : 0;
  if (spent + next > maxCost || (spent > 0 && spent >= maxCost)) {
    const currency = usage.currency ?? price?.currency ?? '';
    throw fail('BUDGET_EXCEEDED', `cost budget of the step (budget.maxCost) is ${maxCost} ${currency}; ${spent} ${currency} spent, the next call costs about ${next} ${currency}`.replace(/ {2,}/g, ' '));
  }
}

/** One tool call: checked, capped, approved if it must be, then run; the model gets the result or the error. */
async function callTool(
  def: Step,
  rt: StepRuntime,
  tools: AgentToolRef[],
  calls: Map<number, number>,
  call: AgentToolCall,
  suffix: string,
  reason: string | undefined,
  transcript: AgentTurn[],
): Promise<{ ok: boolean; content: string }> {
  const error = (message: string) => ({ ok: false, content: JSON.stringify({ error: message }) });
  if (call.invalid !== undefined || call.tool === undefined) return error(call.invalid ?? `unknown tool "${call.name}"`);
  const ref = tools[call.tool]!;
  const n = (calls.get(call.tool) ?? 0) + 1;
  if (ref.maxCalls !== undefined && n > ref.maxCalls) return error(`${call.name} may be called at most ${ref.maxCalls} times in this step`);
  calls.set(call.tool, n);
  if (ref.requireApproval) {
    const rejected = await approveCall(def, rt, ref, call, suffix, reason, transcript);
    if (rejected !== undefined) return { ok: false, content: rejected };
  }
  const summary = `tool ${call.name}`;
  try {
    let out: unknown;
    if ('action' in ref) {
      const queue = rt.actionQueue(ref.connection);
      out = await runConnectorAction.executeWithOptions({ ...rt.activityOptions(def, `${def.id}: ${summary}`, suffix), ...(queue ? { taskQueue: queue } : {}) }, [
        { connectionId: ref.connection, action: ref.action, input: call.arguments },
      ]);
    } else if ('mcpServer' in ref) {
      out = await mcpCallTool.executeWithOptions(rt.activityOptions(def, `${def.id}: ${summary}`, suffix), [{ serverId: ref.mcpServer, tool: ref.tool, args: call.arguments }]);
    } else if ('rag' in ref) {
      const args = call.arguments as { query: string; topK?: number };
      out = await ragRetrieve.executeWithOptions(rt.activityOptions(def, `${def.id}: ${summary}`, suffix), [{ index: ref.rag, query: args.query, topK: args.topK ?? ref.topK }]);
    } else {
      const { version, name } = await resolveAutomationVersion({ automationId: ref.automation });
      const args: AutomationRunInput = { automationId: ref.automation, version, input: call.arguments, trigger: { type: 'automation', parentWorkflowId: rt.workflowId } };
      const result = await executeChild(WORKFLOW_TYPES.automation, {
        args: [args],
        workflowId: runWorkflowId(ref.automation, `${rt.workflowId.replace(/^run:/, '')}.${rt.scopePath}${def.id}.${suffix}`),
        staticSummary: `${name} v${version} (tool of agent ${def.id} in ${rt.workflowId})`,
      });
      out = (result as { outputs?: unknown }).outputs ?? result;
    }
    return { ok: !(out as { isError?: boolean } | null)?.isError, content: JSON.stringify(out ?? null) };
  } catch (err) {
    if (!(err instanceof ActivityFailure) && !(err instanceof ChildWorkflowFailure)) throw err;
    const cause = err.cause instanceof ApplicationFailure ? { type: err.cause.type, message: err.cause.message } : { message: err.message };
    return { ok: false, content: JSON.stringify({ error: cause }) };
  }
}

/**
 * Parks the step on an approval of one tool call. Returns undefined when approved, else
 * the tool result the model gets: "rejected by <principal>: <comment>".
 */
async function approveCall(
  def: Step,
  rt: StepRuntime,
  ref: AgentToolRef,
  call: AgentToolCall,
  suffix: string,
  reason: string | undefined,
  transcript: AgentTurn[],
): Promise<string | undefined> {
  const approvalId = `${rt.scopePath}${def.id}.${suffix}`;
  const timeout = durationMs(ref.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT);
  const expiresAt = new Date(Date.now() + timeout).toISOString();
  const args = JSON.stringify(call.arguments);
  const pending: PendingApproval = {
    stepId: approvalId,
    approvers: ref.approvers ?? [],
    quorum: 1,
    expiresAt,
    title: `Agent ${def.id} wants to call ${call.name}`,
    description: reason?.trim() ? reason.trim() : '(the model gave no reason)',
    context: [
      { label: 'tool', value: call.name },
      { label: 'arguments', value: args.length > 2000 ? `${args.slice(0, 1999)}…` : args },
    ],
    message: `${def.id} asks to call ${call.name}`,
    decisions: [],
  };
  const indexed = patched(APPROVAL_INDEX_PATCH);
  rt.approvals.open(pending, indexed);
  const state = rt.stateOf(def);
  state.status = 'waiting';
  const entry: AgentTurn = { kind: 'approval', at: new Date().toISOString(), id: call.id, name: call.name, approvalId, status: 'waiting' };
  transcript.push(entry);
  rt.setStatus('waiting_approval', `waiting for approval of ${call.name} (${approvalId}) until ${expiresAt}`, indexed ? rt.approvals.indexAttributes() : undefined);
  if (indexed) rt.approvals.publishMemo();
  let p: ReturnType<StepRuntime['approvals']['get']>;
  try {
    await condition(() => rt.approvals.get(approvalId)?.outcome !== undefined, timeout);
  } finally {
    p = rt.approvals.get(approvalId);
    rt.setStatus('running', undefined, rt.approvals.close(approvalId));
    state.status = 'running';
  }
  const last = p?.decisions[p.decisions.length - 1];
  if (p?.outcome === 'approve') {
    Object.assign(entry, { status: 'approved', by: last?.approver, comment: last?.comment ?? null });
    return undefined;
  }
  const by = p?.outcome === 'reject' ? (last?.approver ?? 'unknown') : 'timeout';
  const comment = p?.outcome === 'reject' ? (last?.comment ?? '') : 'no decision before the deadline';
  Object.assign(entry, { status: 'rejected', by, comment });
  return `rejected by ${by}: ${comment}`;
}
