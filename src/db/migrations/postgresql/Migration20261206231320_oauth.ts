import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231320_oauth extends Migration {

  override name = 'Migration20261206231320_oauth';

  override up(): void | Promise<void> {
    this.addSql(`create table "oauth_apps" ("connector" varchar(255) not null, "client_id" varchar(255) not null, "client_secret" text not null, "authorization_url" varchar(255) null, "token_url" varchar(255) null, "scopes" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("connector"));`);

    this.addSql(`create table "oauth_flows" ("state_hash" varchar(255) not null, "connector" varchar(255) not null, "sealed" text not null, "expires_at" timestamptz not null, "created_at" timestamptz not null, primary key ("state_hash"));`);
    this.addSql(`create index "oauth_flows_expires_at_index" on "oauth_flows" ("expires_at");`);

    this.addSql(`alter table "connections" add "status" varchar(255) not null default 'active', add "status_reason" text null, add "token_expires_at" timestamptz null, add "token_generation" int not null default 0, add "refresh_lease_until" timestamptz null, add "refresh_lease_owner" varchar(255) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "oauth_apps" cascade;`);
    this.addSql(`drop table if exists "oauth_flows" cascade;`);

    this.addSql(`alter table "connections" drop column "status", drop column "status_reason", drop column "token_expires_at", drop column "token_generation", drop column "refresh_lease_until", drop column "refresh_lease_owner";`);

  }

}
