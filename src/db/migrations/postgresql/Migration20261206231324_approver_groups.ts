import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231324_approver_groups extends Migration {

  override name = 'Migration20261206231324_approver_groups';

  override up(): void | Promise<void> {
    this.addSql(`create table "approver_groups" ("name" varchar(255) not null, "members" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("name"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "approver_groups" cascade;`);
  }

}
