/**
 * Email approvals in a real browser: an admin sets a principal's email on the console's
 * People page, an approval step with `notify: email` mails that approver through a real
 * SMTP server, and Chromium opens the emailed link and approves with a comment; the run
 * continues with the decision (channel `email`), and the spent link reads as closed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { smtpFake, type SmtpFake } from '../support/smtp-fake.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

const SMTP = { username: 'mailer', password: 'smtp-secret-password-3' };

describe('email approvals (browser e2e)', () => {
  let stack: TestStack;
  let smtp: SmtpFake;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    smtp = await smtpFake(SMTP);
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await smtp?.close();
  });

  it('sets an email on the People page; the emailed link approves in the browser', async () => {
    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    await page.getByLabel('Principal').fill('dana');
    await page.getByLabel('Email').fill('dana@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved dana.' }).waitFor();
    await page.getByRole('cell', { name: 'dana@example.com' }).waitFor();
    const saved = (await (await stack.api('/api/v1/principals')).json()) as { items: { name: string; email: string | null }[] };
    expect(saved.items).toEqual([expect.objectContaining({ name: 'dana', email: 'dana@example.com' })]);

    const conn = await stack.api('/api/v1/connections', {
      method: 'POST',
      json: { name: 'smtp', connector: 'email', config: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Switchboard <bot@example.com>' }, secrets: SMTP },
    });
    expect(conn.status).toBe(201);
    const { id } = await createAutomation(stack, {
      name: 'Expenses',
      trigger: { type: 'manual' },
      steps: [
        { id: 'review', type: 'approval', approvers: ['dana'], timeout: '1h', onTimeout: 'fail', title: 'Expense {{ input.amount }} EUR for {{ input.who }}?', notify: [{ email: { connection: 'smtp' } }] },
        { id: 'after', type: 'transform', output: '{{ steps.review.output.comment }}' },
      ],
    });
    const { body } = await startRun(stack, id, { amount: 310, who: 'Sam' });
    const mail = await waitFor(async () => smtp.messages.find((m) => m.to.includes('dana@example.com')), 'the approval email');
    const text = mail.raw.replace(/=\r?\n/g, '');
    expect(text).toContain('Subject: Approval needed: Expense 310 EUR for Sam?');
    const approve = /Approve: (http:\/\/127\.0\.0\.1:\d+\/approval-links\/[A-Za-z0-9_.-]+)/.exec(text)![1]!;

    await page.goto(approve);
    await page.getByRole('heading', { name: 'Expense 310 EUR for Sam?' }).waitFor();
    await page.getByLabel('Comment (optional)').fill('receipts attached');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'Approved' }).waitFor();
    expect(await page.locator('body').innerText()).toContain('dana');

    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed', 'the run to complete');
    expect(run.steps.find((s) => s.id === 'review')!.output).toMatchObject({ decision: 'approve', approver: 'dana', comment: 'receipts attached', channel: 'email' });
    expect(run.steps.find((s) => s.id === 'after')!.output).toBe('receipts attached');
    const again = await page.goto(approve);
    expect(again!.status()).toBe(410);
    expect(pageErrors).toEqual([]);
  });
});
