/**
 * Optional end-to-end encryption of Temporal payloads (`SWITCHBOARD_PAYLOAD_ENCRYPTION`).
 * Inputs, results, signals and step outputs are AES-256-GCM encrypted by the client
 * and worker before they reach the server, under the master keyring (key id in the
 * payload metadata, so rotation keeps old histories readable). The Temporal UI shows
 * them through the codec endpoint (`/codec`, src/api/codec/router.ts).
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Keyring } from '../security/crypto.ts';

const PayloadProto = proto.temporal.api.common.v1.Payload;
export const ENCRYPTED_ENCODING = 'binary/encrypted';
const enc = new TextEncoder();
const dec = new TextDecoder();

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const { keyId, sealed } = this.keyring.sealBytes(PayloadProto.encode(payload).finish(), '');
      return { metadata: { encoding: enc.encode(ENCRYPTED_ENCODING), 'encryption-key-id': enc.encode(keyId) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (dec.decode(payload.metadata?.['encoding'] ?? new Uint8Array()) !== ENCRYPTED_ENCODING) return payload;
      const keyId = dec.decode(payload.metadata?.['encryption-key-id'] ?? new Uint8Array());
      const plain = this.keyring.openBytes(keyId, payload.data ?? new Uint8Array(), '', 'payloads');
      return PayloadProto.decode(plain) as Payload;
    });
  }
}

/** The data converter for a process: encryption when configured, else the default. */
export function dataConverterFor(config: { payloadEncryption: boolean }, keyring: Keyring): { payloadCodecs: PayloadCodec[] } | undefined {
  return config.payloadEncryption ? { payloadCodecs: [new EncryptionCodec(keyring)] } : undefined;
}
