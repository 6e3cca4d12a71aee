import { describe, expect, it } from 'vitest';
import { preloadedWorkflowModules, prebuiltWorkflowBundlePath, workflowCodeHash, workflowCodeOptions, workflowInterceptorModules, workflowsPath } from '../../src/temporal/workflow-code.ts';

describe('workflow code of a worker', () => {
  it('bundles the TypeScript workflows when running from the sources', () => {
    expect(prebuiltWorkflowBundlePath()).toBeUndefined();
    expect(workflowCodeOptions()).toEqual({ workflowsPath, interceptors: { workflowModules: workflowInterceptorModules() }, bundlerOptions: { preloadModules: preloadedWorkflowModules() } });
    expect(preloadedWorkflowModules()).toEqual(['jsonata', workflowsPath, workflowInterceptorModules()[0]]);
    expect(workflowInterceptorModules()[0]).toMatch(/workflows[/\\]run-metrics-interceptors\.ts$/);
    expect(workflowInterceptorModules()[1]).toMatch(/workflows[/\\]tracing-interceptors\.ts$/);
    expect(workflowsPath).toMatch(/workflows[/\\]index\.ts$/);
  });

  it('leaves the tracing interceptors out for a worker with tracing off', () => {
    const untraced = workflowInterceptorModules(undefined, undefined, { tracing: false });
    expect(untraced).toEqual([workflowInterceptorModules()[0]]);
    expect(workflowCodeOptions({}, { tracing: false })).toEqual({ workflowsPath, interceptors: { workflowModules: untraced }, bundlerOptions: { preloadModules: preloadedWorkflowModules() } });
    expect(workflowCodeOptions({}, { tracing: true })).toEqual(workflowCodeOptions());
  });

  it('leaves the choice to a caller that names its own workflow code', () => {
    expect(workflowCodeOptions({ workflowsPath: '/fixtures/workflows.ts' })).toEqual({});
    expect(workflowCodeOptions({ workflowBundle: { code: '' } })).toEqual({});
  });

  it('hashes a bundle without its inline source map, so the build path does not change the hash', () => {
    const code = 'var a = 1;\nexports.x = a;';
    const built = (path: string) => `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify({ sources: [path] })).toString('base64')}`;
    expect(workflowCodeHash(built('/build/dist/workflows/index.js'))).toBe(workflowCodeHash(built('/home/me/switchboard/dist/workflows/index.js')));
    expect(workflowCodeHash(built('/build/dist/workflows/index.js'))).not.toBe(workflowCodeHash(built('/build/x').replace('a = 1', 'a = 2')));
    expect(workflowCodeHash(code)).toMatch(/^[0-9a-f]{64}$/);
  });
});
