/**
 * The console's API types (console/src/api-types.ts) are generated from the API's own
 * OpenAPI document (scripts/console-api-types.ts, openapi-typescript): the checked-in file
 * must be what the current document generates, so a changed route or schema cannot leave
 * the console's types behind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_API_TYPES, consoleApiTypes, openApiDocument } from '../../scripts/console-api-types.ts';

describe('console API types', () => {
  it('are current (run `npm run console:types` after changing a route or schema)', async () => {
    const document = await openApiDocument();
    expect(Object.keys(document['paths'] as object)).toEqual(expect.arrayContaining(['/api/v1/runs', '/api/v1/connections']));
    expect(readFileSync(CONSOLE_API_TYPES, 'utf8')).toBe(await consoleApiTypes(document));
  }, 120_000);

  it('name the schemas the console reads', () => {
    const types = readFileSync(CONSOLE_API_TYPES, 'utf8');
    for (const schema of ['Session', 'Connector', 'Connection', 'Automation', 'Run', 'Event', 'ApprovalDecision', 'PendingApproval', 'Error']) {
      expect(types).toContain(`        ${schema}: {`);
    }
  });
});
