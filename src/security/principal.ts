/**
 * Who called: the bootstrap admin key or a stored API key (directly or through a console
 * session). Defined below the API so services (automations, MCP tools) can take one.
 */
import type { Scope } from './scopes.ts';

export interface Principal {
  kind: 'bootstrap' | 'api-key' | 'approval-link';
  /** The key's id (`bootstrap` for SWITCHBOARD_API_KEY). */
  id: string;
  /** Who holds the key: what the request is attributed to (approvals included). */
  name: string;
  scopes: readonly Scope[];
}
