/** `switchboard connections list|test`: connections through the HTTP API (secret names only, never values). */
import type { Command } from 'commander';
import { apiClient, EXIT } from './api.ts';
import { apiList, printJson } from './output.ts';

export function registerConnectionCommands(program: Command): void {
  const connections = program.command('connections').description('List and test connections (HTTP API)');

  apiList(
    connections
      .command('list')
      .description('Connections, oldest first: which secret fields are set, never their values')
      .option('--connector <key>', 'only connections of this connector'),
    (o: { connector?: string; json?: boolean }) => apiClient().listConnections({ connector: o.connector }),
    [
      { header: 'id', value: (c) => c.id },
      { header: 'connector', value: (c) => c.connector },
      { header: 'name', value: (c) => c.name },
      { header: 'secrets', value: (c) => c.secretFields.join(',') },
      { header: 'updated', value: (c) => c.updatedAt },
    ],
    '(no connections)',
  );

  connections
    .command('test <id>')
    .description("Run the connector's connection test with the stored config and secrets; exit 1 when it fails (not when nothing could be called)")
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const r = await apiClient().testConnection(id);
      if (o.json) printJson(r);
      else process.stdout.write(`${r.ok === null ? 'not tested' : r.ok ? 'ok' : 'failed'}: ${r.message}\n`);
      if (r.ok === false) process.exitCode = EXIT.failed;
    });
}
