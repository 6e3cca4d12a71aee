/**
 * The console in a real browser against a real stack (API, worker, Temporal dev server,
 * SQLite) and a local Slack fake: sign in, create a Slack connection through the form
 * generated from its JSON Schemas, Test Connection, see the webhook URL; build an
 * automation in the graph editor, save it, run it, approve it in the inbox, and see the
 * run complete and the Slack fake receive the message.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

// `npm run screenshots` sets this: every page is captured at 1280 and 390 px wide.
const SCREENSHOT_DIR = process.env['SWITCHBOARD_SCREENSHOTS'];

describe('console (browser e2e)', () => {
  let stack: TestStack;
  let slack: FakeServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let connectionId = '';
  let approvalFlowId = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    slack = await fakeServer((req, res) => {
      if (req.url === '/auth.test') return sendJson(res, 200, { ok: true, user: 'switchbot', team: 'Acme' });
      if (req.url === '/chat.postMessage') return sendJson(res, 200, { ok: true, channel: 'C1', ts: '1.2' });
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
    });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
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

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await slack?.close();
  });

  it('signs in with an API key into a cookie session, keeping the key out of browser storage', async () => {
    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('API key').waitFor();
    await shoot('sign-in');
    await page.getByLabel('API key').fill('wrong-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid API key' }).waitFor();

    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'sb_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // Page code as text: the test's tsconfig has no DOM types.
    const stored = String(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie'));
    expect(stored).not.toContain(TEST_API_KEY);
    expect(stored).not.toContain('sb_session');

    await page.reload();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
  });

  it('creates a Slack connection through the generated form, tests it and shows the webhook URL', async () => {
    await page.getByRole('link', { name: 'New connection' }).click();
    await page.getByLabel('Connector').selectOption('slack');
    await page.getByLabel('Name', { exact: true }).fill('Team Slack');
    // Fields generated from the connector's config and secrets JSON Schemas.
    await page.locator('#config_baseUrl').fill(slack.url);
    await page.locator('#secrets_botToken').fill('xoxb-console-test');
    expect(await page.locator('#secrets_botToken').getAttribute('type')).toBe('password');

    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Connection OK: authenticated as switchbot in Acme' }).waitFor();
    expect(slack.requests.map((r) => r.url)).toEqual(['/auth.test']);
    expect(slack.requests[0]!.headers.authorization).toBe('Bearer xoxb-console-test');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/connections\/conn_/);
    connectionId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByRole('heading', { name: 'Team Slack' }).waitFor();
    await page.getByText('botToken: set').waitFor();
    expect(await page.getByRole('textbox', { name: 'Webhook URL' }).inputValue()).toBe(`${stack.baseUrl}/webhooks/slack/${connectionId}`);

    // Saved and untouched: the test runs on the stored secrets (POST /connections/:id/test).
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => slack.requests.length).toBe(2);
    await page.getByRole('status').filter({ hasText: 'Connection OK' }).waitFor();
    await shoot('connection');

    const res = await stack.api(`/api/v1/connections/${connectionId}`);
    const saved = (await res.json()) as { config: { baseUrl: string }; secretFields: string[] };
    expect(saved.config.baseUrl).toBe(slack.url);
    expect(saved.secretFields).toEqual(['botToken']);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('link', { name: 'Team Slack' }).waitFor();
    await shoot('connections');
  });

  it('builds an automation in the graph editor, saves it, runs it and approves it in the inbox', async () => {
    await page.getByRole('link', { name: 'Automations' }).click();
    await page.getByRole('link', { name: 'New automation' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Console approval flow');

    await page.getByLabel('Step type').selectOption('approval');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.locator('#step-approvers').fill('lead');

    await page.getByLabel('Step type').selectOption('action');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByTestId('node-action1').waitFor();
    await page.getByLabel('Connection', { exact: true }).selectOption(connectionId);
    await page.getByLabel('Action', { exact: true }).selectOption('send_message');
    // The action's input form comes from its input JSON Schema.
    await page.locator('#input_channel').fill('#general');
    await page.locator('#input_text').fill('Approved from the console');

    const yamlText = await page.locator('.cm-content').innerText();
    expect(yamlText).toContain('type: approval');
    expect(yamlText).toContain(`connection: ${connectionId}`);
    expect(yamlText).toContain('text: Approved from the console');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1' }).waitFor();
    const automationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const stored = (await (await stack.api(`/api/v1/automations/${automationId}`)).json()) as { definition: { steps: { id: string; type: string }[] } };
    expect(stored.definition.steps.map((s) => [s.id, s.type])).toEqual([
      ['approval1', 'approval'],
      ['action1', 'action'],
    ]);

    await shoot('automation-editor');
    await page.getByRole('link', { name: 'Automations' }).click();
    await page.getByRole('link', { name: 'Console approval flow' }).waitFor();
    await shoot('automations');
    await page.getByRole('link', { name: 'Console approval flow' }).click();

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\//);
    await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor({ timeout: 30_000 });

    await page.getByRole('link', { name: 'Approvals' }).click();
    // The inbox is GET /approvals?mine=true: the bootstrap principal is not an approver of
    // this step, but its admin key may act for one and widen the inbox.
    await page.getByText('Nothing is waiting for a decision.').waitFor({ timeout: 15_000 });
    await page.getByLabel('Also those I may decide for others').check();
    const card = page.locator('.card').filter({ hasText: 'approval1' });
    await card.waitFor({ timeout: 15_000 });
    await card.getByText('Who else may decide').waitFor();
    expect(await card.locator('dd').nth(2).innerText()).toBe('lead');
    expect(await card.getByLabel('Decide as').inputValue()).toBe('lead');
    await card.getByLabel('Comment').fill('ship it');
    await shoot('approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing is waiting for a decision.').waitFor({ timeout: 15_000 });
    const decidedHere = page.getByRole('region', { name: 'Decided here' });
    await decidedHere.getByText(/Approved approval1 of .* by lead \(decided by bootstrap\) at .*: “ship it”/).waitFor();

    await page.getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('link', { name: new RegExp(automationId) }).first().waitFor();
    await shoot('runs');
    await page.getByRole('link', { name: new RegExp(automationId) }).first().click();
    await page.locator('.badge.status-completed').first().waitFor({ timeout: 30_000 });
    await page.locator('.step.status-completed').filter({ hasText: 'action1' }).waitFor();
    // The trigger, and per step its attempts and how long it took.
    await page.getByRole('region', { name: 'Trigger' }).getByText('Started by hand by bootstrap.').waitFor();
    await page.locator('.step').filter({ hasText: 'action1' }).getByText(/^1 attempt · started .* · took \d/).waitFor();
    await shoot('run');
    approvalFlowId = automationId;

    // The runs page's concurrency-key filter: a run of a keyed automation is found by its key
    // (the URL keeps it), the approval flow's run (no key) is not, and an unknown key finds nothing.
    const keyed = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: { name: 'One per customer', trigger: { type: 'manual' }, concurrency: { limit: 1, key: '{{ input.customer }}' }, steps: [{ id: 'noop', type: 'transform', output: '{{ input.customer }}' }] },
    });
    expect(keyed.status, await keyed.clone().text()).toBe(201);
    const keyedId = ((await keyed.json()) as { id: string }).id;
    const keyedRun = await stack.api(`/api/v1/automations/${keyedId}/runs`, { method: 'POST', json: { input: { customer: 'acme' } } });
    expect(keyedRun.status).toBe(202);
    const keyedWorkflowId = ((await keyedRun.json()) as { workflowId: string }).workflowId;
    await page.getByRole('link', { name: 'Runs' }).click();
    const filters = page.getByRole('group', { name: 'Filters' });
    await filters.getByLabel('Concurrency key').fill('acme');
    // The previous page stays on screen while the filtered one loads: wait for the approval flow's run to go.
    await expect.poll(() => page.getByRole('link', { name: new RegExp(automationId) }).count(), { timeout: 15_000 }).toBe(0);
    await page.getByRole('link', { name: keyedWorkflowId }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('concurrencyKey')).toBe('acme');
    await filters.getByRole('button', { name: 'Cancel matching runs' }).waitFor();
    await filters.getByLabel('Concurrency key').fill('nobody');
    await page.getByText('No runs match.').waitFor({ timeout: 15_000 });
    await filters.getByLabel('Concurrency key').fill('');
    await page.getByRole('link', { name: new RegExp(automationId) }).first().waitFor({ timeout: 15_000 });

    const posts = slack.requests.filter((r) => r.url === '/chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!.body)).toMatchObject({ channel: '#general', text: 'Approved from the console' });
  });

  it('saves a second version and shows the diff between two versions', async () => {
    await page.getByRole('link', { name: 'Automations' }).click();
    await page.getByRole('link', { name: 'Console approval flow' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Console approval flow v2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 2' }).waitFor();
    const diff = page.getByLabel('Changes from version 1 to version 2');
    await diff.locator('.removed', { hasText: '- name: Console approval flow' }).waitFor();
    await diff.locator('.added', { hasText: '+ name: Console approval flow v2' }).waitFor();
    expect(await diff.locator('.added, .removed').count()).toBe(2);
  });

  it('shows API validation errors at their paths in the editor', async () => {
    await page.goto(stack.baseUrl + '/automations/new');
    await page.getByLabel('Step type').selectOption('wait');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel('Id', { exact: true }).fill('bad id!');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').locator('code', { hasText: /^steps\.0\.id$/ }).waitFor();
    // The graph marks the node the problem points at.
    await page.locator('.flow-node.invalid', { hasText: 'bad id!' }).waitFor();
    expect(await page.locator('.flow-node.invalid').count()).toBe(1);
  });

  it('draws try and switch as containers with a slot per list, nests steps into them and saves them', async () => {
    await page.goto(stack.baseUrl + '/automations/new');
    await page.getByLabel('Name', { exact: true }).fill('Console blocks');
    await page.getByLabel('Step type').selectOption('try');
    await page.getByRole('button', { name: 'Add step' }).click();
    for (const list of ['steps', 'catch', 'finally']) await page.getByTestId(`slot-steps.0.${list}`).waitFor();
    // A step added with the catch slot selected goes into catch.
    await page.getByTestId('slot-steps.0.catch').click();
    await page.getByLabel('Step type').selectOption('stop');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByTestId('node-stop1').waitFor();
    await page.getByTestId('slot-steps.0.steps').click();
    await page.getByLabel('Step type').selectOption('wait');
    await page.getByRole('button', { name: 'Add step' }).click();
    // The switch after the try: one slot per case and default; cases are added in the inspector.
    await page.getByTestId('node-try1').click();
    await page.getByLabel('Step type').selectOption('switch');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByTestId('slot-steps.1.default').waitFor();
    await page.getByRole('button', { name: 'Add case' }).click();
    await page.getByTestId('slot-steps.1.cases.1.steps').waitFor();
    // A duplicate case is refused by the API at its path, then fixed.
    await page.getByLabel('case 2 equals').fill('"high"');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').locator('code', { hasText: /^steps\.1\.cases\.1\.equals$/ }).waitFor();
    await page.getByLabel('case 2 equals').fill('{"level": 2}');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1' }).waitFor();
    const automationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const stored = (await (await stack.api(`/api/v1/automations/${automationId}`)).json()) as { definition: { steps: Record<string, unknown>[] } };
    expect(stored.definition.steps[0]).toMatchObject({ id: 'try1', type: 'try', steps: [{ id: 'wait1', type: 'wait' }], catch: [{ id: 'stop1', type: 'stop', status: 'completed' }], finally: [] });
    expect(stored.definition.steps[1]).toMatchObject({ id: 'switch1', type: 'switch', cases: [{ equals: 'high', steps: [] }, { equals: { level: 2 }, steps: [] }], default: [] });
    // Reloaded from the API, the graph draws the same containers.
    await page.reload();
    for (const slot of ['steps.0.catch', 'steps.1.cases.1.steps', 'steps.1.default']) await page.getByTestId(`slot-${slot}`).waitFor();
    await page.getByTestId('node-stop1').waitFor();
  });

  it('the inbox and the public approval link say what is decided; the link approves or rejects with a comment and answers with HTML pages', async () => {
    const res = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: {
        name: 'Refund desk',
        trigger: { type: 'manual' },
        steps: [
          {
            id: 'notify',
            type: 'action',
            connection: connectionId,
            action: 'send_message',
            input: { channel: '#ops', text: 'Review: {{ run.approvalLinks.review.lead.approve }} {{ run.approvalLinks.review.ops.approve }}' },
          },
          {
            id: 'review',
            type: 'approval',
            approvers: ['lead', 'ops'],
            quorum: 2,
            timeout: '1d',
            onTimeout: 'reject',
            title: 'Refund {{ input.amount }} € to {{ input.email }}?',
            description: 'Order {{ input.order }} arrived broken.',
            context: [{ label: 'Order', value: '{{ input.order }}' }],
          },
        ],
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const start = async (input: object): Promise<{ links: string[]; workflowId: string }> => {
      const before = slack.requests.length;
      const run = await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input } });
      expect(run.status).toBe(202);
      const { workflowId } = (await run.json()) as { workflowId: string };
      await expect.poll(() => slack.requests.length, { timeout: 20_000 }).toBe(before + 1);
      const text = (JSON.parse(slack.requests[before]!.body) as { text: string }).text;
      return { links: text.slice('Review: '.length).split(' '), workflowId };
    };
    const { links: [leadLink, opsLink], workflowId } = await start({ amount: 42, email: 'ada@example.com', order: 'A-17' });
    const title = 'Refund 42 € to ada@example.com?';

    // The inbox (everyone's) names the automation and shows the rendered title and context.
    await page.goto(stack.baseUrl + '/approvals');
    await page.getByLabel('Also those I may decide for others').check();
    const card = page.locator('.card').filter({ hasText: workflowId });
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole('heading', { name: /^Refund desk · step review$/ }).waitFor();
    await card.getByText(title, { exact: true }).waitFor();
    await card.getByText('Order A-17 arrived broken.').waitFor();
    expect(await card.getByRole('heading').first().innerText()).not.toContain(id);
    // So does the run page.
    await page.goto(`${stack.baseUrl}/runs/${encodeURIComponent(workflowId)}`);
    await page.getByText(title, { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByText('Refund desk', { exact: true }).waitFor();

    const approver = await context.newPage();
    await approver.goto(leadLink!);
    await approver.getByRole('heading', { name: title }).waitFor();
    for (const text of ['Refund desk', 'Order A-17 arrived broken.', 'A-17', 'lead', 'lead, ops (2 approvals needed)', 'No decisions yet.']) await approver.getByText(text, { exact: true }).first().waitFor();
    expect(await approver.content()).not.toContain('Deciding as');
    expect(await approver.locator('dl').innerText()).not.toContain(id);
    if (SCREENSHOT_DIR) for (const width of [1280, 390]) {
      await approver.setViewportSize({ width, height: 800 });
      await approver.screenshot({ path: `${SCREENSHOT_DIR}/approval-link-${width}.png`, fullPage: true });
    }
    await approver.getByLabel('Comment (optional)').fill('looks <b>good</b>');
    await approver.getByRole('button', { name: 'Approve' }).click();
    await approver.getByRole('heading', { name: 'Approved' }).waitFor();
    expect(approver.url()).toBe(leadLink);
    const outcome = await approver.locator('dl').innerText();
    expect(outcome).toMatch(/By\s+lead/);
    expect(outcome).toContain('looks <b>good</b>');
    expect(outcome).toMatch(/At\s+\w{3}, \d{2} \w{3} \d{4}/);

    // The used link is gone (410, a page saying so with who decided), for GET and POST alike.
    const gone = await approver.goto(leadLink!);
    expect(gone!.status()).toBe(410);
    await approver.getByRole('heading', { name: 'This approval is no longer open' }).waitFor();
    await approver.getByText(/^Approved by lead at /).waitFor();
    const again = await fetch(leadLink!, { method: 'POST', headers: { accept: 'text/html' } });
    expect(again.status).toBe(410);
    expect(again.headers.get('content-type')).toMatch(/text\/html/);
    const json = await fetch(leadLink!, { method: 'POST' });
    expect(json.status).toBe(409);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');

    // The second approver's page shows the decision so far, and rejects with a comment from its approve link.
    await approver.goto(opsLink!);
    await approver.getByText(/^Approved by lead at .* — “looks <b>good<\/b>”$/).waitFor();
    await approver.getByLabel('Comment (optional)').fill('not this time');
    await approver.getByRole('button', { name: 'Reject' }).click();
    await approver.getByRole('heading', { name: 'Rejected' }).waitFor();
    expect(await approver.locator('dl').innerText()).toMatch(/By\s+ops[\s\S]*not this time/);
    await expect.poll(async () => ((await (await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}`)).json()) as { status: string }).status, { timeout: 20_000 }).toBe('completed');
    const review = ((await (await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}`)).json()) as { steps: { id: string; output: { decision: string; decisions: { approver: string; comment: string }[] } }[] }).steps.find((s) => s.id === 'review')!;
    expect(review.output.decision).toBe('reject');
    expect(review.output.decisions.map((d) => [d.approver, d.comment])).toEqual([['lead', 'looks <b>good</b>'], ['ops', 'not this time']]);

    // A link of an approval decided without it (the run moved on) is gone too.
    const { links: [, unusedOps], workflowId: second } = await start({ amount: 7, email: 'bo@example.com', order: 'B-2' });
    const decided = await stack.api(`/api/v1/runs/${encodeURIComponent(second)}/approvals/review`, { method: 'POST', json: { decision: 'reject', approver: 'lead', comment: 'no' } });
    expect(decided.status, await decided.clone().text()).toBe(200);
    await expect.poll(async () => (await fetch(unusedOps!)).status, { timeout: 20_000 }).toBe(410);
    const page410 = await fetch(unusedOps!);
    expect(page410.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page410.text()).toContain('This approval is no longer open');
    await approver.close();
  });

  it('selects a node from the keyboard-reachable node list', async () => {
    await page.goto(stack.baseUrl + '/automations/new');
    await page.getByLabel('Configure').selectOption({ label: 'trigger (manual)' });
    await page.getByLabel('Type', { exact: true }).selectOption('webhook');
    await page.getByLabel('Connection', { exact: true }).selectOption(connectionId);
    expect(await page.locator('.cm-content').innerText()).toContain(`connection: ${connectionId}`);
  });

  it('sends a test event with an editable sample payload to a webhook automation', async () => {
    const res = await stack.api('/api/v1/automations', {
      method: 'POST',
      json: {
        name: 'Mentions',
        trigger: { type: 'webhook', connection: connectionId, events: ['slack.app_mention'], filter: "payload.event.text != 'ignore'" },
        steps: [{ id: 'echo', type: 'transform', output: '{{ trigger.event & ": " & input.event.text }}' }],
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${stack.baseUrl}/automations/${id}`);
    const form = page.getByRole('region', { name: 'Send test event' });
    expect(await form.getByLabel('Event type').inputValue()).toBe('slack.app_mention');

    await form.getByLabel('Sample payload (JSON)').fill('{ not json');
    await form.getByRole('button', { name: 'Send test event' }).click();
    await form.getByRole('alert').getByText(/The payload is not JSON/).waitFor();
    // The API refuses what a real delivery would not start, at its path.
    await form.getByLabel('Sample payload (JSON)').fill('{ "event": { "text": "ignore" } }');
    await form.getByRole('button', { name: 'Send test event' }).click();
    await form.getByRole('alert').locator('code', { hasText: /^payload$/ }).waitFor();
    await form.getByLabel('Event type').fill('slack.message');
    await form.getByRole('button', { name: 'Send test event' }).click();
    await form.getByRole('alert').locator('code', { hasText: /^type$/ }).waitFor();

    await form.getByLabel('Event type').fill('slack.app_mention');
    await form.getByLabel('Sample payload (JSON)').fill('{ "event": { "text": "hello from a test" } }');
    await shoot('test-event');
    await form.getByRole('button', { name: 'Send test event' }).click();
    await page.waitForURL(/\/runs\/run/);
    await page.locator('.badge.status-completed').first().waitFor({ timeout: 30_000 });
    const trigger = page.getByRole('region', { name: 'Trigger' });
    await trigger.getByText('test event').waitFor();
    expect(JSON.parse(await trigger.getByLabel('Trigger payload').innerText())).toEqual({ event: { text: 'hello from a test' } });
    expect(await page.locator('.step').filter({ hasText: 'echo' }).locator('pre').textContent()).toBe('"slack.app_mention: hello from a test"');
    await shoot('test-event-run');
  });

  it('a key without connections:write sees no write action it may not use, and the API refuses it', async () => {
    // A key for the approver "lead" that may read everything and decide, but write nothing.
    const created = await stack.api('/api/v1/api-keys', {
      method: 'POST',
      json: { name: 'viewer', principal: 'lead', scopes: ['connections:read', 'automations:read', 'runs:read', 'approvals:read', 'approvals:decide'] },
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const run = (await (await stack.api(`/api/v1/automations/${approvalFlowId}/runs`, { method: 'POST', json: { input: {} } })).json()) as { workflowId: string };

    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await viewerContext.newPage();
    viewer.on('pageerror', (err) => pageErrors.push(err.message));
    await viewer.goto(stack.baseUrl + '/');
    await viewer.getByLabel('API key').fill(key);
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('heading', { name: 'Connections' }).waitFor();
    await viewer.locator('.who', { hasText: 'lead' }).waitFor();
    await viewer.getByRole('link', { name: 'Team Slack' }).waitFor();
    expect(await viewer.getByRole('link', { name: 'New connection' }).count()).toBe(0);

    await viewer.getByRole('link', { name: 'Team Slack' }).click();
    await viewer.getByRole('heading', { name: 'Team Slack' }).waitFor();
    for (const name of ['Save', 'Test connection', 'Delete']) expect(await viewer.getByRole('button', { name }).count(), name).toBe(0);
    expect(await viewer.locator('#config_baseUrl').isDisabled()).toBe(true);
    await viewer.goto(stack.baseUrl + '/connections/new');
    await viewer.getByLabel('Connector').waitFor();
    expect(await viewer.getByLabel('Connector').isDisabled()).toBe(true);
    expect(await viewer.getByRole('button', { name: 'Save' }).count()).toBe(0);

    await viewer.getByRole('link', { name: 'Automations' }).click();
    await viewer.getByRole('link', { name: 'Mentions' }).waitFor();
    expect(await viewer.getByRole('link', { name: 'New automation' }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Mentions' }).click();
    await viewer.getByLabel('Definition text').waitFor();
    await viewer.getByRole('heading', { name: 'Versions' }).waitFor();
    for (const name of ['Save', 'Run now', 'Send test event']) expect(await viewer.getByRole('button', { name }).count(), name).toBe(0);

    // Its inbox (mine=true) has the step it is an approver of; it decides as itself only.
    await viewer.getByRole('link', { name: 'Approvals' }).click();
    const card = viewer.locator('.card').filter({ hasText: run.workflowId });
    await card.waitFor({ timeout: 15_000 });
    expect(await viewer.getByLabel('Also those I may decide for others').count()).toBe(0);
    await card.getByText('Deciding as').waitFor();
    expect(await card.locator('dd').nth(2).innerText()).toBe('nobody else');
    await viewer.goto(`${stack.baseUrl}/runs/${encodeURIComponent(run.workflowId)}`);
    await viewer.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    await viewerContext.close();

    // The API refuses what the console hid, naming the scope.
    const refused = await fetch(`${stack.baseUrl}/api/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connector: 'slack', name: 'sneaky', config: { baseUrl: slack.url }, secrets: { botToken: 'xoxb-x' } }),
    });
    expect(refused.status).toBe(403);
    const err = (await refused.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('FORBIDDEN');
    expect(err.error.message).toContain('connections:write');
    expect(((await (await stack.api('/api/v1/connections')).json()) as { items: { name: string }[] }).items.map((c) => c.name)).not.toContain('sneaky');
    await stack.api(`/api/v1/runs/${encodeURIComponent(run.workflowId)}/cancel`, { method: 'POST', json: {} });
  });

  it('reloads what a change touched and forgets one key’s data when another signs in', async () => {
    // The list shows the server's answer: a toggle is seen only once the list reloaded after the PUT.
    await page.getByRole('link', { name: 'Automations' }).click();
    const toggle = page.getByRole('switch', { name: 'Console approval flow v2 enabled' });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');
    const off = (await (await stack.api(`/api/v1/automations/${approvalFlowId}`)).json()) as { version: number; definition: { enabled?: boolean } };
    expect(off.definition.enabled).toBe(false);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
    expect(((await (await stack.api(`/api/v1/automations/${approvalFlowId}`)).json()) as { version: number }).version).toBe(off.version + 1);

    // Cancelling a waiting run: its page reloads and says so.
    const run = (await (await stack.api(`/api/v1/automations/${approvalFlowId}/runs`, { method: 'POST', json: { input: {} } })).json()) as { workflowId: string };
    await page.goto(`${stack.baseUrl}/runs/${encodeURIComponent(run.workflowId)}`);
    await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor({ timeout: 30_000 });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('.page-head .badge').filter({ hasText: /^cancell?ed$/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);

    // The admin's connection list is cached on the Events page; a key that may not read
    // connections, signed in on the same page, must not see it.
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('option', { name: 'Team Slack (slack)' }).waitFor({ state: 'attached' });
    const created = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'events-only', principal: 'auditor', scopes: ['events:read'] } });
    const { key } = (await created.json()) as { key: string };
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.who', { hasText: 'auditor' }).waitFor();
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await page.getByLabel('Connection').waitFor();
    expect(await page.getByRole('option').allInnerTexts()).toEqual(['All']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.who', { hasText: 'bootstrap' }).waitFor();
  });

  it('deletes a connection after confirmation', async () => {
    await page.goto(`${stack.baseUrl}/connections/${connectionId}`);
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Delete' }).click();
    expect((await stack.api(`/api/v1/connections/${connectionId}`)).status).toBe(200);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/connections$/);
    expect((await stack.api(`/api/v1/connections/${connectionId}`)).status).toBe(404);
  });

  it('logged no page errors', () => {
    expect(pageErrors.filter((e) => !/status of 40[0-4]/.test(e))).toEqual([]);
  });
});
