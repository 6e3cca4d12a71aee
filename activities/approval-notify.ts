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
import type { ApprovalRequest } from '../src/approvals/request.ts';
import { approvalBlocks } from '../src/approvals/slack-message.ts';
import { issueStepLinks, type LinkPair } from '../src/approvals/links.ts';
import { buildHttp, prepareConnection, runPreparedAction } from '../src/connector-host/run-action.ts';
import { Redactor } from '../src/security/redact.ts';
import type { ApprovalNotifyTarget } from '../workflows/automation/types.ts';
import { toApplicationFailure } from './connector-action.ts';
import type { ActivityDeps } from './deps.ts';

export interface NotifyApprovalInput {
  target: ApprovalNotifyTarget;
  request: Omit<ApprovalRequest, 'workflowId'>;
  /** Set on escalation: only these (added) approvers are mailed, and Slack says it escalated. */
  escalatedTo?: string[];
}

export type NotifyApprovalResult = { slack: { channel: string; ts: string } } | { email: { sent: number; withoutEmail: string[] } };

const EMAIL_CONNECTORS = ['email', 'sendgrid'];

export function createApprovalNotifyActivities(deps: ActivityDeps) {
  const { fetch, resolveHost } = deps.outbound;
  return {
    async notifyApproval({ target, request, escalatedTo }: NotifyApprovalInput): Promise<NotifyApprovalResult> {
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
          const { text, blocks } = approvalBlocks(r, deps.config.publicUrl, escalatedTo ? { escalatedTo } : {});
          const posted = await callSlack<{ channel?: string; ts?: string }>(ctx, 'chat.postMessage', { channel: target.slack.channel, text, blocks, unfurl_links: false });
          return { slack: { channel: String(posted.channel ?? target.slack.channel), ts: String(posted.ts ?? '') } };
        }
        if (!EMAIL_CONNECTORS.includes(prepared.connector.key)) {
          throw ApplicationFailure.nonRetryable(`connection "${connectionRef}" is a ${prepared.connector.key} connection, not email or sendgrid`, 'CONFIG_INVALID');
        }
        // Recipients: each named approver (a group's members, each with links of their own) at
        // its principal email, else the `to` addresses.
        const asked = await expandGroups(deps.orm.em.fork(), escalatedTo ?? r.approvers);
        const emails = await emailsOf(deps.orm.em.fork(), asked);
        const recipients: { address: string; approver: string | undefined }[] = asked.length
          ? asked.flatMap((a) => (emails.has(a) ? [{ address: emails.get(a)!, approver: a }] : []))
          : [target.email.to ?? []].flat().map((address) => ({ address, approver: undefined }));
        const withoutEmail = asked.filter((a) => !emails.has(a));
        if (recipients.length === 0) throw ApplicationFailure.nonRetryable(`no approver of step ${r.stepId} has an email (PUT /api/v1/principals/:name)`, 'NOT_FOUND');
        const done = new Set<string>((info.heartbeatDetails as { sent?: string[] } | undefined)?.sent ?? []);
        const ttlMs = Math.max(1_000, Date.parse(r.expiresAt) - Date.now());
        for (const rcpt of recipients) {
          if (done.has(rcpt.address)) continue;
          const step = { stepId: r.stepId, approvers: rcpt.approver ? [rcpt.approver] : [] };
          const issued = issueStepLinks(deps.keyring, deps.config.publicUrl, workflowId, step, ttlMs, 'email');
          const links = (rcpt.approver ? (issued as Record<string, LinkPair>)[rcpt.approver] : issued) as LinkPair;
          const mail = approvalEmail(r, links, deps.config.publicUrl, rcpt.approver);
          await runPreparedAction(prepared, 'send_email', { to: rcpt.address, ...mail }, { ...opts, idempotencyKey: `${workflowId}:${info.activityId}:${rcpt.address}` });
          done.add(rcpt.address);
          heartbeat({ sent: [...done] });
        }
        return { email: { sent: done.size, withoutEmail } };
      } catch (err) {
        throw toApplicationFailure(err, redactor);
      }
    },
  };
}
