/**
 * Loading SWITCHBOARD_WORKFLOW_PACKAGES: a package's workflow may not take the name of one
 * of Switchboard's own workflows (they share one bundle), and a good package is listed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflowPackages } from '../../src/workflow-packages/load.ts';

describe('loading workflow packages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-wp-load-'));
    await mkdir(join(dir, 'clash'));
    await writeFile(join(dir, 'clash', 'package.json'), JSON.stringify({ name: 'clash', type: 'module', switchboard: { workflows: './workflows.js' } }));
    await writeFile(join(dir, 'clash', 'workflows.js'), 'export async function automationWorkflow() {}\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a workflow named like one of Switchboard's own", async () => {
    await expect(loadWorkflowPackages({ workflowPackages: [join(dir, 'clash')] })).rejects.toThrow(/workflow "automationWorkflow" has the name of one of Switchboard's own workflows/);
  });

  it('lists the workflows of a good package with their schemas', async () => {
    const catalog = await loadWorkflowPackages({ workflowPackages: ['./test/fixtures/code-workflows', './test/fixtures/code-workflows-extra'] });
    expect([...catalog.workflows.keys()].sort()).toEqual(['emailedApproval', 'fetchStatus', 'payout']);
    expect(catalog.workflows.get('payout')?.inputSchema).toMatchObject({ required: ['amount', 'slack'] });
  });
});
