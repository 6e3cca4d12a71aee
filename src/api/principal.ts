/** Who a request acts as: built from the bootstrap key or a stored key row. */
import type { Services } from '../services.ts';
import type { Principal } from './http.ts';

/** The principal of the bootstrap key (`SWITCHBOARD_API_KEY`): an admin. */
export function bootstrapPrincipal(services: Services): Principal {
  return { kind: 'bootstrap', id: 'bootstrap', name: services.config.apiKeyPrincipal, scopes: ['admin'] };
}

export { keyPrincipal } from '../security/api-key-store.ts';
