import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, secretsEqual } from '../../src/security/api-keys.ts';

describe('API keys', () => {
  it('generates distinct keys whose hash is stored, not the key', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^sb_[0-9a-f]{8}_[\w-]{32}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key);
    expect(a.key.startsWith(`sb_${a.prefix}_`)).toBe(true);
  });

  it('compares secrets of any length without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });
});
