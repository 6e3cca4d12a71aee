/**
 * The API's answer while stored secrets are under a master key this process does not
 * hold: 503 naming the key problem, before anything is sealed under the wrong key.
 * Every route that seals secrets (connections, MCP servers) calls it first.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ApiError } from '../errors.ts';
import { assertKeyringOpensStoredSecrets } from './key-check.ts';
import type { Services } from '../services.ts';
import { MasterKeyMismatchError } from '../errors.ts';

export async function assertMasterKeyFits(services: Pick<Services, 'keyring' | 'logger'>, em: EntityManager): Promise<void> {
  try {
    await assertKeyringOpensStoredSecrets(em, services.keyring);
  } catch (err) {
    if (err instanceof MasterKeyMismatchError) {
      services.logger.error({ unknownKeyIds: err.unknownKeyIds, configuredKeyIds: err.configuredKeyIds }, 'secrets write refused: master key does not match stored secrets');
      throw new ApiError(503, 'MASTER_KEY_MISMATCH', err.message);
    }
    throw err;
  }
}
