import { Migration } from '@mikro-orm/migrations';

export class Migration20261122054230_rag extends Migration {

  override name = 'Migration20261122054230_rag';

  override up(): void | Promise<void> {
    this.addSql(`create table "rag_chunks" ("id" serial primary key, "chunk_id" varchar(255) not null, "index_id" varchar(255) not null, "document_id" varchar(255) not null, "ordinal" int not null, "text" text not null, "metadata" jsonb not null, "embedding" text null);`);
    this.addSql(`alter table "rag_chunks" add constraint "rag_chunks_chunk_id_unique" unique ("chunk_id");`);
    this.addSql(`create index "rag_chunks_index_id_document_id_index" on "rag_chunks" ("index_id", "document_id");`);

    this.addSql(`create table "rag_documents" ("id" varchar(255) not null, "index_id" varchar(255) not null, "document_id" varchar(255) not null, "url" text null, "content" text null, "metadata" jsonb not null, "status" varchar(255) not null, "ingestion_id" varchar(255) not null, "chunk_count" int not null default 0, "error" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "rag_documents_index_id_index" on "rag_documents" ("index_id");`);
    this.addSql(`alter table "rag_documents" add constraint "rag_documents_index_id_document_id_unique" unique ("index_id", "document_id");`);

    this.addSql(`create table "rag_indexes" ("id" varchar(255) not null, "name" varchar(255) not null, "embedding" jsonb null, "chunking" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "rag_indexes" add constraint "rag_indexes_name_unique" unique ("name");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "rag_chunks" cascade;`);
    this.addSql(`drop table if exists "rag_documents" cascade;`);
    this.addSql(`drop table if exists "rag_indexes" cascade;`);
  }

}
