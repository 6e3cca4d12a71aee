import { Migration } from '@mikro-orm/migrations';

export class Migration20261122052625_initial extends Migration {

  override name = 'Migration20261122052625_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "api_keys" ("id" varchar(255) not null, "name" varchar(255) not null, "prefix" varchar(255) not null, "hash" varchar(255) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_hash_unique" unique ("hash");`);

    this.addSql(`create table "connections" ("id" varchar(255) not null, "connector" varchar(255) not null, "name" varchar(255) not null, "config" jsonb not null, "secrets" text null, "secret_fields" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "connections_connector_index" on "connections" ("connector");`);

    this.addSql(`create table "mcp_servers" ("id" varchar(255) not null, "name" varchar(255) not null, "url" varchar(255) null, "transport" varchar(255) not null, "command" varchar(255) null, "args" jsonb null, "secrets" text null, "secret_fields" jsonb not null, "enabled" boolean not null default true, "tools" jsonb not null, "last_synced_at" timestamptz null, "last_error" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "mcp_servers" add constraint "mcp_servers_name_unique" unique ("name");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "api_keys" cascade;`);
    this.addSql(`drop table if exists "connections" cascade;`);
    this.addSql(`drop table if exists "mcp_servers" cascade;`);
  }

}
