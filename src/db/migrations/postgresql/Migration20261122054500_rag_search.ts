import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: PostgreSQL full-text search for rag_chunks. A side table
 * `rag_chunks_search` (one row per chunk, kept by a trigger, removed by cascade) holds
 * the tsvector under a GIN index and, only where the server offers the `vector`
 * extension (pgvector), an `embedding_vec vector` column. Servers without pgvector
 * score embeddings in-process. The side table is outside the entity model
 * (schemaGenerator.skipTables), so generated migrations leave it alone.
 */
export class Migration20261122054500_rag_search extends Migration {
  override name = 'Migration20261122054500_rag_search';

  override up(): void | Promise<void> {
    this.addSql(`create table "rag_chunks_search" ("id" int primary key references "rag_chunks" ("id") on delete cascade, "tsv" tsvector not null);`);
    this.addSql(`create index "rag_chunks_search_tsv_index" on "rag_chunks_search" using gin ("tsv");`);
    this.addSql(`create function "rag_chunks_search_sync"() returns trigger language plpgsql as $fn$
begin
  insert into "rag_chunks_search" ("id", "tsv") values (new."id", to_tsvector('english', new."text"))
  on conflict ("id") do update set "tsv" = excluded."tsv";
  return new;
end
$fn$;`);
    this.addSql(`create trigger "rag_chunks_search_sync" after insert or update of "text" on "rag_chunks" for each row execute function "rag_chunks_search_sync"();`);
    this.addSql(`do $pgvector$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    begin
      create extension if not exists vector;
      alter table "rag_chunks_search" add column if not exists "embedding_vec" vector;
    exception when others then
      raise notice 'pgvector present but not enabled: %', sqlerrm;
    end;
  end if;
end
$pgvector$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "rag_chunks_search_sync" on "rag_chunks";`);
    this.addSql(`drop function if exists "rag_chunks_search_sync"();`);
    this.addSql(`drop table if exists "rag_chunks_search";`);
  }
}
