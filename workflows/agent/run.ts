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
import { AGENT_MEMORY_SUMMARY_PATCH, AGENT_TOOL_NOTIFY_PATCH, APPROVAL_INDEX_PATCH, runWorkflowId, WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import { estimateTokens, type LlmMessage } from '../../connectors/sdk/llm-contracts.ts';
import { AGENT_MEMORY_ACTIVITY_OPTIONS, AUTOMATION_RESOLVE_ACTIVITY_OPTIONS, LLM_ACTIVITY_OPTIONS } from '../activity-options.ts';
import type { AutomationRunInput } from '../contracts.ts';
import { durationMs } from '../automation/duration.ts';
import type { StepRuntime } from '../automation/runtime.ts';
import type { ApprovalNotifyTarget, PendingApproval, Step } from '../automation/types.ts';
import type { AgentModelCallOutput, AgentToolCall, AgentToolRef, AgentTurn, AgentUsage } from './contracts.ts';

const { resolveAutomationVersion } = proxyActivities<Activities>(AUTOMATION_RESOLVE_ACTIVITY_OPTIONS);
const { loadAgentThread, saveAgentThread } = proxyActivities<Activities>(AGENT_MEMORY_ACTIVITY_OPTIONS);
const { agentModelCall, runConnectorAction, mcpCallTool, ragRetrieve, notifyApproval } = proxyActivities<Activities>(LLM_ACTIVITY_OPTIONS);

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
  memory?: { thread: string; maxTokens?: number | undefined; summarize?: AgentMemorySummarize | undefined } | undefined;
  budget?: { maxTokens?: number | undefined; maxCost?: number | undefined } | undefined;
}

/** `memory.summarize`: when the thread passes a size, older turns become one summary. */
export interface AgentMemorySummarize {
  afterTokens?: number | undefined;
  afterMessages?: number | undefined;
  keepMessages?: number | undefined;
  maxTokens?: number | undefined;
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

const DEFAULT_KEEP_MESSAGES = 4;
const DEFAULT_SUMMARY_TOKENS = 500;
/** How a summary begins in the stored thread (a user message, so the thread still starts at one). */
export const SUMMARY_PREFIX = 'Summary of the earlier conversation:\n';
const SUMMARY_SYSTEM =
  'You summarise conversations for an assistant that will continue them. Write a concise summary of the conversation below: ' +
  'facts the user stated, decisions, tool calls made and their outcomes, and open questions. Plain text, no preamble.';
const SUMMARY_LINE = 2000;

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
        // Only steps with `memory.summarize` reach patched(): others store as they always did.
        if (step.memory.summarize && patched(AGENT_MEMORY_SUMMARY_PATCH)) messages.splice(0, messages.length, ...(await summarizeOlder(def, rt, step, messages, usage, price, transcript)));
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
  // Only tools with `notify` reach patched(): calls of other tools issue the commands they always did.
  let notified = false;
  if (ref.notify?.length && patched(AGENT_TOOL_NOTIFY_PATCH)) {
    await notifyApprovers(def, rt, ref.notify, pending, suffix);
    notified = true;
  }
  let p: ReturnType<StepRuntime['approvals']['get']>;
  try {
    // After notices (which take time), the wait ends at the deadline they announced.
    await condition(() => rt.approvals.get(approvalId)?.outcome !== undefined, notified ? Math.max(1, Date.parse(expiresAt) - Date.now()) : timeout);
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

/**
 * Asks a tool call's approvers where they work — the approval step's channels and its
 * `notifyApproval` activity (a Slack message with buttons, an email per approver with
 * signed links), one activity per entry. Like the approval step's, a failed notice is
 * recorded on the step and the wait goes on.
 */
async function notifyApprovers(def: Step, rt: StepRuntime, targets: ApprovalNotifyTarget[], pending: PendingApproval, suffix: string): Promise<void> {
  const { stepId, approvers, quorum, expiresAt, title, description, context, message } = pending;
  const automationName = String((rt.context().run as { name?: unknown } | undefined)?.name ?? '');
  const request = { automationName, stepId, approvers, quorum, expiresAt, title, description, context, message };
  for (const [i, target] of targets.entries()) {
    const kind = 'slack' in target ? 'slack' : 'email';
    const options = { ...rt.activityOptions(def, `${def.id}: notify ${kind} of ${stepId}`, `${suffix}.notify.${i}`), startToCloseTimeout: '2 minutes', heartbeatTimeout: '1 minute' };
    try {
      await notifyApproval.executeWithOptions(options, [{ target, request }]);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      rt.stateOf(def).error = { code: 'NOTIFY_FAILED', message: `${stepId} notify[${i}] (${kind}): ${err.cause?.message ?? err.message}` };
    }
  }
}

/** Estimated tokens of messages, as the thread store counts them (≈ 4 characters a token). */
const threadTokens = (messages: readonly LlmMessage[]): number => Math.ceil(JSON.stringify(messages).length / 4);

/** A message as one line of the text the summariser reads. */
function summaryLine(m: LlmMessage): string {
  const clip = (t: string) => (t.length > SUMMARY_LINE ? `${t.slice(0, SUMMARY_LINE)}…` : t);
  if (m.role === 'tool') return `Tool ${m.name} returned: ${clip(m.content)}`;
  if (m.role === 'assistant') {
    const calls = (m.toolCalls ?? []).map((c) => ` [called ${c.name} with ${clip(JSON.stringify(c.arguments))}]`).join('');
    return `Assistant: ${clip(m.content)}${calls}`;
  }
  return m.content.startsWith(SUMMARY_PREFIX) ? `Earlier summary: ${m.content.slice(SUMMARY_PREFIX.length)}` : `${m.role === 'user' ? 'User' : 'System'}: ${clip(m.content)}`;
}

/**
 * The thread to store: when `messages` pass `memory.summarize`'s size, everything before the
 * newest `keepMessages` (widened back to a user message) is replaced by one summary the step's
 * model writes — an `agentModelCall` activity, so a replay reads it from history and it is
 * priced and budgeted like the step's other calls. Over budget or failed: stored unsummarised
 * (trimmed as without `summarize`), the reason on the step's error.
 */
async function summarizeOlder(def: Step, rt: StepRuntime, step: AgentStep, messages: LlmMessage[], usage: AgentUsage, price: AgentModelCallOutput['price'], transcript: AgentTurn[]): Promise<LlmMessage[]> {
  const s = step.memory!.summarize!;
  const tokens = threadTokens(messages);
  const over = (s.afterTokens !== undefined && tokens > s.afterTokens) || (s.afterMessages !== undefined && messages.length > s.afterMessages);
  if (!over) return messages;
  let start = Math.max(0, messages.length - (s.keepMessages ?? DEFAULT_KEEP_MESSAGES));
  while (start > 0 && messages[start]!.role !== 'user') start--;
  if (start === 0) return messages;
  const older = messages.slice(0, start);
  const request: LlmMessage[] = [{ role: 'user', content: older.map(summaryLine).join('\n') }];
  const estimate = estimateTokens({ system: SUMMARY_SYSTEM, messages: request });
  const state = rt.stateOf(def);
  try {
    checkBudgets(rt, step, usage, estimate, price);
  } catch (err) {
    state.error = { code: 'SUMMARY_SKIPPED', message: `memory of thread ${step.memory!.thread} not summarised: ${(err as Error).message}` };
    return messages;
  }
  let res: AgentModelCallOutput;
  try {
    res = await agentModelCall.executeWithOptions(rt.activityOptions(def, `${def.id}: summary of ${older.length} older messages of thread ${step.memory!.thread}`, 'memory.summary'), [
      { connection: step.connection, model: step.model, system: SUMMARY_SYSTEM, messages: request, maxTokens: s.maxTokens ?? DEFAULT_SUMMARY_TOKENS, tools: [], offerTools: false },
    ]);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    state.error = { code: 'SUMMARY_FAILED', message: `memory of thread ${step.memory!.thread} not summarised: ${err.cause?.message ?? err.message}` };
    return messages;
  }
  addUsage(usage, res.usage);
  addUsage(rt.tokens.usage as AgentUsage, res.usage);
  const summary = (res.text ?? '').trim();
  transcript.push({ kind: 'memory', at: new Date().toISOString(), summarized: older.length, text: preview(summary), usage: res.usage });
  if (!summary) return messages;
  return [{ role: 'user', content: `${SUMMARY_PREFIX}${summary}` }, ...messages.slice(start)];
}
