/**
 * A Switchboard worker in a child process (the real `switchboard worker` command),
 * so a test can SIGKILL it mid-run and start another one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { TestStack } from './stack.ts';
import { TEST_MASTER_KEY } from './stack.ts';

const CLI = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker logged that it polls. */
  ready: Promise<void>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(stack: TestStack, env: Record<string, string> = {}): WorkerProcess {
  const db = stack.config.database;
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
      DATABASE_URL: db.kind === 'sqlite' ? `sqlite:${db.path}` : db.url,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_PUBLIC_URL: stack.baseUrl,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker running')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
  return {
    child,
    ready,
    output: () => out,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
