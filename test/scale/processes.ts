/**
 * Separate OS processes of the compiled build (`NODE_ENV=production`: bin/switchboard.mjs runs
 * dist/), for the scale-out test: APIs answer /readyz, workers log that they run; either can
 * be SIGKILLed and started again with the same settings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));

export interface SwitchboardProcess {
  readonly role: 'api' | 'worker';
  child: ChildProcess;
  /** Starts (again) and resolves once the process serves. */
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  output(): string;
}

export function switchboardProcess(role: 'api' | 'worker', env: Record<string, string>, port?: number): SwitchboardProcess {
  let out = '';
  const proc: SwitchboardProcess = {
    role,
    child: undefined as unknown as ChildProcess,
    output: () => out,
    async start() {
      out = '';
      const child = spawn(process.execPath, [CLI, role], {
        env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'info', ...(port ? { PORT: String(port) } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc.child = child;
      const keep = (c: Buffer) => (out = (out + c.toString()).slice(-20_000));
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${role} exited (${child.exitCode}) before it was ready:\n${out}`);
        if (role === 'worker' ? out.includes('worker running') : await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)) return;
        if (Date.now() > deadline) throw new Error(`${role} not ready within 60 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    kill: (signal) =>
      new Promise((resolve) => {
        const child = proc.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
  return proc;
}
