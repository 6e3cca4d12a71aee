import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231322_agent_threads extends Migration {

  override name = 'Migration20261206231322_agent_threads';

  override up(): void | Promise<void> {
    this.addSql(`create table \`agent_threads\` (\`key\` text not null primary key, \`messages\` json not null, \`tokens\` integer not null, \`runs\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`agent_threads\`;`);
  }

}
