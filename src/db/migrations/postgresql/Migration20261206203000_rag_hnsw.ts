import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: HNSW indexes (cosine distance) on the pgvector column of
 * `rag_chunks_search`, where the server has pgvector. The column holds embeddings of any
 * dimension (each RAG index picks its model), and HNSW needs one, so there is one partial
 * expression index per common dimension; `ChunkStore.vectorSearch` queries through the same
 * expression (`HNSW_DIMENSIONS` in src/rag/store.ts lists them). Other dimensions are
 * scanned exactly. Without pgvector this does nothing.
 */
export class Migration20261206203000_rag_hnsw extends Migration {
  override name = 'Migration20261206203000_rag_hnsw';

  override up(): void | Promise<void> {
    this.addSql(`do $hnsw$
declare d int;
begin
  if exists (select 1 from information_schema.columns where table_name = 'rag_chunks_search' and column_name = 'embedding_vec') then
    foreach d in array array[256, 384, 512, 768, 1024, 1536] loop
      execute format('create index if not exists %I on "rag_chunks_search" using hnsw ((("embedding_vec")::vector(%s)) vector_cosine_ops) where vector_dims("embedding_vec") = %s',
        'rag_chunks_search_hnsw_' || d, d, d);
    end loop;
  end if;
end
$hnsw$;`);
  }

  override down(): void | Promise<void> {
    for (const d of [256, 384, 512, 768, 1024, 1536]) this.addSql(`drop index if exists "rag_chunks_search_hnsw_${d}";`);
  }
}
