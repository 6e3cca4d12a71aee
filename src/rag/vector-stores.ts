/**
 * Opens the store of a RAG index: the embedded SQL store when the index names none,
 * else the `vectorStore` capability of the connection it names (built-in or from a
 * connector package), with the connection's validated config, decrypted secrets and
 * the SSRF-safe HTTP client. Secrets stay inside the call that needs them.
 */
import type { ConnectorRegistry } from '../../connectors/registry.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { VectorPoint, VectorStoreCapability, VectorStoreContext } from '../../connectors/sdk/vector-store.ts';
import { buildHttp, prepareConnection } from '../connector-host/run-action.ts';
import type { RagIndex, RagStoreConfig } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';
import type { Keyring } from '../security/crypto.ts';
import { Redactor } from '../security/redact.ts';
import type { Outbound } from '../security/outbound.ts';
import { embeddedVectorStore } from './embedded-store.ts';
import { ormSqlExecutor } from './sql.ts';

export interface StoreDeps {
  orm: Orm;
  keyring: Keyring;
  /** The process's outbound client (services.outbound). */
  outbound: Outbound;
  /** Opens the connections of indexes on a connection's store. */
  connectors: ConnectorRegistry;
  /** Aborts store calls (the activity's cancellation signal). */
  signal?: AbortSignal | undefined;
}

/** A store bound to one index: capability, call context and namespace. */
export interface IndexStore {
  capability: VectorStoreCapability;
  ctx: VectorStoreContext;
  namespace: string;
  /** The connection id, or undefined for the embedded store. */
  connection?: string | undefined;
}

const STORE_CALL_TIMEOUT_MS = 60_000;

/** The `vectorStore` capability of a connection; throws CONFIG_INVALID when it has none. */
export async function connectionVectorStore(deps: StoreDeps, connectionId: string): Promise<{ capability: VectorStoreCapability; ctx: VectorStoreContext; connector: string }> {
  const prepared = await prepareConnection(deps.orm.em.fork(), deps.keyring, deps.connectors, connectionId);
  const capability = prepared.connector.capabilities?.vectorStore;
  if (!capability) throw new ConnectorError('CONFIG_INVALID', `connection ${connectionId} is a ${prepared.connector.key} connection, which is no vector store`);
  const signal = deps.signal ?? AbortSignal.timeout(STORE_CALL_TIMEOUT_MS);
  const http = buildHttp(prepared, deps.outbound.fetch, deps.outbound.resolveHost, signal);
  return { capability, ctx: { config: prepared.config, secrets: prepared.secrets, http, signal }, connector: prepared.connector.key };
}

/** Opens the index's store. */
export async function openIndexStore(deps: StoreDeps, index: Pick<RagIndex, 'id' | 'store'>): Promise<IndexStore> {
  const store: RagStoreConfig | null | undefined = index.store;
  if (!store) {
    const signal = deps.signal ?? AbortSignal.timeout(STORE_CALL_TIMEOUT_MS);
    const http = buildHttp({ redactor: new Redactor() }, deps.outbound.fetch, deps.outbound.resolveHost, signal);
    return { capability: embeddedVectorStore(ormSqlExecutor(deps.orm)), ctx: { config: {}, secrets: {}, http, signal }, namespace: index.id };
  }
  const { capability, ctx } = await connectionVectorStore(deps, store.connection);
  return { capability, ctx, namespace: store.namespace, connection: store.connection };
}

/** Replaces a document's points: the store's own `replaceDocument`, else delete then upsert. */
export async function replaceDocumentPoints(s: IndexStore, documentId: string, metadata: Record<string, unknown>, points: VectorPoint[]): Promise<void> {
  if (s.capability.replaceDocument) {
    await s.capability.replaceDocument(s.ctx, { namespace: s.namespace, documentId, metadata, points });
    return;
  }
  await s.capability.deleteDocument(s.ctx, { namespace: s.namespace, documentId });
  if (points.length) await s.capability.upsert(s.ctx, { namespace: s.namespace, points });
}
