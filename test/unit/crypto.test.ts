import { describe, expect, it } from 'vitest';
import { generateMasterKey, Keyring, parseMasterKey } from '../../src/security/crypto.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { DecryptionError, MasterKeyError } from '../../src/errors.ts';

describe('secret envelopes', () => {
  const a = parseMasterKey(generateMasterKey());
  const b = parseMasterKey(generateMasterKey());

  it('round-trips and never contains the plaintext; nonces differ per write', () => {
    const ring = new Keyring(a);
    const e1 = ring.encrypt({ token: 'xoxb-secret-value' }, 'connection:c1');
    const e2 = ring.encrypt({ token: 'xoxb-secret-value' }, 'connection:c1');
    expect(e1).not.toBe(e2);
    expect(e1).not.toContain('xoxb');
    expect(e1.startsWith(`v1.${a.id}.`)).toBe(true);
    expect(ring.decrypt(e1, 'connection:c1')).toEqual({ token: 'xoxb-secret-value' });
  });

  it('binds the row id: an envelope moved to another row does not decrypt', () => {
    const ring = new Keyring(a);
    const e = ring.encrypt({ x: 1 }, 'connection:c1');
    expect(() => ring.decrypt(e, 'connection:c2')).toThrow(DecryptionError);
  });

  it('detects tampering and unknown keys with a clear error', () => {
    const ring = new Keyring(a);
    const e = ring.encrypt({ x: 1 }, 'r');
    const parts = e.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0]! ^= 1;
    expect(() => ring.decrypt([...parts.slice(0, 3), ct.toString('base64url')].join('.'), 'r')).toThrow(/wrong key or tampered/);
    expect(() => new Keyring(b).decrypt(e, 'r')).toThrow(new RegExp(`master key ${a.id}, which is not configured`));
    expect(() => ring.decrypt('garbage', 'r')).toThrow(DecryptionError);
  });

  it('keeps decrypting with previous keys during a rotation', () => {
    const old = new Keyring(a);
    const e = old.encrypt({ x: 1 }, 'r');
    const rotated = new Keyring(b, [a]);
    expect(rotated.decrypt(e, 'r')).toEqual({ x: 1 });
    expect(rotated.needsRotation(e)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt({ x: 1 }, 'r'))).toBe(false);
  });

  it('parses key lists and rejects malformed keys', () => {
    const ring = keyringFromText(`${Buffer.alloc(32, 1).toString('base64')}, ${Buffer.alloc(32, 2).toString('hex')}`);
    expect(ring.keyIds).toHaveLength(2);
    expect(() => parseMasterKey('too-short')).toThrow(MasterKeyError);
  });
});
