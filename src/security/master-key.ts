/**
 * Where the master key comes from. `SWITCHBOARD_MASTER_KEY` may list several keys
 * separated by commas: the first encrypts, the others only decrypt (rotation).
 * `switchboard dev` without a key generates one into `<dataDir>/master.key` and
 * warns; `api` and `worker` refuse to start without one.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { generateMasterKey, Keyring, parseMasterKey } from './crypto.ts';
import { MasterKeyError } from '../errors.ts';

export const MASTER_KEY_FILE = 'master.key';

export function keyringFromText(text: string): Keyring {
  const keys = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseMasterKey);
  if (keys.length === 0) throw new MasterKeyError('master key is empty');
  return new Keyring(keys[0]!, keys.slice(1));
}

export async function loadKeyring(config: Config, opts: { mode: 'dev' | 'server'; logger?: Logger }): Promise<Keyring> {
  if (config.masterKey) {
    try {
      return keyringFromText(config.masterKey);
    } catch (err) {
      throw new MasterKeyError(`SWITCHBOARD_MASTER_KEY: ${(err as Error).message}`);
    }
  }
  if (opts.mode === 'server') {
    throw new MasterKeyError('SWITCHBOARD_MASTER_KEY is required outside `switchboard dev` (generate one with `openssl rand -base64 32`)');
  }
  const file = join(config.dataDir, MASTER_KEY_FILE);
  try {
    return keyringFromText(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, generateMasterKey() + '\n', { mode: 0o600, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await chmod(file, 0o600);
  opts.logger?.warn({ file }, 'SWITCHBOARD_MASTER_KEY is not set: generated a master key into the data dir. Set SWITCHBOARD_MASTER_KEY in production.');
  return keyringFromText(await readFile(file, 'utf8'));
}
