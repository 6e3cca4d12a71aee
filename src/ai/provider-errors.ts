/** Provider failures → ConnectorError: moved down into the SDK (connectors/sdk/provider-errors.ts). */
export { retryAfterMs, toConnectorError } from '../../connectors/sdk/provider-errors.ts';
