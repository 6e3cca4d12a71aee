/** `switchboard events list|redeliver`: recorded webhook deliveries through the HTTP API. */
import type { Command } from 'commander';
import { apiClient, positiveInt } from './api.ts';
import { apiAction, printJson, printTable } from './output.ts';

export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('List and redeliver recorded webhook events (HTTP API)');

  events
    .command('list')
    .description('Recorded webhook deliveries, newest first, with the runs each started')
    .option('--connector <key>', 'only this connector')
    .option('--connection <id>', 'only this connection')
    .option('--type <type>', 'only this event type')
    .option('--since <iso>', 'received at or after (ISO-8601)')
    .option('--until <iso>', 'received before (ISO-8601)')
    .option('--unparsed', 'only bodies the trigger could not parse')
    .option('--no-subscriber', 'only deliveries no automation subscribed to')
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .option('--json', 'print the API answer as JSON')
    .action(async (o: { connector?: string; connection?: string; type?: string; since?: string; until?: string; unparsed?: boolean; subscriber: boolean; limit: number; json?: boolean }) => {
      const items = await apiClient().listEvents({
        limit: o.limit,
        ...(o.connector ? { connector: o.connector } : {}),
        ...(o.connection ? { connectionId: o.connection } : {}),
        ...(o.type ? { type: o.type } : {}),
        ...(o.since ? { since: o.since } : {}),
        ...(o.until ? { until: o.until } : {}),
        ...(o.unparsed ? { unparsed: true } : {}),
        ...(o.subscriber === false ? { noSubscriber: true } : {}),
      });
      if (o.json) return printJson(items);
      printTable(items, [
        { header: 'id', value: (e) => e.id },
        { header: 'type', value: (e) => e.type },
        { header: 'received', value: (e) => e.receivedAt },
        { header: 'runs', value: (e) => (e.noSubscriber ? 'no subscriber' : e.runs.map((r) => `${r.workflowId} ${r.status}`).join(', ')) },
      ], '(no events)');
    });

  apiAction(
    events
      .command('redeliver <id>')
      .description("Route a recorded event again to today's subscribers (new runs)"),
    (_o: { json?: boolean }, id: string) => apiClient().redeliverEvent(id),
    (r) => {
      process.stdout.write(r.runs.length ? `redelivered ${r.eventId}: ${r.runs.length} run(s) started\n` : `redelivered ${r.eventId}: no automation subscribes to it today, no run started\n`);
      if (r.runs.length) printTable(r.runs, [
        { header: 'workflow id', value: (x) => x.workflowId },
        { header: 'automation', value: (x) => x.automationId },
        { header: 'v', value: (x) => x.version },
      ]);
    },
  );
}
