/**
 * The console's Events page, nested graph editing, live validation and scope-aware
 * navigation, in a real browser against a real stack (API, worker, Temporal dev
 * server, SQLite): GitHub deliveries signed like GitHub signs them, one unparsed.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { eventWorkflowId, runWorkflowId } from '../../src/temporal/constants.ts';
import { launchChromium } from '../support/browser.ts';
import { createAutomation, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

// `npm run screenshots` sets this: every page is captured at 1280 and 390 px wide.
const SCREENSHOT_DIR = process.env['SWITCHBOARD_SCREENSHOTS'];
const SECRET = 'console-events-secret';

describe('console events, nested graph and validation (browser e2e)', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let github = '';
  let logging = '';
  let automationId = '';
  const opened = randomUUID();
  const garbled = randomUUID();
  const pageErrors: string[] = [];

  const post = (delivery: string, body: string) =>
    deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(body, SECRET),
    });

  async function shoot(name: string): Promise<void> {
    if (!SCREENSHOT_DIR) return;
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function signIn(p: Page, key: string): Promise<void> {
    await p.goto(stack.baseUrl + '/');
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('navigation', { name: 'Main' }).waitFor();
  }

  beforeAll(async () => {
    stack = await startTestStack();
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    logging = await createTestConnection(stack.services, 'logging', {});
    automationId = (
      await createAutomation(stack, {
        name: 'Log opened issues',
        trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
        steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'opened' } }],
      })
    ).id;
    expect((await post(opened, JSON.stringify({ action: 'opened', issue: { number: 7, title: 'Console shows me' } }))).status).toBe(202);
    expect((await post(garbled, '{not json')).status).toBe(202);
    // The same signed delivery twice more: answered 200 with the same ids, counted as duplicates.
    for (let i = 0; i < 2; i++) expect((await post(opened, JSON.stringify({ action: 'opened', issue: { number: 7, title: 'Console shows me' } }))).status).toBe(200);
    await waitForRun(stack, runWorkflowId(automationId, eventWorkflowId('github', github, opened)), (r) => r.status === 'completed', 'the run to complete');
    await waitFor(async () => {
      const res = await stack.api(`/api/v1/events?connectionId=${github}`);
      return ((await res.json()) as { items: unknown[] }).items.length === 2 ? true : undefined;
    }, 'two recorded events');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    await signIn(page, TEST_API_KEY);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('lists deliveries with the runs they started, marks the unparsed one, shows one with its payload and redelivers it', async () => {
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    const openedRow = page.locator('tr').filter({ hasText: 'github.issues.opened' });
    await openedRow.getByText('1 run').waitFor({ timeout: 15_000 });
    expect(await openedRow.locator('td').nth(1).innerText()).toBe('github');
    // The connection's name once the connections have loaded (its id until then).
    await expect.poll(() => openedRow.locator('td').nth(2).innerText(), { timeout: 15_000 }).toBe('github test');
    const garbledRow = page.locator('tr.unparsed');
    expect(await garbledRow.count()).toBe(1);
    await garbledRow.getByText('github.unparsed').waitFor();
    await garbledRow.getByText('unparsed', { exact: true }).waitFor();
    await garbledRow.getByText('no subscriber').waitFor();
    expect(await page.getByTestId(`duplicates-${opened}`).innerText()).toBe('2');
    expect(await page.getByTestId(`duplicates-${garbled}`).innerText()).toBe('0');
    await shoot('events');

    // Filter: unparsed only.
    await page.getByLabel('Unparsed only').check();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Unparsed only').uncheck();

    await page.getByRole('link', { name: `github.issues.opened ${opened}` }).click();
    await page.getByRole('heading', { name: /Event github\.issues\.opened/ }).waitFor();
    expect(JSON.parse(await page.getByLabel('Event payload').innerText())).toEqual({ action: 'opened', issue: { number: 7, title: 'Console shows me' } });
    const firstRun = runWorkflowId(automationId, eventWorkflowId('github', github, opened));
    await page.getByRole('link', { name: firstRun }).waitFor();
    expect(await page.getByTestId('event-duplicates').innerText()).toMatch(/^2 \(delivered again with the same id/);
    await shoot('event');

    await page.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByRole('status').filter({ hasText: 'Redelivered: 1 run started' }).waitFor();
    const runs = page.getByRole('region', { name: 'Runs it started' });
    await expect.poll(() => runs.getByRole('link').count(), { timeout: 15_000 }).toBe(2);
    await runs.getByText(/redelivery/).waitFor();
    await page.getByRole('link', { name: firstRun }).click();
    await page.getByRole('region', { name: 'Trigger' }).waitFor();

    // The unparsed delivery keeps its raw body.
    await page.goto(`${stack.baseUrl}/events/${encodeURIComponent(eventWorkflowId('github', github, garbled))}`);
    await page.getByText('The body of this delivery could not be parsed').waitFor();
    expect(JSON.parse(await page.getByLabel('Event payload').innerText())).toMatchObject({ raw: '{not json' });
    await page.getByText('No automation subscribed to it when it arrived.').waitFor();
  });

  it('nests steps into a condition and a parallel step in the graph, keeping the YAML in step', async () => {
    await page.goto(stack.baseUrl + '/automations/new');
    await page.getByLabel('Name', { exact: true }).fill('Nested from the console');
    await page.getByLabel('Step type').selectOption('condition');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel('If (expression)').fill('input.n > 1');
    await page.getByTestId('slot-steps.0.then').waitFor();
    await page.getByTestId('slot-steps.0.else').waitFor();

    // Select the "then" slot (the keyboard way: the node list) and add a step into it.
    await page.getByLabel('Configure').selectOption({ label: 'condition1 → then' });
    await page.getByText('Adds into then of condition1').waitFor();
    await page.getByLabel('Step type').selectOption('transform');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByTestId('node-transform1').waitFor();

    // A parallel step after the condition, with a wait in its second branch and a third branch.
    await page.getByLabel('Configure').selectOption({ label: 'condition1 (condition)' });
    await page.getByLabel('Step type').selectOption('parallel');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByRole('button', { name: 'Add branch' }).click();
    await page.getByTestId('slot-steps.1.branches.2').waitFor();
    await page.getByTestId('slot-steps.1.branches.1').click();
    await page.getByLabel('Step type').selectOption('wait');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByTestId('node-wait1').waitFor();

    const yaml = parseYaml(await page.locator('.cm-content').innerText()) as unknown;
    expect(yaml).toEqual({
      name: 'Nested from the console',
      trigger: { type: 'manual' },
      steps: [
        { id: 'condition1', type: 'condition', if: 'input.n > 1', then: [{ id: 'transform1', type: 'transform', output: {} }], else: [] },
        { id: 'parallel1', type: 'parallel', branches: [[], [{ id: 'wait1', type: 'wait', duration: '1m' }], []] },
      ],
    });
    // Edges along each chain (trigger→condition1→parallel1, then→transform1, branch 2→wait1)
    // and into each slot (then, else, three branches).
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 15_000 }).toBe(9);
    await page.getByRole('region', { name: 'Problems' }).waitFor({ state: 'detached' });
    await shoot('automation-nested');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1' }).waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const stored = (await (await stack.api(`/api/v1/automations/${id}`)).json()) as { definition: unknown };
    expect(stored.definition).toEqual(yaml);
  });

  it('configures every step type with a form generated from its JSON Schema, keeping the YAML in step', async () => {
    await page.goto(stack.baseUrl + '/automations/new');
    await page.getByLabel('Name', { exact: true }).fill('Forms from schemas');
    const add = async (type: string, id: string) => {
      await page.getByLabel('Configure').selectOption('');
      await page.getByLabel('Step type').selectOption(type);
      await page.getByRole('button', { name: 'Add step' }).click();
      await page.getByTestId(`node-${id}`).waitFor();
      await page.getByRole('heading', { name: `Step ${id} (${type})` }).waitFor();
    };
    await add('transform', 'transform1');
    await page.locator('#step-output').fill('{"greeting": "Hello {{ input.name }}"}');
    await page.locator('#step-retry-maxAttempts').fill('3');
    await page.getByLabel('On error').fill('continue');
    await add('llm', 'llm1');
    await page.locator('#step-connection').fill('conn_llm');
    await page.locator('#step-prompt').fill('Summarise {{ input.text }}');
    await page.locator('#step-maxTokens').fill('200');
    await add('rag_retrieve', 'rag_retrieve1');
    await page.locator('#step-index').fill('docs');
    await page.locator('#step-query').fill('{{ input.text }}');
    await page.locator('#step-topK').fill('5');
    await add('mcp_tool', 'mcp_tool1');
    await page.locator('#step-server').fill('mcp_1');
    await page.locator('#step-tool').fill('search');
    // Free JSON: a draft that does not parse yet stays local and is flagged.
    await page.locator('#step-args').fill('{"q": ');
    await page.getByText(/^Not JSON yet/).waitFor();
    await page.locator('#step-args').fill('{"q": "x"}');
    await add('automation', 'automation1');
    await page.locator('#step-automation').fill(automationId);
    await page.locator('#step-input').fill('{"n": 1}');
    await add('approval', 'approval1');
    await page.locator('#step-approvers').fill('lead, ops');
    await page.locator('#step-onTimeout').fill('approve');
    await add('wait', 'wait1');
    await page.locator('#step-duration').fill('');
    await page.getByLabel('Until (expression)').fill('input.deadline');

    await expect
      .poll(() => page.locator('.cm-content').innerText().then((t) => (parseYaml(t) as { steps: unknown[] }).steps), { timeout: 10_000 })
      .toEqual([
        { id: 'transform1', type: 'transform', output: { greeting: 'Hello {{ input.name }}' }, retry: { maxAttempts: 3 }, onError: 'continue' },
        { id: 'llm1', type: 'llm', connection: 'conn_llm', prompt: 'Summarise {{ input.text }}', maxTokens: 200 },
        { id: 'rag_retrieve1', type: 'rag_retrieve', index: 'docs', query: '{{ input.text }}', topK: 5 },
        { id: 'mcp_tool1', type: 'mcp_tool', server: 'mcp_1', tool: 'search', args: { q: 'x' } },
        { id: 'automation1', type: 'automation', automation: automationId, input: { n: 1 } },
        { id: 'approval1', type: 'approval', approvers: ['lead', 'ops'], timeout: '1d', onTimeout: 'approve' },
        { id: 'wait1', type: 'wait', until: 'input.deadline' },
      ]);
    // Selected again, a step's form shows its values.
    await page.getByLabel('Configure').selectOption({ label: 'llm1 (llm)' });
    expect(await page.locator('#step-maxTokens').inputValue()).toBe('200');
    await shoot('automation-forms');
  });

  it('shows validation problems at their nodes and fields while editing, before saving', async () => {
    await page.goto(stack.baseUrl + '/automations/new');
    await page.getByLabel('Step type').selectOption('condition');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel('Configure').selectOption({ label: 'condition1 → then' });
    await page.getByLabel('Step type').selectOption('action');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel('Connection', { exact: true }).selectOption(logging);
    await page.getByLabel('Action', { exact: true }).selectOption('log');
    await page.locator('#input_message').fill('checked');
    await page.getByLabel('Run only when (expression, optional)').fill('((( broken');

    const problems = page.getByRole('region', { name: 'Problems' });
    await problems.locator('code', { hasText: /^steps\.0\.then\.0\.when$/ }).waitFor();
    // The nested node is marked, not its condition; its inspector lists the problem.
    await page.locator('.flow-node.invalid', { hasText: 'action1' }).waitFor();
    expect(await page.locator('.flow-node.invalid').count()).toBe(1);
    await page.getByRole('list', { name: 'Problems of this node' }).getByText(/steps\.0\.then\.0\.when: /).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await shoot('automation-validation');

    await page.getByLabel('Run only when (expression, optional)').fill('input.ok = true');
    await problems.waitFor({ state: 'detached' });
    expect(await page.locator('.flow-node.invalid').count()).toBe(0);
  });

  it('hides the sections a key may not read and says which scope a page needs', async () => {
    const created = await stack.api('/api/v1/api-keys', {
      method: 'POST',
      json: { name: 'automations only', principal: 'builder', scopes: ['automations:read', 'connections:read'] },
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const limited = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await limited.newPage();
    p.on('pageerror', (err) => pageErrors.push(err.message));
    await signIn(p, key);
    const nav = p.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Automations' }).waitFor();
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Connections', 'Automations']);
    await p.goto(stack.baseUrl + '/events');
    await p.getByText('This key lacks the events:read scope.').waitFor();
    await p.goto(stack.baseUrl + `/automations/${automationId}`);
    await p.getByLabel('Definition text').waitFor();
    for (const name of ['Save', 'Run now']) expect(await p.getByRole('button', { name }).count(), name).toBe(0);
    await limited.close();
  });

  it('logged no page errors', () => {
    expect(pageErrors.filter((e) => !/status of 40[0-4]/.test(e))).toEqual([]);
  });
});
