import { defineEntity, p } from '@mikro-orm/core';

/**
 * The durable state of an automation's polling trigger: the connector's cursor and the
 * item ids already seen (`PollState` in workflows/contracts.ts). Written by the poll
 * workflow's commit activity only after every new item's run was started, so a crash in
 * between re-polls the same items and their deterministic run ids dedupe them.
 */
export const PollStateSchema = defineEntity({
  name: 'PollStateRecord',
  tableName: 'poll_states',
  properties: {
    automationId: p.string().primary(),
    state: p.json<Record<string, unknown>>(),
    /** Polls committed so far (diagnostics). */
    polls: p.integer(),
    updatedAt: p.datetime(),
  },
});
export class PollStateRecord extends PollStateSchema.class {}
PollStateSchema.setClass(PollStateRecord);
