/**
 * zod schema of an approval step's `notify` list: where the step asks its approvers
 * (a Slack channel with Approve / Reject buttons, an email with signed links). The
 * sending happens in the `notifyApproval` activity (activities/approval-notify.ts);
 * docs/concepts/approvals.md ("Slack and email").
 *
 * @example
 * notify: [{ slack: { connection: 'slack-ops', channel: '#refunds' } }, { email: { connection: 'smtp' } }]
 */
import { z } from 'zod';

const slackTarget = z
  .object({
    slack: z
      .object({
        connection: z.string().min(1).describe('a Slack connection (id or name) with a bot token and a signing secret'),
        channel: z.string().min(1).max(200).describe('channel id or #name the message is posted to'),
      })
      .strict(),
  })
  .strict();

const emailTarget = z
  .object({
    email: z
      .object({
        connection: z.string().min(1).describe('an `email` (SMTP) or `sendgrid` connection (id or name)'),
        to: z
          .union([z.email(), z.array(z.email()).min(1).max(50)])
          .optional()
          .describe('addresses for a step that names no approvers (each gets its own links); approvers are mailed at their principal email'),
      })
      .strict(),
  })
  .strict();

/** One place an approval step sends its request to. */
export const approvalNotifyTarget = z.union([slackTarget, emailTarget]);

export const approvalNotifySchema = z.array(approvalNotifyTarget).min(1).max(10).describe('where approvers are asked: Slack messages with buttons, emails with signed links');

/** Cross-field checks of `notify` against the step (paths relative to the step). */
export function approvalNotifyIssues(step: { approvers?: string[] | undefined; notify?: z.infer<typeof approvalNotifySchema> | undefined }): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  step.notify?.forEach((n, i) => {
    if (!('email' in n)) return;
    const named = (step.approvers?.length ?? 0) > 0;
    if (named && n.email.to !== undefined) issues.push({ path: ['notify', i, 'email', 'to'], message: 'the step names approvers: they are mailed at their principal email (PUT /api/v1/principals/:name); `to` is only for steps that name none' });
    if (!named && n.email.to === undefined) issues.push({ path: ['notify', i, 'email', 'to'], message: 'the step names no approvers: `to` must say who is mailed' });
  });
  return issues;
}
