import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/db/migrations/names.ts';
import { postgresqlMigrations } from '../../src/db/migrations/postgresql/index.ts';
import { sqliteMigrations } from '../../src/db/migrations/sqlite/index.ts';

// `switchboard api` and `worker` check the database by these names without loading the migrations.
describe('MIGRATION_NAMES', () => {
  it.each([
    ['sqlite', sqliteMigrations],
    ['postgresql', postgresqlMigrations],
  ] as const)('lists the %s migrations in order', (dialect, list) => {
    expect(MIGRATION_NAMES[dialect]).toEqual(list.map((m) => m.name));
  });
});
