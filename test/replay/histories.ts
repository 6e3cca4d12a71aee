/**
 * History files of the replay gate. They are protobufjs JSON of
 * `temporal.api.history.v1.History` (enum names, longs and bytes as strings): the
 * SDK's proto3-JSON helpers trip over the two protobufjs copies in this install,
 * while `toObject`/`fromObject` of one copy round-trip exactly.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { Worker, type ReplayResult, type ReplayWorkerOptions } from '@temporalio/worker';

const History = proto.temporal.api.history.v1.History;
export const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));

/** File contents: `{ workflowId, history }` (replay needs the original workflow id). */
export function historyToFile(workflowId: string, history: proto.temporal.api.history.v1.IHistory): string {
  return JSON.stringify({ workflowId, history: History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }) }, null, 1) + '\n';
}

/** Every recorded history of `dir` (default: the interpreter's), as `{ workflowId, history }` for `Worker.runReplayHistories`. */
export async function loadHistories(dir = HISTORIES_DIR): Promise<{ workflowId: string; history: proto.temporal.api.history.v1.History }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => {
      const file = JSON.parse(await readFile(join(dir, f), 'utf8')) as { workflowId: string; history: object };
      return { workflowId: file.workflowId, history: History.fromObject(file.history) };
    }),
  );
}

/** Replays the histories of `histories/<subdir>` on the workflow code at `workflowsPath` (`options`: e.g. code-first bundler options); one result per history. */
export async function replaySubdir(subdir: string, workflowsPath: string, options: Omit<ReplayWorkerOptions, 'workflowsPath' | 'replayName'> = {}): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ ...options, workflowsPath, replayName: `${subdir}-replay` }, await loadHistories(join(HISTORIES_DIR, subdir)))) results.push(r);
  return results;
}
