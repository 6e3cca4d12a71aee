import { pingDatabase, type Orm } from '../src/db/orm.ts';

export interface SelfCheckResult {
  database: 'ok';
  dialect: string;
  checkedAt: string;
}

/** Activities of the system self-check: prove worker → activity → database works. */
export function createSelfCheckActivities(deps: { orm: Orm }) {
  return {
    async selfCheckDatabase(): Promise<SelfCheckResult> {
      await pingDatabase(deps.orm);
      return { database: 'ok', dialect: deps.orm.config.getDriver().getPlatform().constructor.name, checkedAt: new Date().toISOString() };
    },
  };
}
