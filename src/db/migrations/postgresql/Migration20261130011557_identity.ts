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
    this.addSql(`create table "console_sessions" ("id" varchar(255) not null, "token_hash" varchar(255) not null, "api_key_id" varchar(255) not null, "key_hash" varchar(255) not null, "csrf_token" varchar(255) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "console_sessions" add constraint "console_sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "console_sessions_api_key_id_index" on "console_sessions" ("api_key_id");`);
    this.addSql(`create index "console_sessions_expires_at_index" on "console_sessions" ("expires_at");`);

    this.addSql(`alter table "api_keys" add "principal" varchar(255) not null default '', add "scopes" text not null default 'approvals:decide approvals:read automations:read automations:write connections:read connections:write events:read metrics:read runs:read runs:write';`);
    this.addSql(`update "api_keys" set "principal" = "name";`);
    this.addSql(`alter table "api_keys" alter column "principal" drop default, alter column "scopes" drop default;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "console_sessions" cascade;`);

    this.addSql(`alter table "api_keys" drop column "principal", drop column "scopes";`);
  }

}
