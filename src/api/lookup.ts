/** The two checks every resource router makes: "load or 404" and "unique name or 409". */
import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/core';
import { conflict, notFound } from '../errors.ts';

/**
 * `value`, or a 404 `<what> not found` when it is missing.
 *
 * @example
 * const key = orNotFound(await em.findOne(ApiKey, { id }), `API key ${id}`);
 */
export function orNotFound<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw notFound(what);
  return value;
}

/**
 * A 409 `<label> named <name> exists` when a row of `entity` has the name.
 *
 * @example
 * await assertNameFree(em, McpServer, body.name, 'an MCP server');
 */
export async function assertNameFree<T extends object>(em: EntityManager, entity: EntityName<T>, name: string, label: string): Promise<void> {
  if (await em.findOne(entity, { name } as FilterQuery<NoInfer<T>>)) throw conflict(`${label} named ${name} exists`);
}
