/**
 * How a step's connection reference is resolved when its activity runs: the id first,
 * else the one connection with that name; a shared name is CONFIG_INVALID. Direct
 * loads (the connection routes) stay id-only. SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { findConnectionByRef, loadConnection, sealSecrets } from '../../src/connections/store.ts';
import { Connection } from '../../src/db/entities/index.ts';
import type { Orm } from '../../src/db/orm.ts';
import { generateMasterKey, Keyring, parseMasterKey } from '../../src/security/crypto.ts';
import { createTestOrm, DIALECTS } from '../support/db.ts';

describe.each(DIALECTS)('connection references on %s', (dialect) => {
  let orm: Orm;
  let close: () => Promise<void>;
  const keyring = new Keyring(parseMasterKey(generateMasterKey()));

  beforeAll(async () => {
    ({ orm, close } = await createTestOrm(dialect));
    const em = orm.em.fork();
    em.create(Connection, { id: 'conn_a', connector: 'cohere', name: 'assistant', config: { model: 'm' }, ...sealSecrets(keyring, 'conn_a', { apiKey: 'k-a' }) });
    em.create(Connection, { id: 'conn_b', connector: 'github', name: 'shared', config: {}, secrets: null, secretFields: [] });
    em.create(Connection, { id: 'conn_c', connector: 'slack', name: 'shared', config: {}, secrets: null, secretFields: [] });
    await em.flush();
  });
  afterAll(async () => {
    await close?.();
  });

  it('finds by id or by name; an unknown reference is null', async () => {
    const em = orm.em.fork();
    expect((await findConnectionByRef(em, 'conn_a'))?.id).toBe('conn_a');
    expect((await findConnectionByRef(em, 'assistant'))?.id).toBe('conn_a');
    expect(await findConnectionByRef(em, 'nobody')).toBeNull();
    // An id is never ambiguous, even when its name is shared.
    expect((await findConnectionByRef(em, 'conn_c'))?.connector).toBe('slack');
  });

  it('a shared name resolves to neither: CONFIG_INVALID', async () => {
    const err = await findConnectionByRef(orm.em.fork(), 'shared').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/connection name "shared" is shared by several connections/) });
  });

  it('loadConnection decrypts the named connection with byName, and is id-only without it', async () => {
    const byName = await loadConnection(orm.em.fork(), keyring, 'assistant', { byName: true });
    expect(byName).toMatchObject({ id: 'conn_a', connector: 'cohere', secrets: { apiKey: 'k-a' } });
    expect(await loadConnection(orm.em.fork(), keyring, 'assistant')).toBeNull();
    expect((await loadConnection(orm.em.fork(), keyring, 'conn_a'))?.name).toBe('assistant');
  });

  it('re-creating a connection under the same name takes effect for the next lookup', async () => {
    const em = orm.em.fork();
    await em.nativeDelete(Connection, { id: 'conn_a' });
    em.create(Connection, { id: 'conn_d', connector: 'openai', name: 'assistant', config: {}, secrets: null, secretFields: [] });
    await em.flush();
    const loaded = await loadConnection(orm.em.fork(), keyring, 'assistant', { byName: true });
    expect(loaded).toMatchObject({ id: 'conn_d', connector: 'openai' });
  });
});
