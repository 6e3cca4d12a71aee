import { Migration } from '@mikro-orm/migrations';

export class Migration20261206210635_poll_states extends Migration {

  override name = 'Migration20261206210635_poll_states';

  /** The durable cursor and seen item ids of each polling automation. */
  override up(): void | Promise<void> {
    this.addSql(`create table \`poll_states\` (\`automation_id\` text not null primary key, \`state\` json not null, \`polls\` integer not null, \`updated_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`poll_states\`;`);

  }

}
