import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231323_approver_groups extends Migration {

  override name = 'Migration20261206231323_approver_groups';

  override up(): void | Promise<void> {
    this.addSql(`create table \`approver_groups\` (\`name\` text not null primary key, \`members\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`approver_groups\`;`);
  }

}
