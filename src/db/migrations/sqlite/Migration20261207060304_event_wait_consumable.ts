import { Migration } from '@mikro-orm/migrations';

export class Migration20261207060304_event_wait_consumable extends Migration {

  override name = 'Migration20261207060304_event_wait_consumable';

  /** Waits resumed by their first delivery: the API removes the row after signalling, the run does not. */
  override up(): void | Promise<void> {
    this.addSql(`alter table \`event_waits\` add column \`consumable\` integer not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`event_waits\` drop column \`consumable\`;`);
  }

}
