import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231255_principal_profiles extends Migration {

  override name = 'Migration20261206231255_principal_profiles';

  override up(): void | Promise<void> {
    this.addSql(`create table "principal_profiles" ("name" varchar(255) not null, "email" varchar(255) null, "slack_user_id" varchar(255) null, "updated_at" timestamptz not null, primary key ("name"));`);
    this.addSql(`create index "principal_profiles_email_index" on "principal_profiles" ("email");`);
    this.addSql(`alter table "principal_profiles" add constraint "principal_profiles_slack_user_id_unique" unique ("slack_user_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "principal_profiles" cascade;`);

  }

}
