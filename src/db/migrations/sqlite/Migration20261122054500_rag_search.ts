import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: SQLite FTS5 index over rag_chunks.text (external content keyed by the
 * integer row id, porter stemming), kept in sync by triggers. BM25 ranks it.
 */
export class Migration20261122054500_rag_search extends Migration {
  override name = 'Migration20261122054500_rag_search';

  override up(): void | Promise<void> {
    this.addSql(`create virtual table \`rag_chunks_fts\` using fts5(\`text\`, content='rag_chunks', content_rowid='id', tokenize='porter unicode61');`);
    this.addSql(`create trigger \`rag_chunks_fts_ai\` after insert on \`rag_chunks\` begin insert into \`rag_chunks_fts\`(rowid, \`text\`) values (new.\`id\`, new.\`text\`); end;`);
    this.addSql(`create trigger \`rag_chunks_fts_ad\` after delete on \`rag_chunks\` begin insert into \`rag_chunks_fts\`(\`rag_chunks_fts\`, rowid, \`text\`) values ('delete', old.\`id\`, old.\`text\`); end;`);
    this.addSql(`create trigger \`rag_chunks_fts_au\` after update of \`text\` on \`rag_chunks\` begin insert into \`rag_chunks_fts\`(\`rag_chunks_fts\`, rowid, \`text\`) values ('delete', old.\`id\`, old.\`text\`); insert into \`rag_chunks_fts\`(rowid, \`text\`) values (new.\`id\`, new.\`text\`); end;`);
  }

  override down(): void | Promise<void> {
    this.addSql('drop trigger if exists `rag_chunks_fts_au`;');
    this.addSql('drop trigger if exists `rag_chunks_fts_ad`;');
    this.addSql('drop trigger if exists `rag_chunks_fts_ai`;');
    this.addSql('drop table if exists `rag_chunks_fts`;');
  }
}
