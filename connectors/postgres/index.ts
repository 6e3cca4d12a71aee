import { defineConnector } from '../sdk/index.ts';
import { executeQuery } from './actions/execute-query.ts';
import { withClient } from './client.ts';
import { postgresConfig, postgresSecrets } from './schemas.ts';
import { newRows } from './triggers/new-rows.ts';

/** PostgreSQL: parameterised statements against an external database. */
export default defineConnector({
  key: 'postgres',
  displayName: 'PostgreSQL',
  version: '1.0.0',
  description: 'Run parameterised SQL statements against a PostgreSQL database',
  config: postgresConfig,
  secrets: postgresSecrets,
  actions: { execute_query: executeQuery },
  pollingTriggers: { new_rows: newRows },
  async test(ctx) {
    const version = await withClient(ctx.config, ctx.secrets, ctx.http, async (c) => (await c.query<{ v: string }>('select version() as v')).rows[0]?.v);
    return { ok: true, message: `connected: ${version ?? 'PostgreSQL'}` };
  },
});
