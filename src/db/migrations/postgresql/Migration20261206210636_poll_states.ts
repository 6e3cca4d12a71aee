import { Migration } from '@mikro-orm/migrations';

export class Migration20261206210636_poll_states extends Migration {

  override name = 'Migration20261206210636_poll_states';

  /** The durable cursor and seen item ids of each polling automation. */
  override up(): void | Promise<void> {
    this.addSql(`create table "poll_states" ("automation_id" varchar(255) not null, "state" jsonb not null, "polls" int not null, "updated_at" timestamptz not null, primary key ("automation_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "poll_states" cascade;`);

  }

}
