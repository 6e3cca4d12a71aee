/**
 * Activities of the `wait_for_event` step (run as local activities): register a wait
 * in the index before the run parks, remove it when the wait ends.
 */
import { clearEventWait, registerEventWait, type EventWaitRegistration } from '../src/automations/event-waits.ts';
import type { ActivityDeps } from './deps.ts';

export function createEventWaitActivities(deps: Pick<ActivityDeps, 'orm'>) {
  return {
    async registerEventWait(reg: EventWaitRegistration): Promise<void> {
      await registerEventWait(deps.orm, reg);
    },
    async clearEventWait(args: { id: string }): Promise<void> {
      await clearEventWait(deps.orm, args.id);
    },
  };
}
