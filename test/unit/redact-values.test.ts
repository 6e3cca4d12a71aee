import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/security/redact.ts';

describe('Redactor.scrubValues (action outputs)', () => {
  const redactor = new Redactor(['tok-1234567890']);
  it('scrubs secret values at any depth and in keys, but keeps secret-looking field names', () => {
    let deep: unknown = 'tok-1234567890';
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(redactor.scrubValues({ nextPageToken: 'page-2', signature: 'doc-sig', echo: 'Bearer tok-1234567890', 'tok-1234567890': 1, deep })).toEqual({
      nextPageToken: 'page-2',
      signature: 'doc-sig',
      echo: 'Bearer [redacted]',
      '[redacted]': 1,
      deep: JSON.parse(JSON.stringify(deep).replace('tok-1234567890', '[redacted]')),
    });
    expect(new Redactor().scrubValues({ a: 'tok-1234567890' })).toEqual({ a: 'tok-1234567890' });
  });
});
