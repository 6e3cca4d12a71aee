/**
 * Records the history of a poll of a polling trigger for the replay gate:
 *   node bin/run-ts.mjs test/replay/record-poll.ts
 * A `feed` automation polls a local RSS answer twice: the first poll starts from now
 * (commit only), the second finds two new items and starts two runs. Writes only
 * test/replay/histories/poll/automation-poll*.json (a folder of its own: the interpreter
 * gate replays the files directly in histories/ and expects automation runs there;
 * test/replay/poll-replay.test.ts replays these).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollTriggerWorkflow } from '../../workflows/index.ts';
import { openRecorder } from './recording.ts';

let guids = ['post-1'];
const rss = () =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://blog.example/</link><description>d</description>${guids
    .map((g) => `<item><title>${g}</title><link>https://blog.example/${g}</link><guid>${g}</guid></item>`)
    .join('')}</channel></rss>`;
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss()));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;

const rec = await openRecorder({ SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' });
try {
  await rec.connection('conn_feed', 'feed');
  const automation = await rec.automations.create({
    name: 'feed to log',
    trigger: { type: 'poll', connection: 'conn_feed', trigger: 'new_items', interval: '5m', config: { url } },
    steps: [{ id: 'note', type: 'transform', output: '{{ trigger.payload.title }}' }],
  });
  const taskQueue = 'replay-record';
  const worker = await rec.worker(taskQueue);
  await worker.runUntil(async () => {
    const poll = (n: number) =>
      rec.env.client.workflow.start(pollTriggerWorkflow, { taskQueue, workflowId: `poll:${automation.id}-recorded-${n}`, args: [{ automationId: automation.id, version: 1 }] });
    const first = await poll(1);
    console.error('first', JSON.stringify(await first.result()));
    guids = [...guids, 'post-2', 'post-3'];
    const second = await poll(2);
    console.error('second', JSON.stringify(await second.result()));
    await rec.env.client.workflow.getHandle(`run:${automation.id}:poll:post-3`).result();
    await rec.save('poll/automation-poll-first.json', first);
    await rec.save('poll/automation-poll-new-items.json', second);
  });
} finally {
  await rec.close();
  server.close();
}
