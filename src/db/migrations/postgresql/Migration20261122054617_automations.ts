import { Migration } from '@mikro-orm/migrations';

export class Migration20261122054617_automations extends Migration {

  override name = 'Migration20261122054617_automations';

  override up(): void | Promise<void> {
    this.addSql(`create table "approval_link_uses" ("nonce" varchar(255) not null, "workflow_id" varchar(255) not null, "step_id" varchar(255) not null, "approver" varchar(255) not null, "decision" varchar(255) not null, "used_at" timestamptz not null, primary key ("nonce"));`);
    this.addSql(`create index "approval_link_uses_workflow_id_index" on "approval_link_uses" ("workflow_id");`);

    this.addSql(`create table "automations" ("id" varchar(255) not null, "name" varchar(255) not null, "description" text null, "current_version" int not null, "trigger_type" varchar(255) not null, "webhook_connection_id" varchar(255) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "automations_name_index" on "automations" ("name");`);
    this.addSql(`create index "automations_webhook_connection_id_index" on "automations" ("webhook_connection_id");`);

    this.addSql(`create table "automation_versions" ("id" varchar(255) not null, "automation_id" varchar(255) not null, "version" int not null, "definition" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "automation_versions_automation_id_index" on "automation_versions" ("automation_id");`);
    this.addSql(`alter table "automation_versions" add constraint "automation_versions_automation_id_version_unique" unique ("automation_id", "version");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "approval_link_uses" cascade;`);
    this.addSql(`drop table if exists "automations" cascade;`);
    this.addSql(`drop table if exists "automation_versions" cascade;`);
  }

}
