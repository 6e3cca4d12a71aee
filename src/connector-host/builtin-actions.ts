/**
 * Actions every connector answers without declaring them. `test_connection` runs the
 * connector's connection test as a step (a workflow can check a connection before it
 * relies on it, as the seed's tasks do) and returns `{ ok, message }` exactly as the API's test does; a connector
 * that declares an action of the same name keeps its own.
 */
import { z } from 'zod';
import type { ActionDefinition, ConnectorDefinition } from '../../connectors/sdk/types.ts';

export const TEST_CONNECTION_ACTION = 'test_connection';

/** Schemas of the built-in `test_connection` (its run is {@link runPreparedAction}'s, which has the prepared connection). */
export const testConnectionAction: ActionDefinition = {
  description: "Run the connector's connection test: { ok, message } (ok: false on a failed check, never a step failure; ok: null when nothing could be called, e.g. a webhook-only connection)",
  input: z.object({}).strict(),
  output: z.object({ ok: z.boolean().nullable(), message: z.string() }),
  idempotent: true,
  run: () => Promise.reject(new Error('test_connection runs through runPreparedAction')),
};

/** The connector's own action of that name, else a built-in one, else undefined. */
export function actionDefinitionOf(connector: ConnectorDefinition, action: string): ActionDefinition | undefined {
  if (Object.hasOwn(connector.actions, action)) return connector.actions[action];
  return isBuiltinTestConnection(connector, action) ? testConnectionAction : undefined;
}

export function isBuiltinTestConnection(connector: ConnectorDefinition, action: string): boolean {
  return action === TEST_CONNECTION_ACTION && !Object.hasOwn(connector.actions, action);
}
