/**
 * The console's query keys (console/src/queries.ts): an API path's segments, so invalidating a
 * path reaches everything under it (a TanStack Query client, as the console runs it).
 */
import { describe, expect, it } from 'vitest';
import { createQueryClient, keyOf } from '../../console/src/queries.ts';

describe('console query keys', () => {
  it('are the path segments (decoded), then the query string', () => {
    expect(keyOf('/runs')).toEqual(['runs']);
    expect(keyOf('/runs/run%3Aa%2Fb?limit=5&cursor=x')).toEqual(['runs', 'run:a/b', '?limit=5&cursor=x']);
    expect(keyOf('/events?')).toEqual(['events']);
  });

  it('invalidating a path marks it and what lies under it stale, and nothing beside it', async () => {
    const client = createQueryClient();
    const paths = ['/automations', '/automations/a1', '/automations/a1/versions', '/automations/a1/schedule', '/automations/a2', '/runs?automationId=a1', '/connections'];
    for (const p of paths) client.setQueryData(keyOf(p), { p });
    await client.invalidateQueries({ queryKey: keyOf('/automations/a1') });
    const stale = paths.filter((p) => client.getQueryState(keyOf(p))?.isInvalidated);
    expect(stale).toEqual(['/automations/a1', '/automations/a1/versions', '/automations/a1/schedule']);
    await client.invalidateQueries({ queryKey: keyOf('/runs') });
    expect(client.getQueryState(keyOf('/runs?automationId=a1'))?.isInvalidated).toBe(true);
    expect(client.getQueryState(keyOf('/connections'))?.isInvalidated).toBe(false);
    client.clear();
    expect(client.getQueryData(keyOf('/connections'))).toBeUndefined();
  });
});
