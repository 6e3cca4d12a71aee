import { Migration } from '@mikro-orm/migrations';

export class Migration20261207142538_event_records extends Migration {

  override name = 'Migration20261207142538_event_records';

  /** Deliveries whose only effect was resuming waiting runs, recorded here instead of by an event workflow. */
  override up(): void | Promise<void> {
    this.addSql(`create table \`event_records\` (\`id\` text not null primary key, \`connector\` text not null, \`connection_id\` text not null, \`type\` text not null, \`received_at\` datetime not null, \`event\` json not null, \`resumed\` json not null);`);
    this.addSql(`create index \`event_records_received_at_index\` on \`event_records\` (\`received_at\`);`);
    this.addSql(`create index \`event_records_connection_id_received_at_index\` on \`event_records\` (\`connection_id\`, \`received_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`event_records\`;`);
  }

}
