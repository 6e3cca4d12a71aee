/**
 * Secrets at rest: AES-256-GCM envelopes under a master key. Each write gets a fresh
 * 96-bit nonce; the envelope names its key id, so old keys keep decrypting during a
 * rotation; the owning row's id is bound as associated data, so an envelope copied to
 * another row does not decrypt.
 *
 * Envelope: `v1.<keyId>.<nonce b64url>.<ciphertext||tag b64url>`.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DecryptionError, MasterKeyError } from '../errors.ts';

// Re-exported for the webhook endpoint, which imports it from here.
export { DecryptionError };

export interface MasterKey {
  id: string;
  key: Buffer;
}

/** Parses a master key: 32 bytes as base64, base64url or hex. */
export function parseMasterKey(text: string): MasterKey {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== 32) {
    throw new MasterKeyError('master key must be 32 bytes, base64 or hex encoded (generate one with `openssl rand -base64 32`)');
  }
  return { id: keyIdOf(key), key };
}

export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('switchboard-master-key').update(key).digest('hex').slice(0, 12);
}

/** The current key (encrypts) and any previous keys (decrypt only). */
export class Keyring {
  private readonly byId = new Map<string, Buffer>();
  constructor(
    readonly current: MasterKey,
    previous: MasterKey[] = [],
  ) {
    for (const k of [current, ...previous]) this.byId.set(k.id, k.key);
  }

  /** The key with this id, when configured (payload codec). */
  keyFor(id: string): Buffer | undefined {
    return this.byId.get(id);
  }

  get keyIds(): string[] {
    return [...this.byId.keys()];
  }

  /** AES-256-GCM under the current key: `nonce (12) || ciphertext || tag (16)`, bound to `aad`. */
  sealBytes(plain: Uint8Array, aad: string): { keyId: string; sealed: Buffer } {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    return { keyId: this.current.id, sealed: Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]) };
  }

  /** Opens what {@link sealBytes} wrote under key `keyId`; `what` names the data in errors. */
  openBytes(keyId: string, sealed: Uint8Array, aad: string, what = 'secrets'): Buffer {
    const key = this.byId.get(keyId);
    if (!key) throw new DecryptionError(`${what} were encrypted with master key ${keyId}, which is not configured (SWITCHBOARD_MASTER_KEY)`, keyId);
    const data = Buffer.from(sealed);
    if (data.length < 12 + 16) throw new DecryptionError(`${what} envelope is truncated`, keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    } catch {
      throw new DecryptionError(`${what} could not be decrypted with master key ${keyId} (wrong key or tampered data)`, keyId);
    }
  }

  /** Encrypts a JSON value bound to `aad` (the owning row id). */
  encrypt(value: unknown, aad: string): string {
    const { keyId, sealed } = this.sealBytes(Buffer.from(JSON.stringify(value), 'utf8'), aad);
    return `v1.${keyId}.${sealed.subarray(0, 12).toString('base64url')}.${sealed.subarray(12).toString('base64url')}`;
  }

  /** Decrypts an envelope written by {@link encrypt} for the same `aad`. */
  decrypt<T = unknown>(envelope: string, aad: string): T {
    const parts = envelope.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') throw new DecryptionError('not a Switchboard secret envelope', undefined);
    const [, keyId, nonceText, ctText] = parts as [string, string, string, string];
    const sealed = Buffer.concat([Buffer.from(nonceText, 'base64url'), Buffer.from(ctText, 'base64url')]);
    return JSON.parse(this.openBytes(keyId, sealed, aad).toString('utf8')) as T;
  }

  /** True when the envelope is under a key other than the current one. */
  needsRotation(envelope: string): boolean {
    return envelope.split('.')[1] !== this.current.id;
  }
}
