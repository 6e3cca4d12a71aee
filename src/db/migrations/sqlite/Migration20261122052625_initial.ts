import { Migration } from '@mikro-orm/migrations';

export class Migration20261122052625_initial extends Migration {

  override name = 'Migration20261122052625_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`api_keys\` (\`id\` text not null primary key, \`name\` text not null, \`prefix\` text not null, \`hash\` text not null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`revoked_at\` datetime null);`);
    this.addSql(`create unique index \`api_keys_hash_unique\` on \`api_keys\` (\`hash\`);`);

    this.addSql(`create table \`connections\` (\`id\` text not null primary key, \`connector\` text not null, \`name\` text not null, \`config\` json not null, \`secrets\` text null, \`secret_fields\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`connections_connector_index\` on \`connections\` (\`connector\`);`);

    this.addSql(`create table \`mcp_servers\` (\`id\` text not null primary key, \`name\` text not null, \`url\` text null, \`transport\` text not null, \`command\` text null, \`args\` json null, \`secrets\` text null, \`secret_fields\` json not null, \`enabled\` integer not null default true, \`tools\` json not null, \`last_synced_at\` datetime null, \`last_error\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`mcp_servers_name_unique\` on \`mcp_servers\` (\`name\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`api_keys\`;`);
    this.addSql(`drop table if exists \`connections\`;`);
    this.addSql(`drop table if exists \`mcp_servers\`;`);
  }

}
