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
});
