import { Migration20261207142538_event_records } from './Migration20261207142538_event_records.ts';
import { Migration20261207060304_event_wait_consumable } from './Migration20261207060304_event_wait_consumable.ts';
import { Migration20261206231255_principal_profiles } from './Migration20261206231255_principal_profiles.ts';
import { Migration20261206231320_oauth } from './Migration20261206231320_oauth.ts';
import { Migration20261206231324_agent_threads } from './Migration20261206231324_agent_threads.ts';
import { Migration20261206231324_approver_groups } from './Migration20261206231324_approver_groups.ts';
import { Migration20261206201026_event_waits } from './Migration20261206201026_event_waits.ts';
import { Migration20261206210636_poll_states } from './Migration20261206210636_poll_states.ts';
import { Migration20261130043000_rag_store } from './Migration20261130043000_rag_store.ts';
import { Migration20261130052744_event_duplicates } from './Migration20261130052744_event_duplicates.ts';
import { Migration20261206203000_rag_hnsw } from './Migration20261206203000_rag_hnsw.ts';
import { Migration20261130011557_identity } from './Migration20261130011557_identity.ts';
import { Migration20261122054500_rag_search } from './Migration20261122054500_rag_search.ts';
import { Migration20261122054230_rag } from './Migration20261122054230_rag.ts';
import { Migration20261122054617_automations } from './Migration20261122054617_automations.ts';
import { Migration20261122052625_initial } from './Migration20261122052625_initial.ts';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
// Generated migrations are listed here, oldest first (scripts/create-migration.ts appends).
export const postgresqlMigrations: { name: string; class: Constructor<Migration> }[] = [
  { name: 'Migration20261122052625_initial', class: Migration20261122052625_initial },
  { name: 'Migration20261122054230_rag', class: Migration20261122054230_rag },
  { name: 'Migration20261122054500_rag_search', class: Migration20261122054500_rag_search },
  { name: 'Migration20261122054617_automations', class: Migration20261122054617_automations },
  { name: 'Migration20261130011557_identity', class: Migration20261130011557_identity },
  { name: 'Migration20261130043000_rag_store', class: Migration20261130043000_rag_store },
  { name: 'Migration20261130052744_event_duplicates', class: Migration20261130052744_event_duplicates },
  { name: 'Migration20261206201026_event_waits', class: Migration20261206201026_event_waits },
  { name: 'Migration20261206203000_rag_hnsw', class: Migration20261206203000_rag_hnsw },
  { name: 'Migration20261206210636_poll_states', class: Migration20261206210636_poll_states },
  { name: 'Migration20261206231255_principal_profiles', class: Migration20261206231255_principal_profiles },
  { name: 'Migration20261206231320_oauth', class: Migration20261206231320_oauth },
  { name: 'Migration20261206231324_agent_threads', class: Migration20261206231324_agent_threads },
  { name: 'Migration20261206231324_approver_groups', class: Migration20261206231324_approver_groups },
  { name: 'Migration20261207060304_event_wait_consumable', class: Migration20261207060304_event_wait_consumable },
  { name: 'Migration20261207142538_event_records', class: Migration20261207142538_event_records },
];
