import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231318_oauth extends Migration {

  override name = 'Migration20261206231318_oauth';

  override up(): void | Promise<void> {
    this.addSql(`create table \`oauth_apps\` (\`connector\` text not null primary key, \`client_id\` text not null, \`client_secret\` text not null, \`authorization_url\` text null, \`token_url\` text null, \`scopes\` json null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);

    this.addSql(`create table \`oauth_flows\` (\`state_hash\` text not null primary key, \`connector\` text not null, \`sealed\` text not null, \`expires_at\` datetime not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`oauth_flows_expires_at_index\` on \`oauth_flows\` (\`expires_at\`);`);

    this.addSql(`alter table \`connections\` add column \`status\` text not null default 'active';`);
    this.addSql(`alter table \`connections\` add column \`status_reason\` text null;`);
    this.addSql(`alter table \`connections\` add column \`token_expires_at\` datetime null;`);
    this.addSql(`alter table \`connections\` add column \`token_generation\` integer not null default 0;`);
    this.addSql(`alter table \`connections\` add column \`refresh_lease_until\` datetime null;`);
    this.addSql(`alter table \`connections\` add column \`refresh_lease_owner\` text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`oauth_apps\`;`);
    this.addSql(`drop table if exists \`oauth_flows\`;`);

    this.addSql(`alter table \`connections\` drop column \`status\`;`);
    this.addSql(`alter table \`connections\` drop column \`status_reason\`;`);
    this.addSql(`alter table \`connections\` drop column \`token_expires_at\`;`);
    this.addSql(`alter table \`connections\` drop column \`token_generation\`;`);
    this.addSql(`alter table \`connections\` drop column \`refresh_lease_until\`;`);
    this.addSql(`alter table \`connections\` drop column \`refresh_lease_owner\`;`);

  }

}
