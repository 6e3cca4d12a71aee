import { Migration } from '@mikro-orm/migrations';

export class Migration20261207142538_event_records extends Migration {

  override name = 'Migration20261207142538_event_records';

  /** Deliveries whose only effect was resuming waiting runs, recorded here instead of by an event workflow. */
  override up(): void | Promise<void> {
    this.addSql(`create table "event_records" ("id" varchar(512) not null, "connector" varchar(255) not null, "connection_id" varchar(255) not null, "type" varchar(255) not null, "received_at" timestamptz not null, "event" jsonb not null, "resumed" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "event_records_received_at_index" on "event_records" ("received_at");`);
    this.addSql(`create index "event_records_connection_id_received_at_index" on "event_records" ("connection_id", "received_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "event_records" cascade;`);
  }

}
