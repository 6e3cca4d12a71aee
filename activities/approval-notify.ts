/**
 * `notifyApproval`: sends one `notify` entry of a parked approval step — a Slack
 * message with Approve / Reject buttons (chat.postMessage), or an email per recipient
 * with their own signed links (the connection's `send_email`). One activity per entry,
 * so a failed entry retries alone (on escalation, again for the approvers it added); an email activity remembers (heartbeat details)
 * whom it has mailed, so a retry never mails anyone twice. Neither its input nor its
 * result holds anything that decides: links are signed here and only mailed.
 */
import { activityInfo, cancellationSignal, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { callSlack } from '../connectors/slack/client.ts';
import type { SlackConfig, SlackSecrets } from '../connectors/slack/schemas.ts';
import { approvalEmail } from '../src/approvals/email-message.ts';
import { emailsOf } from '../src/approvals/principal-profiles.ts';
import { expandGroups } from '../src/approvals/groups.ts';
import { headlineOf, type ApprovalRequest } from '../src/approvals/request.ts';
import { approvalBlocks, mrkdwn } from '../src/approvals/slack-message.ts';
import { issueStepLinks, type LinkPair } from '../src/approvals/links.ts';
import { buildHttp, prepareConnection, runPreparedAction } from '../src/connector-host/run-action.ts';
import { Redactor } from '../src/security/redact.ts';
import type { ApprovalDecision, ApprovalNotifyTarget } from '../workflows/automation/types.ts';
import { toApplicationFailure } from './connector-action.ts';
import type { ActivityDeps } from './deps.ts';

export interface NotifyApprovalInput {
  target: ApprovalNotifyTarget;
  request: Omit<ApprovalRequest, 'workflowId'>;
  /** Set on escalation: only these (added) approvers are mailed, and Slack says it escalated. */
  escalatedTo?: string[];
  /**
   * Set on a reminder (its number): Slack replies in the thread of `thread` (the step's
   * message on that channel, shown in the channel too) or posts the request again, and
   * email goes again only to those who have not decided (`decided`).
   */
  reminder?: number;
  thread?: { channel: string; ts: string };
  decided?: string[];
}

/** The step's Slack messages to close when it ends: decided anywhere, timed out or cancelled. */
export interface CloseApprovalMessagesInput {
  request: Omit<ApprovalRequest, 'workflowId'>;
  messages: { connection: string; channel: string; ts: string }[];
  decisions: ApprovalDecision[];
  /** How it ended when no decision closed it ("Timed out …", "Cancelled …"). */
  ended?: string;
  /** Still waiting: show the decisions so far and keep the buttons (a decision came through another channel). */
  open?: boolean;
}

export type NotifyApprovalResult = { slack: { channel: string; ts: string } } | { email: { sent: number; withoutEmail: string[] } };

const EMAIL_CONNECTORS = ['email', 'sendgrid'];

export function createApprovalNotifyActivities(deps: ActivityDeps) {
  const { fetch, resolveHost } = deps.outbound;
  return {
    async notifyApproval({ target, request, escalatedTo, reminder, thread, decided }: NotifyApprovalInput): Promise<NotifyApprovalResult> {
      const info = activityInfo();
      const workflowId = info.workflowExecution?.workflowId ?? 'standalone';
      const r: ApprovalRequest = { ...request, workflowId };
      const connectionRef = 'slack' in target ? target.slack.connection : target.email.connection;
      let redactor = new Redactor();
      try {
        const prepared = await prepareConnection(deps.orm.em.fork(), deps.keyring, deps.connectors, connectionRef, { byName: true, cache: deps.connectionCache });
        redactor = prepared.redactor;
        const opts = { fetch, resolveHost, logger: deps.logger, signal: cancellationSignal(), heartbeat: (d?: unknown) => heartbeat(d) };
        if ('slack' in target) {
          if (prepared.connector.key !== 'slack') throw ApplicationFailure.nonRetryable(`connection "${connectionRef}" is a ${prepared.connector.key} connection, not slack`, 'CONFIG_INVALID');
          const ctx = { config: prepared.config as SlackConfig, secrets: prepared.secrets as SlackSecrets, http: buildHttp(prepared, fetch, resolveHost, opts.signal) };
          if (reminder !== undefined && thread) {
            // The buttons stay on the step's message; the reminder points at it from its thread.
            const text = reminderText(r);
            await callSlack(ctx, 'chat.postMessage', { channel: thread.channel, thread_ts: thread.ts, reply_broadcast: true, text, unfurl_links: false });
            return { slack: thread };
          }
          const { text, blocks } = approvalBlocks(r, deps.config.publicUrl, escalatedTo ? { escalatedTo } : {});
          const posted = await callSlack<{ channel?: string; ts?: string }>(ctx, 'chat.postMessage', { channel: target.slack.channel, text, blocks, unfurl_links: false });
          return { slack: { channel: String(posted.channel ?? target.slack.channel), ts: String(posted.ts ?? '') } };
        }
        if (!EMAIL_CONNECTORS.includes(prepared.connector.key)) {
          throw ApplicationFailure.nonRetryable(`connection "${connectionRef}" is a ${prepared.connector.key} connection, not email or sendgrid`, 'CONFIG_INVALID');
        }
        // Recipients: each named approver (a group's members, each with links of their own) at
        // its principal email, else the `to` addresses.
        const decidedBy = new Set(decided ?? []);
        const asked = (await expandGroups(deps.orm.em.fork(), escalatedTo ?? r.approvers)).filter((a) => !decidedBy.has(a));
        const emails = await emailsOf(deps.orm.em.fork(), asked);
        const recipients: { address: string; approver: string | undefined }[] = asked.length
          ? asked.flatMap((a) => (emails.has(a) ? [{ address: emails.get(a)!, approver: a }] : []))
          : [target.email.to ?? []].flat().map((address) => ({ address, approver: undefined }));
        const withoutEmail = asked.filter((a) => !emails.has(a));
        if (recipients.length === 0 && reminder !== undefined) return { email: { sent: 0, withoutEmail } };
        if (recipients.length === 0) throw ApplicationFailure.nonRetryable(`no approver of step ${r.stepId} has an email (PUT /api/v1/principals/:name)`, 'NOT_FOUND');
        const done = new Set<string>((info.heartbeatDetails as { sent?: string[] } | undefined)?.sent ?? []);
        const ttlMs = Math.max(1_000, Date.parse(r.expiresAt) - Date.now());
        for (const rcpt of recipients) {
          if (done.has(rcpt.address)) continue;
          const step = { stepId: r.stepId, approvers: rcpt.approver ? [rcpt.approver] : [] };
          const issued = issueStepLinks(deps.keyring, deps.config.publicUrl, workflowId, step, ttlMs, 'email');
          const links = (rcpt.approver ? (issued as Record<string, LinkPair>)[rcpt.approver] : issued) as LinkPair;
          const mail = approvalEmail(r, links, deps.config.publicUrl, rcpt.approver, reminder !== undefined ? { reminder: true } : {});
          await runPreparedAction(prepared, 'send_email', { to: rcpt.address, ...mail }, { ...opts, idempotencyKey: `${workflowId}:${info.activityId}:${rcpt.address}` });
          done.add(rcpt.address);
          heartbeat({ sent: [...done] });
        }
        return { email: { sent: done.size, withoutEmail } };
      } catch (err) {
        throw toApplicationFailure(err, redactor);
      }
    },

    /**
     * Updates the step's Slack messages once it has ended, whichever channel decided it
     * (or none: timed out, cancelled): the outcome and the decisions, no buttons; with
     * `open`, while it still waits, the decisions so far with the buttons. Each
     * message is tried; a failure is thrown after the others were updated.
     */
    async closeApprovalMessages({ request, messages, decisions, ended, open }: CloseApprovalMessagesInput): Promise<{ updated: number }> {
      const workflowId = activityInfo().workflowExecution?.workflowId ?? 'standalone';
      const r: ApprovalRequest = { ...request, workflowId };
      const { text, blocks } = approvalBlocks(r, deps.config.publicUrl, { decisions, closed: !open, ...(ended && !open ? { ended } : {}) });
      let updated = 0;
      let failure: unknown;
      for (const m of messages) {
        let redactor = new Redactor();
        try {
          const prepared = await prepareConnection(deps.orm.em.fork(), deps.keyring, deps.connectors, m.connection, { byName: true, cache: deps.connectionCache });
          redactor = prepared.redactor;
          const ctx = { config: prepared.config as SlackConfig, secrets: prepared.secrets as SlackSecrets, http: buildHttp(prepared, fetch, resolveHost, cancellationSignal()) };
          await callSlack(ctx, 'chat.update', { channel: m.channel, ts: m.ts, text, blocks });
          updated++;
        } catch (err) {
          failure ??= toApplicationFailure(err, redactor);
        }
      }
      if (failure) throw failure;
      return { updated };
    },
  };
}

/** The text of a reminder in the thread of the request. */
function reminderText(r: ApprovalRequest): string {
  const at = new Date(r.expiresAt);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `:bell: Reminder: still waiting for a decision on *${mrkdwn(headlineOf(r))}* (decide by <!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>).`;
}
