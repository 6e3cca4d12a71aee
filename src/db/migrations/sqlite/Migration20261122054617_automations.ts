import { Migration } from '@mikro-orm/migrations';

export class Migration20261122054617_automations extends Migration {

  override name = 'Migration20261122054617_automations';

  override up(): void | Promise<void> {
    this.addSql(`create table \`approval_link_uses\` (\`nonce\` text not null primary key, \`workflow_id\` text not null, \`step_id\` text not null, \`approver\` text not null, \`decision\` text not null, \`used_at\` datetime not null);`);
    this.addSql(`create index \`approval_link_uses_workflow_id_index\` on \`approval_link_uses\` (\`workflow_id\`);`);

    this.addSql(`create table \`automations\` (\`id\` text not null primary key, \`name\` text not null, \`description\` text null, \`current_version\` integer not null, \`trigger_type\` text not null, \`webhook_connection_id\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`deleted_at\` datetime null);`);
    this.addSql(`create index \`automations_name_index\` on \`automations\` (\`name\`);`);
    this.addSql(`create index \`automations_webhook_connection_id_index\` on \`automations\` (\`webhook_connection_id\`);`);

    this.addSql(`create table \`automation_versions\` (\`id\` text not null primary key, \`automation_id\` text not null, \`version\` integer not null, \`definition\` json not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`automation_versions_automation_id_index\` on \`automation_versions\` (\`automation_id\`);`);
    this.addSql(`create unique index \`automation_versions_automation_id_version_unique\` on \`automation_versions\` (\`automation_id\`, \`version\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`approval_link_uses\`;`);
    this.addSql(`drop table if exists \`automations\`;`);
    this.addSql(`drop table if exists \`automation_versions\`;`);
  }

}
