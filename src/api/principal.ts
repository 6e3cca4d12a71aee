/** Who a request acts as: built from the bootstrap key or a stored key row. */
import type { ApiKey } from '../db/entities/index.ts';
import { parseScopes } from '../security/scopes.ts';
import type { Services } from '../services.ts';
import type { Principal } from './http.ts';

/** The principal of the bootstrap key (`SWITCHBOARD_API_KEY`): an admin. */
export function bootstrapPrincipal(services: Services): Principal {
  return { kind: 'bootstrap', id: 'bootstrap', name: services.config.apiKeyPrincipal, scopes: ['admin'] };
}

/** The principal of a stored key row. */
export function keyPrincipal(key: ApiKey): Principal {
  return { kind: 'api-key', id: key.id, name: key.principal, scopes: parseScopes(key.scopes) };
}
