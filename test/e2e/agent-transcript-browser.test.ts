/**
 * The live transcript of an agent run on the console's run page, in a real browser against
 * a real stack (API, worker, Temporal dev server, SQLite) and local fakes of OpenAI and Jira:
 * the first tool call and its approval appear while the run waits; rejecting and approving
 * in the page moves the run on, and the next model turn, the tool result and the answer
 * appear on the same page (it polls; never reloaded) as the run progresses.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startFakeJira, type FakeJira } from '../support/fakes/jira-api.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fakes/openai.ts';
import { createAutomation, getRun, startRun, waitForRun } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

describe('agent transcript on the run page (browser e2e)', () => {
  let stack: TestStack;
  let model: FakeOpenAi;
  let jira: FakeJira;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    model = await startFakeOpenAi({ apiKey: 'sk-good' });
    jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token-1' });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    for (const json of [
      { connector: 'openai', name: 'model', config: { baseUrl: model.baseUrl, model: 'fake-1', pricing: { currency: 'EUR', models: { 'fake-1': { input: 1000, output: 2000 } } } }, secrets: { apiKey: 'sk-good' } },
      { connector: 'jira', name: 'jira', config: { baseUrl: jira.url, email: 'bot@example.com' }, secrets: { apiToken: 'jira-token-1' } },
    ]) {
      expect((await stack.api('/api/v1/connections', { method: 'POST', json })).status).toBe(201);
    }
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await model?.close();
    await jira?.close();
  });

  it('shows each model turn, tool call, approval and result while the run goes on', async () => {
    const auto = await createAutomation(stack, {
      name: 'Live agent',
      trigger: { type: 'manual' },
      steps: [{ id: 'triage', type: 'agent', connection: 'model', prompt: 'Alert: {{ input.alert }}', tools: [{ connection: 'jira', action: 'create_issue', requireApproval: true }] }],
    });
    model.script.push(
      { content: 'The disk is full; a ticket lets ops fix it.', toolCalls: [{ id: 'call_a', name: 'jira_create_issue', arguments: { projectKey: 'WEB', summary: 'Disk full' } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
      { content: 'Filing in OPS instead.', toolCalls: [{ id: 'call_b', name: 'jira_create_issue', arguments: { projectKey: 'OPS', summary: 'Disk full on web-1' } }], usage: { prompt_tokens: 150, completion_tokens: 10 } },
      { content: 'Filed OPS-1.', usage: { prompt_tokens: 200, completion_tokens: 5 } },
    );

    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const { body } = await startRun(stack, auto.id, { alert: 'disk full on web-1' });
    const wf = body.workflowId;
    await page.goto(`${stack.baseUrl}/runs/${encodeURIComponent(wf)}`);

    const turns = page.locator('ol.transcript > li');
    // The first model turn with its tool call, and the approval it waits for, before the run completes.
    await turns.nth(1).waitFor({ timeout: 30_000 });
    await expect.poll(() => turns.allInnerTexts(), { timeout: 15_000 }).toEqual([
      expect.stringMatching(/Model, round 1.*100 tokens in, 10 out · 0\.12 EUR[\s\S]*The disk is full; a ticket lets ops fix it\.[\s\S]*calls jira_create_issue \{"projectKey":"WEB","summary":"Disk full"\}/),
      expect.stringMatching(/Approval of jira_create_issue: waiting/),
    ]);
    expect((await getRun(stack, wf))!.status).toBe('waiting_approval');
    expect(jira.created).toHaveLength(0);

    // Reject in the page with a comment; the page (not reloaded) shows the decision and the next turn.
    const pending = page.getByRole('region', { name: 'Waiting for approval' });
    await pending.getByText('triage.round1.tool1', { exact: true }).waitFor();
    await pending.getByLabel('Comment').fill('wrong project, use OPS');
    await pending.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => turns.count(), { timeout: 30_000 }).toBe(5);
    const texts = await turns.allInnerTexts();
    expect(texts[1]).toMatch(/Approval of jira_create_issue: rejected by .+: wrong project, use OPS/);
    expect(texts[2]).toMatch(/Tool jira_create_issue failed[\s\S]*rejected by .+: wrong project, use OPS/);
    expect(texts[3]).toMatch(/Model, round 2[\s\S]*calls jira_create_issue \{"projectKey":"OPS","summary":"Disk full on web-1"\}/);
    expect(texts[4]).toMatch(/Approval of jira_create_issue: waiting/);
    expect((await getRun(stack, wf))!.status).toBe('waiting_approval');

    await pending.getByText('triage.round2.tool1', { exact: true }).waitFor();
    await pending.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => turns.count(), { timeout: 30_000 }).toBe(7);
    const final = await turns.allInnerTexts();
    expect(final[4]).toMatch(/Approval of jira_create_issue: approved by /);
    expect(final[5]).toMatch(/Tool jira_create_issue returned[\s\S]*"key":"OPS-/);
    expect(final[6]).toMatch(/Model, round 3[\s\S]*Filed OPS-1\./);
    await waitForRun(stack, wf, (r) => r.status === 'completed', 'the run to complete');
    expect(jira.created).toHaveLength(1);
    // The sign-in page's session probe answers 401 before signing in; no script error.
    expect(pageErrors.filter((e) => !/status of 40[0-4]/.test(e))).toEqual([]);
  }, 120_000);
});
