/**
 * The approvals inbox at scale, on the real dev server: every parked approval is found
 * through the index (search attributes + memo) and reachable by cursor exactly once, the
 * total is right, an approver's own old approval is on the first page of `mine=true`, and
 * decided approvals (or a partial decision's approver) leave the index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const PARKED = Number(process.env['INBOX_TEST_PARKED'] ?? 250);

interface Page {
  items: { workflowId: string; stepId: string; automationId: string; approvers: string[]; quorum: number; message?: string; expiresAt: string; decisions: { approver: string }[] }[];
  total: number;
  nextCursor: string | null;
}

describe('approvals inbox through the index', () => {
  let stack: TestStack;
  let crowd: string;
  const crowdRuns: string[] = [];
  let zoeRun: string;
  let pairRun: string;
  const keys: Record<string, string> = {};

  const get = async (path: string, who?: string): Promise<{ status: number; body: Page }> => {
    const res = await fetch(`${stack.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${who ? keys[who] : ''}` } });
    return { status: res.status, body: (await res.json()) as Page };
  };
  const decide = (workflowId: string, stepId: string, who: string) =>
    fetch(`${stack.baseUrl}/api/v1/runs/${encodeURIComponent(workflowId)}/approvals/${stepId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });

  beforeAll(async () => {
    stack = await startTestStack();
    for (const who of ['zoe', 'ann', 'bob', 'ops']) {
      const res = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: `${who} key`, principal: who, scopes: ['approvals:read', 'approvals:decide'] } });
      keys[who] = ((await res.json()) as { key: string }).key;
    }
    // Zoe's approval parks first: the oldest run of all.
    const named = await createAutomation(stack, { name: 'for zoe', trigger: { type: 'manual' }, steps: [{ id: 'sign', type: 'approval', approvers: ['zoe'], message: 'zoe signs', timeout: '3d', onTimeout: 'reject' }] });
    zoeRun = (await startRun(stack, named.id, {})).body.workflowId;
    const pair = await createAutomation(stack, { name: 'pair', trigger: { type: 'manual' }, steps: [{ id: 'both', type: 'approval', approvers: ['ann', 'bob'], quorum: 2, timeout: '2d', onTimeout: 'reject' }] });
    pairRun = (await startRun(stack, pair.id, {})).body.workflowId;
    crowd = (await createAutomation(stack, { name: 'crowd', trigger: { type: 'manual' }, steps: [{ id: 'ok', type: 'approval', timeout: '1d', onTimeout: 'reject' }] })).id;
    for (let i = 0; i < PARKED; i += 25) {
      const batch = await Promise.all(Array.from({ length: Math.min(25, PARKED - i) }, () => startRun(stack, crowd, {})));
      crowdRuns.push(...batch.map((b) => b.body.workflowId));
    }
    await waitFor(async () => (await get(`/approvals?automationId=${crowd}&limit=1`, 'ops')).body.total === PARKED, `${PARKED} parked approvals in the index`, 120_000);
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('reaches every parked approval by cursor, none twice, with the total on every page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await get(`/approvals?automationId=${crowd}&limit=40${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'ops');
      expect(status).toBe(200);
      expect(body.total).toBe(PARKED);
      expect(body.items.length).toBeLessThanOrEqual(40);
      seen.push(...body.items.map((i) => i.workflowId));
      cursor = body.nextCursor;
      pages++;
      // A cursor that never ends fails here, not by the test's timeout.
    } while (cursor && pages <= Math.ceil(PARKED / 40) + 1);
    expect(seen).toHaveLength(PARKED);
    expect(new Set(seen).size).toBe(PARKED);
    expect(new Set(seen)).toEqual(new Set(crowdRuns));
  });

  it("puts an approver's own old approval on the first page of mine=true, before those anyone may decide", async () => {
    const { body } = await get('/approvals?mine=true&limit=10', 'zoe');
    expect(body.items[0]).toMatchObject({ workflowId: zoeRun, stepId: 'sign', approvers: ['zoe'], message: 'zoe signs', quorum: 1, decisions: [] });
    // Zoe's own, plus every approval that admits anyone; not the pair that names others.
    expect(body.total).toBe(1 + PARKED);
    expect(body.items.map((i) => i.workflowId)).not.toContain(pairRun);
    const ann = await get('/approvals?mine=true&limit=10', 'ann');
    expect(ann.body.items[0]?.workflowId).toBe(pairRun);
    expect(ann.body.total).toBe(1 + PARKED);
  });

  it('takes a partial decision out of its approver\'s inbox and decided approvals out of the index', async () => {
    expect((await decide(pairRun, 'both', 'ann')).status).toBe(200);
    await waitFor(async () => (await get('/approvals?mine=true&limit=5', 'ann')).body.total === PARKED, "ann's partial decision to leave her inbox");
    const bob = await get('/approvals?mine=true&limit=5', 'bob');
    expect(bob.body.items[0]).toMatchObject({ workflowId: pairRun, decisions: [{ approver: 'ann' }] });

    const decided = crowdRuns.slice(0, 5);
    for (const wf of decided) expect((await decide(wf, 'ok', 'bob')).status).toBe(200);
    // An approval anyone may decide leaves bob's inbox with his decision, and the index with its close.
    await waitFor(async () => (await get(`/approvals?automationId=${crowd}&limit=1`, 'ops')).body.total === PARKED - 5, 'decided approvals to leave the index');
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await get(`/approvals?automationId=${crowd}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'ops');
      all.push(...body.items.map((i) => i.workflowId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(PARKED - 5);
    for (const wf of decided) expect(all).not.toContain(wf);
    await waitForRun(stack, decided[0]!, (r) => r.status === 'completed', 'the decided run to finish');
  });

  it('answers 400 with the path for a cursor it did not issue', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/approvals?cursor=bm9wZQ`, { headers: { authorization: `Bearer ${keys['ops']}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID_INPUT', details: [{ path: 'cursor' }] } });
  });
});
