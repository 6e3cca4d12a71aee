/** History sizes of a run and its child workflows (loop batches), for "no execution above N events" checks. */
import type { Client } from '@temporalio/client';

export async function maxEventsOfRunTree(client: Client, workflowId: string): Promise<{ executions: number; maxEvents: number }> {
  let executions = 0;
  let maxEvents = 0;
  const queue = [workflowId];
  while (queue.length) {
    const id = queue.shift()!;
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    executions++;
    maxEvents = Math.max(maxEvents, events.length);
    for (const e of events) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) queue.push(child);
    }
  }
  return { executions, maxEvents };
}
