/** `switchboard rag indexes list`, `rag ingest <index> <files…> [--wait]` through the HTTP API. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { apiClient, EXIT, positiveInt } from './api.ts';
import { apiList, printJson, progress, sleep } from './output.ts';

export function registerRagCommands(program: Command): void {
  const rag = program.command('rag').description('RAG indexes and ingestion (HTTP API)');

  apiList(
    rag
      .command('indexes')
      .description('RAG indexes')
      .command('list')
      .description('RAG indexes, oldest first'),
    (_o: { json?: boolean }) => apiClient().listRagIndexes(),
    [
      { header: 'id', value: (i) => i.id },
      { header: 'name', value: (i) => i.name },
      { header: 'embedding', value: (i) => (i.embedding ? `${i.embedding.model} (${i.embedding.dimensions})` : 'none (full text)') },
      { header: 'chunking', value: (i) => `${i.chunking.size}/${i.chunking.overlap}` },
      { header: 'created', value: (i) => i.createdAt },
    ],
    '(no indexes)',
  );

  rag
    .command('ingest <index> <files...>')
    .description('Ingest text files into an index (document id: the file name; re-ingesting an id replaces it)')
    .option('--batch-size <n>', 'documents per activity', positiveInt)
    .option('--wait', 'wait until the ingestion is done (a progress bar in a terminal); exit 1 when documents failed')
    .option('--interval <ms>', 'with --wait: poll interval', positiveInt, 1_000)
    .option('--json', 'print the API answer as JSON')
    .action(async (index: string, files: string[], o: { batchSize?: number; wait?: boolean; interval: number; json?: boolean }) => {
      const documents = await Promise.all(files.map(async (f) => ({ id: basename(f), text: await readFile(f, 'utf8') })));
      const client = apiClient();
      const started = await client.ingestDocuments(index, documents, o.batchSize ? { batchSize: o.batchSize } : {});
      if (!o.wait) {
        if (o.json) return printJson(started);
        process.stdout.write(`ingestion ${started.ingestionId} started: ${started.documents} document(s); follow it with --wait\n`);
        return;
      }
      const bar = progress('documents processed', started.documents);
      let status = await client.getIngestion(started.ingestionId);
      while (!status.done) {
        bar.update(status.processed, status.total);
        await sleep(o.interval);
        status = await client.getIngestion(started.ingestionId);
      }
      bar.update(status.processed, status.total);
      bar.stop();
      if (o.json) printJson(status);
      else {
        process.stdout.write(`ingestion ${status.ingestionId} ${status.status}: ${status.indexed} indexed, ${status.chunks} chunks, ${status.failed.length} failed\n`);
        for (const f of status.failed) process.stdout.write(`  ${f.documentId}: ${f.error}\n`);
      }
      if (status.failed.length) process.exitCode = EXIT.failed;
    });
}
