import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from './search-attributes.ts';

const INDEXED = proto.temporal.api.enums.v1.IndexedValueType;
const TYPE_MAP: Record<string, number> = {
  KEYWORD: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  INT: INDEXED.INDEXED_VALUE_TYPE_INT,
  TEXT: INDEXED.INDEXED_VALUE_TYPE_TEXT,
  BOOL: INDEXED.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: INDEXED.INDEXED_VALUE_TYPE_DATETIME,
  DOUBLE: INDEXED.INDEXED_VALUE_TYPE_DOUBLE,
  KEYWORD_LIST: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Every custom search attribute with its indexed type (for `addSearchAttributes`). */
export function searchAttributeTypes(keys = ALL_SEARCH_ATTRIBUTES): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k.name, TYPE_MAP[k.type]!]));
}

/**
 * Registers Switchboard's custom search attributes on a server that lacks them
 * (self-hosted clusters; the dev server gets them as start flags). Returns the
 * names it added.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !have.has(k.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: searchAttributeTypes(missing),
  });
  return missing.map((k) => k.name);
}
