import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/automations/definition.ts';
import type { DefinitionError } from '../../src/errors.ts';

const body = [{ id: 'each', type: 'transform', output: '{{ item }}' }];
const loop = (fields: Record<string, unknown>) => ({ name: 'x', trigger: { type: 'manual' }, steps: [{ id: 'loop', type: 'foreach', items: '{{ input.items }}', steps: body, ...fields }] });
const problems = (doc: unknown): { path?: string; message: string }[] | string[] => {
  try {
    parseDefinition(doc);
    return [];
  } catch (err) {
    return (err as DefinitionError).problems;
  }
};
const text = (doc: unknown) => problems(doc).map((p) => (typeof p === 'string' ? p : `${p.path}: ${p.message}`)).join('\n');

describe('foreach definitions', () => {
  it('accepts a loop with every field, and an array literal of items', () => {
    const def = parseDefinition(loop({ as: 'line', concurrency: 50, output: { sku: '{{ line.sku }}', at: '{{ index }}' }, onItemError: 'continue' }));
    expect(def.steps[0]).toMatchObject({ type: 'foreach', concurrency: 50, as: 'line' });
    expect(problems(loop({ items: [1, '{{ input.x }}', { a: 1 }] }))).toEqual([]);
  });

  it('rejects items that are neither a template nor an array, with the path', () => {
    for (const items of ['input.items', 42, { a: 1 }]) {
      const p = text(loop({ items }));
      expect(p).toContain('steps.0.items');
      expect(p).toContain('template');
    }
  });

  it('rejects concurrency out of 1..50 and a loop without steps', () => {
    expect(text(loop({ concurrency: 0 }))).toContain('steps.0.concurrency');
    expect(text(loop({ concurrency: 51 }))).toContain('steps.0.concurrency');
    expect(text(loop({ concurrency: 2.5 }))).toContain('steps.0.concurrency');
    expect(text(loop({ steps: [] }))).toMatch(/steps\.0\.steps.*at least one step/);
    const { steps: _omit, ...noSteps } = loop({}).steps[0]!;
    expect(text({ name: 'x', trigger: { type: 'manual' }, steps: [noSteps] })).toContain('steps.0.steps');
  });

  it('rejects reserved loop variable names, approvals in the body, gotos out of the body and bad body templates', () => {
    expect(text(loop({ as: 'steps' }))).toContain('steps.0.as');
    expect(text(loop({ as: 'index' }))).toContain('steps.0.as');
    expect(text(loop({ steps: [{ id: 'ok', type: 'approval', timeout: '1d', onTimeout: 'reject' }] }))).toContain('approval steps cannot run inside a foreach');
    const out = { name: 'x', trigger: { type: 'manual' }, steps: [{ id: 'loop', type: 'foreach', items: '{{ input.items }}', steps: [{ id: 'a', type: 'transform', output: 1, onError: 'goto:after' }] }, { id: 'after', type: 'transform', output: 1 }] };
    expect(text(out)).toContain('steps[0] (loop).steps[0] (a): goto target "after"');
    expect(text(loop({ steps: [{ id: 'a', type: 'transform', output: '{{ item. }}' }] }))).toContain('steps[0] (loop).steps[0] (a)');
  });

  it('keeps step ids unique across loop bodies and the rest', () => {
    expect(text({ name: 'x', trigger: { type: 'manual' }, steps: [{ id: 'each', type: 'transform', output: 1 }, loop({}).steps[0]] })).toContain('duplicate step id "each"');
  });
});

describe('what a loop batch is handed', () => {
  it('lists the context paths a body reads, or all of them when an expression reaches the root', async () => {
    const { contextPathsUsed } = await import('../../workflows/automation/template.ts');
    const used = contextPathsUsed({
      steps: [
        { id: 'a', type: 'transform', output: { x: '{{ steps.prev.output.id }} {{ item.sku }}', y: '{{ $uppercase(input.customer.name) }}' }, when: 'trigger.payload.ok' },
        { id: 'b', type: 'condition', if: 'run.workflowId != ""', then: [] },
      ],
      output: '{{ steps.a.output }}',
    });
    expect(used === 'all' ? 'all' : [...used].sort()).toEqual(['input.customer', 'run.workflowId', 'steps.a', 'steps.prev', 'trigger.payload']);
    expect(contextPathsUsed({ output: '{{ $$.input }}' })).toBe('all');
    expect(contextPathsUsed({ output: '{{ input[0] }}' })).toEqual(new Set(['input']));
  });
});
