/**
 * An order over the limit needs finance's approval (with a form for the approved amount);
 * then the team hears about it on Slack and a Jira issue tracks the fulfilment. Written
 * only against switchboard/workflow: the connections are Switchboard's (`slack`, `jira`
 * by name), their secrets never enter this code or the history.
 */
import { action, approval } from 'switchboard/workflow';

export interface Order {
  orderId: string;
  customer?: string;
  total: number;
}

export interface OrderOutcome {
  orderId: string;
  approved: boolean;
  amount?: number;
  issue?: unknown;
}

export async function orderApproval(order: Order): Promise<OrderOutcome> {
  const decision = await approval({
    id: 'finance',
    approvers: ['finance-lead'],
    title: `Order ${order.orderId}: ${order.total} EUR`,
    description: `Customer ${order.customer ?? 'unknown'}`,
    timeout: '7d',
    onTimeout: 'reject',
    form: { type: 'object', properties: { amount: { type: 'number', minimum: 0 } } },
  });
  if (decision.decision !== 'approve') {
    await action('slack', 'send_message', { channel: '#orders', text: `Order ${order.orderId} was not approved (${decision.comment ?? 'no comment'})` }, { id: 'notify-rejected' });
    return { orderId: order.orderId, approved: false };
  }
  const amount = typeof decision.form?.['amount'] === 'number' ? decision.form['amount'] : order.total;
  await action('slack', 'send_message', { channel: '#orders', text: `Order ${order.orderId} approved by ${decision.approver}: ${amount} EUR` }, { id: 'notify' });
  const issue = await action(
    'jira',
    'create_issue',
    { projectKey: 'OPS', issueType: 'Task', summary: `Fulfil order ${order.orderId}`, description: `Approved amount: ${amount} EUR` },
    { id: 'track', retry: { maxAttempts: 3 } },
  );
  return { orderId: order.orderId, approved: true, amount, issue };
}
