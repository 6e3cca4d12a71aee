/**
 * The names of each dialect's migrations, oldest first, without their code: `switchboard api`
 * and `worker` check the database against them at start (src/db/migration-check.ts) without
 * loading the migrator or the migrations. scripts/create-migration.ts appends here and to the
 * dialect's index.ts; test/unit/migration-names.test.ts checks that both lists agree.
 */
export const MIGRATION_NAMES: { readonly sqlite: readonly string[]; readonly postgresql: readonly string[] } = {
  sqlite: [
    'Migration20261122052625_initial',
    'Migration20261122054230_rag',
    'Migration20261122054500_rag_search',
    'Migration20261122054617_automations',
    'Migration20261130011557_identity',
    'Migration20261130043000_rag_store',
    'Migration20261130052744_event_duplicates',
    'Migration20261206201025_event_waits',
    'Migration20261206210635_poll_states',
    'Migration20261206231254_principal_profiles',
    'Migration20261206231318_oauth',
    'Migration20261206231322_agent_threads',
    'Migration20261206231323_approver_groups',
    'Migration20261207060304_event_wait_consumable',
    'Migration20261207142538_event_records',
  ],
  postgresql: [
    'Migration20261122052625_initial',
    'Migration20261122054230_rag',
    'Migration20261122054500_rag_search',
    'Migration20261122054617_automations',
    'Migration20261130011557_identity',
    'Migration20261130043000_rag_store',
    'Migration20261130052744_event_duplicates',
    'Migration20261206201026_event_waits',
    'Migration20261206203000_rag_hnsw',
    'Migration20261206210636_poll_states',
    'Migration20261206231255_principal_profiles',
    'Migration20261206231320_oauth',
    'Migration20261206231324_agent_threads',
    'Migration20261206231324_approver_groups',
    'Migration20261207060304_event_wait_consumable',
    'Migration20261207142538_event_records',
  ],
};
