/** Helpers for automation tests against a running stack. */
import type { TestStack } from './stack.ts';

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export interface RunBody {
  status: string;
  automationId: string;
  version: number;
  steps: { id: string; status: string; attempts: number; output?: unknown; error?: { code: string; message: string } }[];
  pendingApprovals: { stepId: string; approvers: string[]; expiresAt: string }[];
  result?: { outputs: Record<string, unknown> };
}

export async function getRun(stack: TestStack, workflowId: string): Promise<RunBody | undefined> {
  const res = await stack.api(`/api/v1/runs/${encodeURIComponent(workflowId)}`);
  return res.status === 200 ? ((await res.json()) as RunBody) : undefined;
}

export function waitForRun(stack: TestStack, workflowId: string, check: (r: RunBody) => boolean, what: string, timeoutMs?: number): Promise<RunBody> {
  return waitFor(async () => {
    const r = await getRun(stack, workflowId);
    return r && check(r) ? r : undefined;
  }, what, timeoutMs);
}

export async function createAutomation(stack: TestStack, definition: unknown): Promise<{ id: string; version: number }> {
  const res = await stack.api('/api/v1/automations', { method: 'POST', json: definition });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; version: number };
}

export async function startRun(stack: TestStack, automationId: string, input: unknown, key?: string): Promise<{ status: number; body: { workflowId: string; runId: string; duplicate?: boolean } }> {
  const res = await stack.api(`/api/v1/automations/${automationId}/runs`, { method: 'POST', json: { input }, ...(key ? { headers: { 'idempotency-key': key } } : {}) });
  return { status: res.status, body: (await res.json()) as { workflowId: string; runId: string; duplicate?: boolean } };
}
