import { Migration } from '@mikro-orm/migrations';

export class Migration20261130011557_identity extends Migration {

  override name = 'Migration20261130011557_identity';

  /**
   * Keys minted before scopes existed could call every route (key management
   * included, which was the bug). They keep every scope except `admin` and `approvals:act-as`, so they
   * go on working but can no longer mint, list or revoke keys or decide for others; their principal is
   * their name. Re-mint a key to narrow it.
   */
  override up(): void | Promise<void> {
    this.addSql(`create table \`console_sessions\` (\`id\` text not null primary key, \`token_hash\` text not null, \`api_key_id\` text not null, \`key_hash\` text not null, \`csrf_token\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null);`);
    this.addSql(`create unique index \`console_sessions_token_hash_unique\` on \`console_sessions\` (\`token_hash\`);`);
    this.addSql(`create index \`console_sessions_api_key_id_index\` on \`console_sessions\` (\`api_key_id\`);`);
    this.addSql(`create index \`console_sessions_expires_at_index\` on \`console_sessions\` (\`expires_at\`);`);

    this.addSql(`alter table \`api_keys\` add column \`principal\` text not null default '';`);
    this.addSql(`alter table \`api_keys\` add column \`scopes\` text not null default 'approvals:decide approvals:read automations:read automations:write connections:read connections:write events:read metrics:read runs:read runs:write';`);
    this.addSql(`update \`api_keys\` set \`principal\` = \`name\`;`);
    // SQLite cannot drop a column default: rebuild the table without them (as the generator does).
    this.addSql(`create table \`api_keys__temp_alter\` (\`id\` text not null primary key, \`name\` text not null, \`principal\` text not null, \`scopes\` text not null, \`prefix\` text not null, \`hash\` text not null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`revoked_at\` datetime null);`);
    this.addSql(`insert into \`api_keys__temp_alter\` select \`id\`, \`name\`, \`principal\`, \`scopes\`, \`prefix\`, \`hash\`, \`created_at\`, \`last_used_at\`, \`revoked_at\` from \`api_keys\`;`);
    this.addSql(`drop table \`api_keys\`;`);
    this.addSql(`alter table \`api_keys__temp_alter\` rename to \`api_keys\`;`);
    this.addSql(`create unique index \`api_keys_hash_unique\` on \`api_keys\` (\`hash\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`console_sessions\`;`);

    this.addSql(`alter table \`api_keys\` drop column \`principal\`;`);
    this.addSql(`alter table \`api_keys\` drop column \`scopes\`;`);
  }

}
