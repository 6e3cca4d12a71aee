import { defineConnector } from '../sdk/index.ts';
import { request } from './actions/request.ts';
import { httpConfig, httpSecrets } from './schemas.ts';
import { testHttpConnection } from './test-connection.ts';
import { httpNewItems } from './triggers/new-items.ts';

/** Generic HTTP requests with optional bearer or basic auth. */
export default defineConnector({
  key: 'http',
  displayName: 'HTTP',
  version: '1.0.0',
  description: 'Call any HTTP API through the SSRF guard, with optional bearer or basic auth',
  config: httpConfig,
  secrets: httpSecrets,
  actions: { request },
  test: testHttpConnection,
  pollingTriggers: { new_items: httpNewItems },
});
