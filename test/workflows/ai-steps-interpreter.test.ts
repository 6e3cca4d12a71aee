/**
 * AI steps in the automation interpreter on the time-skipping server, with the real
 * activities and the local OpenAI-compatible fake: the run's token ledger survives
 * continue-as-new, messages are templated, and activity summaries carry token usage.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStateQuery } from '../../workflows/automation/definitions.ts';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';

describe('AI steps in the interpreter (time-skipping server)', () => {
  let h: InterpreterHarness;
  let model: FakeOpenAi;
  let llm: string;
  beforeAll(async () => {
    model = await startFakeOpenAi({ apiKey: 'sk-good' });
    h = await startInterpreterHarness({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    llm = await h.createConnection('openai', { apiKey: 'sk-good' }, { baseUrl: model.baseUrl, model: 'fake-1' });
  });
  afterAll(async () => {
    await h?.close();
    await model?.close();
  });

  it('keeps the run token ledger across continue-as-new: the third call would cross budget.maxTokens and is never made', async () => {
    model.defaultReply = () => ({ content: 'ok', usage: { prompt_tokens: 70, completion_tokens: 10 } });
    const waits = (p: string) => Array.from({ length: 6 }, (_, i) => ({ id: `${p}${i}`, type: 'wait', duration: '1m' }));
    const before = model.requests.length;
    const handle = await h.start(
      {
        name: 'budgeted',
        trigger: { type: 'manual' },
        budget: { maxTokens: 150 },
        steps: [
          { id: 'a', type: 'llm', connection: llm, prompt: 'Say {{ input.word }}.' },
          ...waits('w'),
          { id: 'b', type: 'llm', connection: llm, messages: [{ role: 'user', content: 'Again: {{ steps.a.output.text }}' }] },
          ...waits('x'),
          { id: 'c', type: 'llm', connection: llm, prompt: 'Once more.' },
        ],
      },
      { word: 'hello' },
      { historyLimit: 20 },
    );
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as { type?: string }).type).toBe('BUDGET_EXCEEDED');
    const desc = await handle.describe();
    expect(desc.runId).not.toBe(handle.firstExecutionRunId);

    const state = await handle.query(runStateQuery);
    expect(state.usage).toEqual({ inputTokens: 140, outputTokens: 20 });
    expect(state.steps.find((s) => s.id === 'c')).toMatchObject({ status: 'failed', error: { code: 'BUDGET_EXCEEDED' } });
    expect(state.steps.find((s) => s.id === 'b')).toMatchObject({ status: 'completed', output: { usage: { inputTokens: 70, outputTokens: 10 } } });

    const sent = model.requests.slice(before).map((r) => (r.body as { messages: { content: string }[] }).messages.at(-1)!.content);
    expect(sent).toEqual(['Say hello.', 'Again: ok']);

    // The activity summaries (Temporal UI) name the step and the run's token usage so far.
    const summaries: string[] = [];
    // Follow the continue-as-new chain from the first run to the last.
    for (let runId: string | undefined = handle.firstExecutionRunId; runId; ) {
      const history = await h.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      runId = undefined;
      for (const e of history.events ?? []) {
        const data = e.activityTaskScheduledEventAttributes ? e.userMetadata?.summary?.data : undefined;
        if (data) summaries.push(JSON.parse(Buffer.from(data).toString('utf8')) as string);
        runId = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? runId;
      }
    }
    const llmSummaries = summaries.filter((s) => /llm/.test(s));
    expect(llmSummaries).toHaveLength(2);
    expect(llmSummaries[0]).toMatch(/^a: llm via conn_[\w-]+: ~\d+ tokens in; run used 0\/150 tokens$/);
    expect(llmSummaries[1]).toMatch(/^b: llm via conn_[\w-]+: ~\d+ tokens in; run used 80\/150 tokens$/);
  });

  /**
   * A loop body of an llm step and 99 more steps (a switch whose case never matches): 6,000
   * events / (6 × 100 steps) = 10 items per execution, so 25 items run in three child batches.
   */
  const batchedLoop = (budget?: number) => ({
    name: 'batched llm loop',
    trigger: { type: 'manual' as const },
    ...(budget !== undefined ? { budget: { maxTokens: budget } } : {}),
    steps: [
      {
        id: 'loop',
        type: 'foreach',
        items: '{{ input.items }}',
        steps: [
          { id: 'ask', type: 'llm', connection: llm, prompt: 'Item {{ item }}' },
          { id: 'never', type: 'switch', value: '{{ item }}', cases: [{ equals: 'never', steps: Array.from({ length: 98 }, (_, i) => ({ id: `t${i}`, type: 'transform', output: i })) }] },
        ],
        output: '{{ steps.ask.output.text }}',
      },
    ],
  });

  it('counts the tokens of llm steps in foreach batches (child workflows) in the run: usage and budget.maxTokens', async () => {
    model.defaultReply = () => ({ content: 'ok', usage: { prompt_tokens: 60, completion_tokens: 40 } });
    const items = Array.from({ length: 25 }, (_, i) => i);

    // No budget: all 25 calls, each batch's 100 tokens a call in the run's usage.
    const free = await h.start(batchedLoop(), { items });
    const done = await free.result();
    expect((done.outputs['loop'] as { count: number }).count).toBe(25);
    const history = await free.fetchHistory();
    expect(history.events!.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length).toBe(3);
    expect((await free.query(runStateQuery)).usage).toEqual({ inputTokens: 1500, outputTokens: 1000 });

    // A budget of 1,000 tokens: the first batch's ten calls use it up; the second batch's first call is never made.
    const before = model.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const capped = await h.start(batchedLoop(1000), { items });
    const err = await capped.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(model.requests.filter((r) => r.path === '/v1/chat/completions').length - before).toBe(10);
    const state = await capped.query(runStateQuery);
    expect(state.usage).toEqual({ inputTokens: 600, outputTokens: 400 });
    expect(state.steps.find((s) => s.id === 'loop')).toMatchObject({ status: 'failed', error: { code: 'BUDGET_EXCEEDED', message: expect.stringMatching(/^item 10 at step ask failed: token budget of the run is 1000; 1000 used/) } });
  });
});
