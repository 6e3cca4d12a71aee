import { Migration } from '@mikro-orm/migrations';

export class Migration20261130043000_rag_store extends Migration {

  override name = 'Migration20261130043000_rag_store';

  /** An index names its vector store (a connection); null keeps the embedded SQL store. */
  override up(): void | Promise<void> {
    this.addSql(`alter table \`rag_indexes\` add column \`store\` json null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`rag_indexes\` drop column \`store\`;`);
  }

}
