import { Migration } from '@mikro-orm/migrations';

export class Migration20261206201026_event_waits extends Migration {

  override name = 'Migration20261206201026_event_waits';

  /** The index of runs parked on `wait_for_event` steps: (event pattern, key), plus the pairs of pattern and key expression. */
  override up(): void | Promise<void> {
    this.addSql(`create table "event_waits" ("id" varchar(600) not null, "workflow_id" varchar(512) not null, "event_pattern" varchar(255) not null, "key_expr" text not null, "key" varchar(255) not null, "connection_id" varchar(255) null, "expires_at" timestamptz not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "event_waits_expires_at_index" on "event_waits" ("expires_at");`);
    this.addSql(`create index "event_waits_event_pattern_key_index" on "event_waits" ("event_pattern", "key");`);

    this.addSql(`create table "event_wait_channels" ("id" varchar(64) not null, "event_root" varchar(255) not null, "event_pattern" varchar(255) not null, "key_expr" text not null, "last_used_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "event_wait_channels_event_root_index" on "event_wait_channels" ("event_root");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "event_waits" cascade;`);
    this.addSql(`drop table if exists "event_wait_channels" cascade;`);

  }

}
