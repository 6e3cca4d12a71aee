import { Migration } from '@mikro-orm/migrations';

export class Migration20261130052744_event_duplicates extends Migration {

  override name = 'Migration20261130052744_event_duplicates';

  /** Duplicate deliveries per recorded webhook event (written only when a duplicate arrives). */
  override up(): void | Promise<void> {
    this.addSql(`create table "event_duplicates" ("event_id" varchar(512) not null, "duplicates" int not null, "last_duplicate_at" timestamptz not null, primary key ("event_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "event_duplicates" cascade;`);
  }

}
