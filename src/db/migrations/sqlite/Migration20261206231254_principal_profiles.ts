import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231254_principal_profiles extends Migration {

  override name = 'Migration20261206231254_principal_profiles';

  override up(): void | Promise<void> {
    this.addSql(`create table \`principal_profiles\` (\`name\` text not null primary key, \`email\` text null, \`slack_user_id\` text null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`principal_profiles_email_index\` on \`principal_profiles\` (\`email\`);`);
    this.addSql(`create unique index \`principal_profiles_slack_user_id_unique\` on \`principal_profiles\` (\`slack_user_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`principal_profiles\`;`);

  }

}
