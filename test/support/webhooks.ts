/** Helpers for webhook tests: connections written straight through the ORM, and signed posts. */
import { Connection } from '../../src/db/entities/index.ts';
import { newId } from '../../src/db/ids.ts';
import { sealSecrets } from '../../src/connections/store.ts';
import type { Services } from '../../src/services.ts';

export async function createTestConnection(
  services: Services,
  connector: string,
  secrets: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Promise<string> {
  const em = services.orm.em.fork();
  const id = newId('conn');
  const sealed = sealSecrets(services.keyring, id, secrets);
  em.create(Connection, { id, connector, name: `${connector} test`, config, secrets: sealed.secrets, secretFields: sealed.secretFields });
  await em.flush();
  return id;
}

/** Replaces a connection's secrets (as the connections API would) and drops it from the webhook cache. */
export async function updateTestSecrets(services: Services, id: string, secrets: Record<string, unknown>): Promise<void> {
  const em = services.orm.em.fork();
  const row = await em.findOneOrFail(Connection, { id });
  const sealed = sealSecrets(services.keyring, id, secrets);
  row.secrets = sealed.secrets;
  row.secretFields = sealed.secretFields;
  await em.flush();
  services.connectionCache.invalidate(id);
}

export interface Delivery {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export async function deliver(baseUrl: string, path: string, body: string | Buffer, headers: Record<string, string>): Promise<Delivery> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', body, headers });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
