import { describe, expect, it } from 'vitest';
import { badRequestTarget, containsNul } from '../../src/api/path-guard.ts';
import { MAX_EVENT_PAYLOAD_DEPTH, nestsDeeperThan } from '../../src/webhooks/payload-depth.ts';

describe('request target and body guards', () => {
  it('refuses undecodable paths and control characters in paths and query values', () => {
    expect(badRequestTarget('/webhooks/github/%E0%A4%A', {})).toMatch(/percent-encoding/);
    expect(badRequestTarget('/api/v1/connections/conn%00x', {})).toMatch(/control character/);
    expect(badRequestTarget('/api/v1/runs', { automationId: 'a\u0000' })).toMatch(/query/);
    expect(badRequestTarget('/api/v1/runs', { automationId: ['ok', 'b\n'] })).toMatch(/query/);
    expect(badRequestTarget('/api/v1/runs/run%3Aauto_1%3Ak', { status: 'running' })).toBeUndefined();
    expect(badRequestTarget('/webhooks/github/conn_%C3%A9', {})).toBeUndefined();
  });

  it('finds a NUL in any key or string of a JSON body, without recursion limits', () => {
    expect(containsNul({ a: [{ b: 'x\u0000' }] })).toBe(true);
    expect(containsNul({ 'k\u0000': 1 })).toBe(true);
    expect(containsNul({ a: ['fine', 1, null, true] })).toBe(false);
    expect(containsNul(JSON.parse(`${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}`))).toBe(true);
  });

  it('measures payload nesting iteratively', () => {
    const nested = (n: number): unknown => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);
    expect(nestsDeeperThan(nested(MAX_EVENT_PAYLOAD_DEPTH), MAX_EVENT_PAYLOAD_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_EVENT_PAYLOAD_DEPTH + 1), MAX_EVENT_PAYLOAD_DEPTH)).toBe(true);
    expect(nestsDeeperThan(nested(50_000), MAX_EVENT_PAYLOAD_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ a: { b: 'x' } }, 2)).toBe(false);
  });
});
