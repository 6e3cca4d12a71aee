/**
 * Temporal client for the API and CLI. The connection is lazy: the API starts even
 * when Temporal is down, `/readyz` says so, and calls fail fast with a deadline.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config.ts';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  namespace: string;
  taskQueue: string;
}

export function createTemporalClient(
  temporal: Pick<Config['temporal'], 'namespace' | 'taskQueue'> & { address: string },
  opts: { dataConverter?: DataConverter | undefined } = {},
): TemporalHandle {
  const connection = Connection.lazy({ address: temporal.address, connectTimeout: 3_000 });
  const client = new Client({ connection, namespace: temporal.namespace, ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}) });
  return { connection, client, namespace: temporal.namespace, taskQueue: temporal.taskQueue };
}

/** The readiness probe's Temporal check. */
export async function pingTemporal(handle: TemporalHandle, timeoutMs = 2_000): Promise<void> {
  await handle.connection.withDeadline(Date.now() + timeoutMs, () =>
    handle.connection.workflowService.getSystemInfo({}),
  );
}
