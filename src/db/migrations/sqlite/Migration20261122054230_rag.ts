import { Migration } from '@mikro-orm/migrations';

export class Migration20261122054230_rag extends Migration {

  override name = 'Migration20261122054230_rag';

  override up(): void | Promise<void> {
    this.addSql(`create table \`rag_chunks\` (\`id\` integer not null primary key autoincrement, \`chunk_id\` text not null, \`index_id\` text not null, \`document_id\` text not null, \`ordinal\` integer not null, \`text\` text not null, \`metadata\` json not null, \`embedding\` text null);`);
    this.addSql(`create unique index \`rag_chunks_chunk_id_unique\` on \`rag_chunks\` (\`chunk_id\`);`);
    this.addSql(`create index \`rag_chunks_index_id_document_id_index\` on \`rag_chunks\` (\`index_id\`, \`document_id\`);`);

    this.addSql(`create table \`rag_documents\` (\`id\` text not null primary key, \`index_id\` text not null, \`document_id\` text not null, \`url\` text null, \`content\` text null, \`metadata\` json not null, \`status\` text not null, \`ingestion_id\` text not null, \`chunk_count\` integer not null default 0, \`error\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`rag_documents_index_id_index\` on \`rag_documents\` (\`index_id\`);`);
    this.addSql(`create unique index \`rag_documents_index_id_document_id_unique\` on \`rag_documents\` (\`index_id\`, \`document_id\`);`);

    this.addSql(`create table \`rag_indexes\` (\`id\` text not null primary key, \`name\` text not null, \`embedding\` json null, \`chunking\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`rag_indexes_name_unique\` on \`rag_indexes\` (\`name\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`rag_chunks\`;`);
    this.addSql(`drop table if exists \`rag_documents\`;`);
    this.addSql(`drop table if exists \`rag_indexes\`;`);
  }

}
