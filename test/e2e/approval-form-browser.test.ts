/**
 * Approval forms in the console, in a real browser: an approval step with a `form` (text,
 * integer, enum, checkbox) asks two approvers. In the inbox, an approve with the form
 * unfilled is refused by the server (the paths shown, still pending); filled, it approves.
 * On the run page the decision record shows the values, and the second approver decides
 * there (act-as) with values of their own. The run's output and decision record hold both.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { createAutomation, getRun, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

type Decision = { approver: string; decision: string; channel?: string; comment: string | null; form?: Record<string, unknown> };

describe('approval forms in the console (browser e2e)', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('fills the form in the inbox and on the run page; the decision record holds the values', async () => {
    const { id } = await createAutomation(stack, {
      name: 'Supplier payments',
      trigger: { type: 'manual' },
      steps: [
        {
          id: 'review',
          type: 'approval',
          approvers: ['bootstrap', 'lead'],
          quorum: 2,
          timeout: '1h',
          onTimeout: 'fail',
          title: 'Pay {{ input.supplier }} {{ input.amount }} EUR?',
          form: {
            type: 'object',
            required: ['reason', 'budget'],
            properties: {
              reason: { type: 'string', title: 'Reason', minLength: 3 },
              budget: { type: 'integer', title: 'Budget line', minimum: 1000, maximum: 9999 },
              priority: { type: 'string', title: 'Priority', enum: ['low', 'normal', 'high'] },
              recurring: { type: 'boolean', title: 'Recurring payment' },
            },
          },
        },
        { id: 'after', type: 'transform', output: '{{ steps.review.output.form.reason }}' },
      ],
    });
    const { body } = await startRun(stack, id, { supplier: 'Acme GmbH', amount: 1200 });
    await waitFor(async () => (await getRun(stack, body.workflowId))?.status === 'waiting_approval' || undefined, 'the run to park');

    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Approvals' }).click();
    const card = page.locator('.card').filter({ hasText: 'Supplier payments' });
    await card.getByText('Pay Acme GmbH 1200 EUR?').waitFor({ timeout: 30_000 });

    // Unfilled: the server refuses it with the fields' paths; nothing is decided.
    await card.getByRole('button', { name: 'Approve' }).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/form\.reason/);
    expect(await alert.innerText()).toMatch(/form\.budget/);
    expect(((await getRun(stack, body.workflowId))!.pendingApprovals[0] as unknown as { decisions: Decision[] }).decisions).toEqual([]);

    // Filled in: approves as bootstrap (the key's principal).
    await card.getByLabel('Reason').fill('annual maintenance');
    await card.getByLabel('Budget line').fill('4100');
    await card.getByLabel('Priority').selectOption('high');
    await card.getByLabel('Recurring payment').check();
    await card.getByLabel('Comment').fill('within budget');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('region', { name: 'Decided here' }).getByText(/Approved review of .* by bootstrap at .*: “within budget”/).waitFor();

    // The run page: the decision record shows the values; lead decides there (for them).
    await page.goto(`${stack.baseUrl}/runs/${encodeURIComponent(body.workflowId)}`);
    const record = page.locator('table.decisions').first();
    await record.waitFor();
    const row = record.getByRole('row').filter({ hasText: 'bootstrap' });
    expect(await row.innerText()).toContain('reason: annual maintenance; budget: 4100; priority: high; recurring: true');
    expect(await row.innerText()).toContain('Console');
    await page.getByLabel('Decide as').selectOption('lead');
    await page.getByLabel('Reason').fill('seen the contract');
    await page.getByLabel('Budget line').fill('4100');
    await page.getByRole('button', { name: 'Approve' }).click();

    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    const out = run.steps.find((s) => s.id === 'review')!.output as { decision: string; form: Record<string, unknown>; decisions: Decision[] };
    expect(out.decision).toBe('approve');
    expect(out.decisions).toEqual([
      expect.objectContaining({ approver: 'bootstrap', channel: 'console', comment: 'within budget', form: { reason: 'annual maintenance', budget: 4100, priority: 'high', recurring: true } }),
      expect.objectContaining({ approver: 'lead', decidedBy: 'bootstrap', channel: 'console', form: { reason: 'seen the contract', budget: 4100 } }),
    ]);
    expect(out.form).toEqual({ reason: 'seen the contract', budget: 4100 });
    expect(run.steps.find((s) => s.id === 'after')!.output).toBe('seen the contract');
    // The finished approval's record on the run page shows both.
    await page.reload();
    await page.getByRole('table').filter({ hasText: 'Step review' }).getByRole('row').filter({ hasText: 'seen the contract' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
