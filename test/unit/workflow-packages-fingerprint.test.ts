/**
 * The deployment build id covers the workflow packages: upgrading a package's code makes a
 * new worker deployment version (runs pinned to the old one finish on the old code), while
 * a copy of the same files, or a change under node_modules, keeps the id.
 */
import { cp, mkdir, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdWithPackages } from '../../src/temporal/deployment.ts';
import { WorkflowPackageError, workflowPackagesFingerprint } from '../../src/workflow-packages/load.ts';

describe('workflow packages in the deployment build id', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-wp-fingerprint-'));
    a = join(dir, 'a');
    b = join(dir, 'b');
    await cp(resolve('test/fixtures/code-workflows'), a, { recursive: true });
    await cp(resolve('test/fixtures/code-workflows'), b, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the build id as it is without packages, and `<id>-wp<12 hex>` with them', () => {
    expect(buildIdWithPackages('1.4.0-0123456789ab', { workflowPackages: [] })).toBe('1.4.0-0123456789ab');
    expect(buildIdWithPackages('1.4.0-0123456789ab', { workflowPackages: [a] })).toMatch(/^1\.4\.0-0123456789ab-wp[0-9a-f]{12}$/);
  });

  it('is the same for the same files, ignores node_modules, and changes with the code', async () => {
    const before = workflowPackagesFingerprint({ workflowPackages: [a] });
    expect(workflowPackagesFingerprint({ workflowPackages: [b] })).toBe(before);
    await mkdir(join(a, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(a, 'node_modules', 'dep', 'index.js'), 'export const x = 1;\n');
    expect(workflowPackagesFingerprint({ workflowPackages: [a] })).toBe(before);
    await appendFile(join(a, 'workflows.js'), '\nexport async function refund() {}\n');
    const after = workflowPackagesFingerprint({ workflowPackages: [a] });
    expect(after).not.toBe(before);
    expect(buildIdWithPackages('1.4.0-0123456789ab', { workflowPackages: [a] })).toBe(`1.4.0-0123456789ab-wp${after}`);
    // A second package is part of it too.
    expect(workflowPackagesFingerprint({ workflowPackages: [a, resolve('test/fixtures/code-workflows-extra')] })).not.toBe(after);
  });

  it('refuses a missing package with the one-line error of the start', () => {
    expect(() => workflowPackagesFingerprint({ workflowPackages: [join(dir, 'missing')] })).toThrow(WorkflowPackageError);
  });
});
