/**
 * Step outputs are keyed by step id in a null-prototype map: even a definition stored
 * without the save-time id check (ids `__proto__`, `constructor`) keeps every output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInterpreterHarness, type InterpreterHarness } from '../support/automation-harness.ts';

describe('step outputs (time-skipping server)', () => {
  let h: InterpreterHarness;
  beforeAll(async () => {
    h = await startInterpreterHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the output of a step whose id is an Object.prototype name', async () => {
    const handle = await h.start(
      {
        name: 'proto ids',
        trigger: { type: 'manual' },
        steps: [
          { id: '__proto__', type: 'transform', output: { kept: true } },
          { id: 'constructor', type: 'transform', output: 'c' },
          { id: 'last', type: 'transform', output: 'l' },
        ],
      },
      {},
      { unchecked: true },
    );
    const result = await handle.result();
    expect(Object.hasOwn(result.outputs, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(result.outputs, '__proto__')?.value).toEqual({ kept: true });
    expect(Object.getOwnPropertyDescriptor(result.outputs, 'constructor')?.value).toBe('c');
    expect(result.outputs['last']).toBe('l');
  });
});
