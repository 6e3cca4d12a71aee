/**
 * Scopes of API keys: what a key may do. Every `/api/v1` route and every `/mcp` tool
 * declares the one scope it needs; `admin` implies all of them. There are no other
 * implications (a `:write` scope does not grant `:read`), so a key holds exactly what
 * it lists.
 */
import { z } from 'zod';
import { ApiError } from '../errors.ts';

export const SCOPES = [
  'admin',
  'connections:read',
  'connections:write',
  'automations:read',
  'automations:write',
  'runs:read',
  'runs:write',
  'approvals:read',
  'approvals:decide',
  'approvals:act-as',
  'events:read',
  'metrics:read',
] as const;

export type Scope = (typeof SCOPES)[number];

/** What each scope allows (docs/concepts/identity.md and OpenAPI text). */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  admin: 'everything, including minting, listing and revoking API keys',
  'connections:read': 'list and read connections, connectors, MCP server registrations and RAG indexes; query RAG',
  'connections:write': 'create, change, test and delete connections, MCP server registrations and RAG indexes; run connection actions; ingest documents',
  'automations:read': 'list and read automations and their versions',
  'automations:write': 'create, change and delete automations',
  'runs:read': 'list and read runs (and decode their payloads through /codec)',
  'runs:write': 'start, cancel and re-drive runs; run the self-check',
  'approvals:read': 'list pending approvals',
  'approvals:decide': 'decide an approval as the key’s own principal',
  'approvals:act-as': 'decide an approval for another approver (both are recorded)',
  'events:read': 'read received webhook events',
  'metrics:read': 'read metrics and system information',
};

export const scopeSchema = z.enum(SCOPES);

/** Whether `granted` allows `needed` (`admin` allows everything). */
export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}

/**
 * Scopes the identity migration gave keys that existed before scopes did: everything
 * but `admin` and `approvals:act-as` (they keep working, but no longer mint keys or
 * decide approvals for others). Kept here for the CHANGELOG and the migration test.
 */
export const LEGACY_KEY_SCOPES: readonly Scope[] = SCOPES.filter((s) => s !== 'admin' && s !== 'approvals:act-as');

/** Stored form of a scope list: space-separated, sorted, unique. */
export function formatScopes(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}

export function parseScopes(stored: string): Scope[] {
  return stored.split(/\s+/).filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}

/** The 403 a caller gets for a scope it lacks; it names the scope. */
export function missingScope(scope: Scope): ApiError {
  return new ApiError(403, 'FORBIDDEN', `This API key lacks the "${scope}" scope`, [{ path: 'scope', message: `requires ${scope}` }]);
}

/** Throws {@link missingScope} unless `principal` (undefined: nobody) holds `scope`. */
export function requireScope(principal: { scopes: readonly string[] } | undefined, scope: Scope): void {
  if (!principal || !hasScope(principal.scopes, scope)) throw missingScope(scope);
}
