import { Migration } from '@mikro-orm/migrations';

export class Migration20261206231324_agent_threads extends Migration {

  override name = 'Migration20261206231324_agent_threads';

  override up(): void | Promise<void> {
    this.addSql(`create table "agent_threads" ("key" varchar(512) not null, "messages" jsonb not null, "tokens" int not null, "runs" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("key"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "agent_threads" cascade;`);
  }

}
