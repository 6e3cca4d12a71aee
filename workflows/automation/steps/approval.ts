/**
 * Human-in-the-loop approval: waits for decisions (Temporal Update
 * `decideApproval`, handled in ../approvals.ts) until a deadline, sending reminder
 * actions on timers, then applies `onTimeout`.
 */
import { ApplicationFailure, CancellationScope, condition, isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities as InterpreterActivities } from '../../../activities/index.ts';
import { APPROVAL_CLOSE_MESSAGES_PATCH, APPROVAL_INDEX_PATCH, APPROVAL_NOTIFY_PATCH, APPROVAL_PROGRESS_MESSAGES_PATCH, APPROVAL_REMIND_NOTIFY_PATCH } from '../../../src/temporal/constants.ts';
import { TIMEOUT_APPROVER } from '../definitions.ts';
import { durationMs } from '../duration.ts';
import { GotoSignal } from '../../errors.ts';
import type { StepExecutor, StepRuntime } from '../runtime.ts';
import type { ApprovalDecision, ApprovalStep, PendingApproval } from '../types.ts';
import { runAction } from './action.ts';

/** Reminder times: `deadline - before + k*every`, strictly inside (start, deadline). */
export function reminderTimes(start: number, deadline: number, remind: ApprovalStep['remind']): number[] {
  if (!remind || (!remind.every && !remind.before)) return [];
  const before = remind.before ? durationMs(remind.before) : deadline - start;
  const every = remind.every ? durationMs(remind.every) : 0;
  const times: number[] = [];
  for (let t = deadline - before; t < deadline && times.length < 1000; t += every) {
    if (t > start) times.push(t);
    if (every <= 0) break;
  }
  return times;
}

/** The step output's escalation fields, present only on steps that can escalate. */
function escalation(step: ApprovalStep, escalatedAt: string | undefined): { escalated?: boolean; escalatedAt?: string } {
  if (!step.escalate) return {};
  return escalatedAt ? { escalated: true, escalatedAt } : { escalated: false };
}

/** A rendered template as text: objects as JSON, nothing as an empty string. */
function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The step's rendered `title`, `description` and `context` (only the fields it has). */
async function renderShown(step: ApprovalStep, rt: StepRuntime): Promise<Pick<PendingApproval, 'title' | 'description' | 'context'>> {
  const shown: Pick<PendingApproval, 'title' | 'description' | 'context'> = {};
  if (step.title !== undefined) shown.title = text(await rt.render(step.title));
  if (step.description !== undefined) shown.description = text(await rt.render(step.description));
  if (step.context !== undefined) {
    shown.context = [];
    for (const c of step.context) shown.context.push({ label: c.label, value: text(await rt.render(c.value)) });
  }
  return shown;
}

/** A Slack message the step posted (`target`: its index in `notify`), updated when the step ends. */
interface PostedMessage {
  target: number;
  connection: string;
  channel: string;
  ts: string;
}

/** What the Slack message and the email show of a pending approval. */
function requestOf(rt: StepRuntime, pending: PendingApproval) {
  const { stepId, approvers, quorum, expiresAt, title, description, context, message } = pending;
  const automationName = String((rt.context().run as { name?: unknown } | undefined)?.name ?? '');
  return { automationName, stepId, approvers, quorum, expiresAt, title, description, context, message };
}

/**
 * Sends the step's `notify` entries (Slack message, emails), one activity each, in order;
 * on escalation (`escalatedTo`), again for the approvers it added; on a reminder (`reminder`),
 * in the thread of the entry's message (`posted`) and to those who have not decided. Like
 * a reminder, a failed notification is recorded on the step and the wait goes on. Answers
 * the Slack messages it posted.
 */
async function notifyApprovers(step: ApprovalStep, rt: StepRuntime, pending: PendingApproval, escalatedTo?: string[], reminder?: { n: number; posted: PostedMessage[] }): Promise<PostedMessage[]> {
  const request = requestOf(rt, pending);
  const suffix = reminder ? `remind.${reminder.n}.notify` : escalatedTo ? 'escalate.notify' : 'notify';
  const posted: PostedMessage[] = [];
  for (const [i, target] of (step.notify ?? []).entries()) {
    const kind = 'slack' in target ? 'slack' : 'email';
    const { notifyApproval } = proxyActivities<InterpreterActivities>({ ...rt.activityOptions(step, `${step.id}: ${suffix} ${kind}`, `${suffix}.${i}`), startToCloseTimeout: '2 minutes', heartbeatTimeout: '1 minute' });
    const thread = reminder?.posted.find((m) => m.target === i);
    try {
      const result = await notifyApproval({
        target,
        request,
        ...(escalatedTo ? { escalatedTo } : {}),
        ...(reminder ? { reminder: reminder.n, decided: pending.decisions.map((d) => d.approver), ...(thread ? { thread: { channel: thread.channel, ts: thread.ts } } : {}) } : {}),
      });
      if ('slack' in target && 'slack' in result && result.slack.ts && !thread) posted.push({ target: i, connection: target.slack.connection, channel: result.slack.channel, ts: result.slack.ts });
    } catch (err) {
      rt.stateOf(step).error = { code: 'NOTIFY_FAILED', message: `notify[${i}] (${kind}): ${(err as Error).message}` };
    }
  }
  return posted;
}

/** How a step that no decision closed ended, as its Slack messages say it. */
function endedText(step: ApprovalStep, cancelled: boolean): string {
  if (cancelled) return 'Cancelled: the run was cancelled before a decision';
  const by = step.onTimeout === 'approve' ? ' (approved by default)' : step.onTimeout === 'reject' ? ' (rejected by default)' : '';
  return `Timed out: no decision before the deadline${by}`;
}

/**
 * Updates the step's Slack messages once it has ended (outcome, decisions, no buttons),
 * also when cancelled. A failure is recorded on the step; the run goes on.
 */
async function closeMessages(step: ApprovalStep, rt: StepRuntime, p: PendingApproval & { outcome?: 'approve' | 'reject' }, messages: PostedMessage[], cancelled: boolean, progress?: number): Promise<void> {
  const { closeApprovalMessages } = proxyActivities<InterpreterActivities>({
    ...rt.activityOptions(step, progress === undefined ? `${step.id}: close Slack messages` : `${step.id}: update Slack messages`, progress === undefined ? 'notify.close' : `notify.update.${progress}`),
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '30 seconds',
    retry: { maximumAttempts: 3, initialInterval: '2 seconds', backoffCoefficient: 2 },
  });
  try {
    await CancellationScope.nonCancellable(() =>
      closeApprovalMessages({
        request: requestOf(rt, p),
        messages: messages.map(({ connection, channel, ts }) => ({ connection, channel, ts })),
        decisions: p.decisions,
        ...(progress !== undefined ? { open: true } : p.outcome && !cancelled ? {} : { ended: endedText(step, cancelled) }),
      }),
    );
  } catch (err) {
    rt.stateOf(step).error = { code: 'NOTIFY_FAILED', message: `closing the Slack messages: ${(err as Error).message}` };
  }
}

/**
 * Who may not decide a step with `selfApproval: false`: the principal of a manual start
 * (API key or console user) and the deciders of the run's earlier approval steps (their
 * outputs' `decisions`, so the rule holds across continue-as-new). Pure: no command.
 */
export function refusedApprovers(step: ApprovalStep, context: { trigger?: unknown; steps?: Record<string, { output?: unknown } | undefined> }): string[] | undefined {
  if (step.selfApproval !== false) return undefined;
  const refused = new Set<string>();
  const trigger = context.trigger as { type?: unknown; principal?: unknown } | undefined;
  if (trigger?.type === 'manual' && typeof trigger.principal === 'string') refused.add(trigger.principal);
  for (const [id, entry] of Object.entries(context.steps ?? {})) {
    if (id === step.id) continue;
    const decisions = (entry?.output as { decisions?: unknown } | null | undefined)?.decisions;
    if (!Array.isArray(decisions)) continue;
    for (const d of decisions as { approver?: unknown }[]) if (typeof d?.approver === 'string' && d.approver !== TIMEOUT_APPROVER) refused.add(d.approver);
  }
  return [...refused];
}

export const approvalStep: StepExecutor<ApprovalStep> = {
  async run(step, rt) {
    const start = Date.now();
    const deadline = start + durationMs(step.timeout);
    const expiresAt = new Date(deadline).toISOString();
    const message = step.message === undefined ? undefined : String(await rt.render(step.message));
    // Rendered in the workflow (no activity), so steps without them emit the same commands.
    const shown = await renderShown(step, rt);
    // The inbox index rides on the status upserts below (no extra search-attribute command)
    // plus one memo command; runs parked before the patch replay without either.
    const indexed = patched(APPROVAL_INDEX_PATCH);
    rt.approvals.open(
      {
        stepId: step.id,
        approvers: step.approvers ?? [],
        quorum: step.quorum ?? 1,
        expiresAt,
        ...(message === undefined ? {} : { message }),
        ...shown,
        ...(step.form !== undefined ? { form: step.form } : {}),
        ...(step.selfApproval === false ? { refused: refusedApprovers(step, rt.context() as never) } : {}),
        decisions: [],
      },
      indexed,
    );
    const state = rt.stateOf(step);
    state.status = 'waiting';
    rt.setStatus('waiting_approval', `waiting for approval of ${step.id} until ${expiresAt}`, indexed ? rt.approvals.indexAttributes() : undefined);
    if (indexed) rt.approvals.publishMemo();
    // Only steps with `notify` reach patched(): steps without it issue the commands they always did.
    const posted: PostedMessage[] = [];
    if (step.notify?.length && patched(APPROVAL_NOTIFY_PATCH)) posted.push(...(await notifyApprovers(step, rt, rt.approvals.get(step.id)!)));
    // With Slack messages, each decision that does not close the step updates them (the decisions so far).
    const progress = posted.length > 0 && patched(APPROVAL_PROGRESS_MESSAGES_PATCH);
    let decisionsShown = 0;
    let updates = 0;
    const pending = () => rt.approvals.get(step.id);
    const reminders = reminderTimes(start, deadline, step.remind);
    let sent = 0;
    // Without `escalate` nothing below adds a timer or command (replay of older runs).
    let escalateAt = step.escalate ? start + durationMs(step.escalate.after) : undefined;
    let p: ReturnType<typeof pending>;
    let cancelled = false;
    try {
      for (;;) {
        const next = Math.min(reminders[0] ?? deadline, escalateAt ?? Infinity);
        const more = () => progress && (pending()?.decisions.length ?? 0) > decisionsShown;
        const woke = await condition(() => pending()?.outcome !== undefined || more(), Math.max(1, next - Date.now()));
        // Without `progress` this is the old `if (decided) break` (woke only when decided).
        if (woke && pending()?.outcome !== undefined) break;
        if (woke) {
          decisionsShown = pending()!.decisions.length;
          await closeMessages(step, rt, pending()!, posted, false, ++updates);
          continue;
        }
        if (escalateAt !== undefined && Date.now() >= escalateAt) {
          escalateAt = undefined;
          const escalation = step.escalate!;
          rt.approvals.escalate(step.id, escalation.approvers ?? [], new Date().toISOString());
          if (escalation.approvers) {
            rt.setStatus('waiting_approval', `waiting for approval of ${step.id} (escalated to ${escalation.approvers.join(', ')}) until ${expiresAt}`, indexed ? rt.approvals.indexAttributes() : undefined);
            if (indexed) rt.approvals.publishMemo();
          }
          // The escalation approvers are asked where the others were (steps with `notify` only).
          if (escalation.approvers && step.notify?.length && patched(APPROVAL_NOTIFY_PATCH)) posted.push(...(await notifyApprovers(step, rt, pending()!, escalation.approvers)));
          // Like a reminder, a failed escalation notice is recorded and the wait goes on.
          if (escalation.action) {
            try {
              await runAction(escalation.action, step, rt, 'escalate');
            } catch (err) {
              state.error = { code: 'ESCALATION_FAILED', message: (err as Error).message };
            }
          }
          continue;
        }
        if (reminders.length && Date.now() >= reminders[0]!) {
          reminders.shift();
          sent++;
          // On the step's channels too (unless `remind.notify: false`): a reply in the thread of
          // each Slack message, an email to each approver who has not decided.
          if (step.notify?.length && step.remind!.notify !== false && patched(APPROVAL_REMIND_NOTIFY_PATCH)) {
            posted.push(...(await notifyApprovers(step, rt, pending()!, undefined, { n: sent, posted })));
          }
          // A failed reminder is not a failed approval: it is recorded and the wait goes on.
          if (step.remind!.action) {
            try {
              await runAction(step.remind!.action, step, rt, `remind.${sent}`);
            } catch (err) {
              state.error = { code: 'REMINDER_FAILED', message: (err as Error).message };
            }
          }
          continue;
        }
        if (Date.now() >= deadline) break;
      }
    } catch (err) {
      cancelled = isCancellation(err);
      throw err;
    } finally {
      // Closed before the status upsert, so the same command takes the step out of the index.
      p = pending();
      rt.setStatus('running', undefined, rt.approvals.close(step.id));
      // Its Slack messages say how it ended, whichever channel decided (runs that posted before the patch replay without).
      if (posted.length && p && patched(APPROVAL_CLOSE_MESSAGES_PATCH)) await closeMessages(step, rt, p, posted, cancelled);
    }
    state.status = 'running';
    p = p!;
    if (p.outcome) {
      const last = p.decisions[p.decisions.length - 1]!;
      return { ...last, decision: p.outcome, decisions: p.decisions, remindersSent: sent, ...escalation(step, p.escalatedAt) };
    }
    const timedOut: ApprovalDecision = { approver: TIMEOUT_APPROVER, decision: 'reject', comment: 'no decision before the deadline', decidedAt: new Date().toISOString() };
    switch (step.onTimeout) {
      case 'approve':
      case 'reject':
        return { ...timedOut, decision: step.onTimeout, timedOut: true, decisions: p.decisions, remindersSent: sent, ...escalation(step, p.escalatedAt) };
      case 'fail':
        throw ApplicationFailure.nonRetryable(`approval ${step.id} was not decided by ${expiresAt}`, 'TIMEOUT');
      default:
        throw new GotoSignal(step.onTimeout.slice('goto:'.length), {
          stepId: step.id,
          output: { ...timedOut, decision: 'timeout', timedOut: true, decisions: p.decisions, remindersSent: sent, ...escalation(step, p.escalatedAt) },
        });
    }
  },
};
