import { Migration } from '@mikro-orm/migrations';

export class Migration20261206201025_event_waits extends Migration {

  override name = 'Migration20261206201025_event_waits';

  /** The index of runs parked on `wait_for_event` steps: (event pattern, key), plus the pairs of pattern and key expression. */
  override up(): void | Promise<void> {
    this.addSql(`create table \`event_waits\` (\`id\` text not null primary key, \`workflow_id\` text not null, \`event_pattern\` text not null, \`key_expr\` text not null, \`key\` text not null, \`connection_id\` text null, \`expires_at\` datetime not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`event_waits_expires_at_index\` on \`event_waits\` (\`expires_at\`);`);
    this.addSql(`create index \`event_waits_event_pattern_key_index\` on \`event_waits\` (\`event_pattern\`, \`key\`);`);

    this.addSql(`create table \`event_wait_channels\` (\`id\` text not null primary key, \`event_root\` text not null, \`event_pattern\` text not null, \`key_expr\` text not null, \`last_used_at\` datetime not null);`);
    this.addSql(`create index \`event_wait_channels_event_root_index\` on \`event_wait_channels\` (\`event_root\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`event_waits\`;`);
    this.addSql(`drop table if exists \`event_wait_channels\`;`);

  }

}
