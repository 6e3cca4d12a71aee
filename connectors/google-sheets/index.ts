import { defineConnector, oauth2, oauthSecrets } from '../sdk/index.ts';
import { appendRow } from './actions/append-row.ts';
import { getValues } from './actions/get-values.ts';
import { updateValues } from './actions/update-values.ts';
import { callSheets } from './client.ts';
import { sheetsConfig } from './schemas.ts';
import { pollingTriggers } from './triggers/index.ts';

/** Google Sheets: append, read and update rows (Sheets API v4), connected with Google OAuth2; new rows by polling. */
export default defineConnector({
  key: 'google_sheets',
  displayName: 'Google Sheets',
  version: '1.0.0',
  description: 'Append rows, read and update values (Sheets API v4, OAuth2); a polling trigger for new rows',
  auth: oauth2({
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scopes: ['https://www.googleapis.com/auth/spreadsheets'],
    // Google issues a refresh token only for offline access, and again only on a fresh consent.
    extraParams: { access_type: 'offline', prompt: 'consent' },
  }),
  config: sheetsConfig,
  secrets: oauthSecrets,
  actions: { append_row: appendRow, get_values: getValues, update_values: updateValues },
  pollingTriggers,
  async test(ctx) {
    // The Drive-free harmless call: the token's own scopes (a 401 fails it).
    await callSheets(ctx, 'GET', '/v4/spreadsheets/connection-test', undefined).catch((err: { code?: string }) => {
      if (err.code !== 'NOT_FOUND') throw err;
    });
    return { ok: true, message: 'the access token is accepted by the Sheets API' };
  },
});
