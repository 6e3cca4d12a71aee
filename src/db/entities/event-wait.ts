import { defineEntity, p } from '@mikro-orm/core';

/**
 * A run parked on a `wait_for_event` step: the index an incoming event is matched
 * through, by (event pattern, key). Written by the run before it parks, deleted when the
 * wait ends; a row whose run ended otherwise (failed, terminated) expires at the wait's
 * deadline and is ignored, then purged. See src/automations/event-waits.ts.
 */
export const EventWaitSchema = defineEntity({
  name: 'EventWait',
  tableName: 'event_waits',
  indexes: [{ properties: ['eventPattern', 'key'] }],
  properties: {
    /** `<workflowId>/<stepId>#<visit>`: the registration the signal answers. */
    id: p.string().primary().length(600),
    workflowId: p.string().length(512),
    /** The step's `event` pattern (`github.pull_request.closed`, `github.*`). */
    eventPattern: p.string().length(255),
    /** The step's `eventKey` JSONata, evaluated over each incoming event. */
    keyExpr: p.text(),
    /** The rendered key (long keys as `sha256:<hex>`). */
    key: p.string().length(255),
    /** Only events of this connection match (null: any). */
    connectionId: p.string().nullable(),
    /**
     * The first delivery resumes the run (the step has no `if`): whoever signals it from the
     * API removes the row after the signal, and the run does not (one local activity less).
     */
    consumable: p.boolean().default(false),
    expiresAt: p.datetime().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class EventWait extends EventWaitSchema.class {}
EventWaitSchema.setClass(EventWait);

/**
 * The distinct (event pattern, `eventKey` expression) pairs waits have used: what an
 * incoming event evaluates to compute the keys it looks up. One row per pair that any
 * step ever registered (bounded by definitions, not by runs), found by the pattern's
 * first segment.
 */
export const EventWaitChannelSchema = defineEntity({
  name: 'EventWaitChannel',
  tableName: 'event_wait_channels',
  properties: {
    /** sha256 of pattern and expression. */
    id: p.string().primary().length(64),
    /** The pattern's first dotted segment (`github`), or `*`. */
    eventRoot: p.string().length(255).index(),
    eventPattern: p.string().length(255),
    keyExpr: p.text(),
    lastUsedAt: p.datetime(),
  },
});
export class EventWaitChannel extends EventWaitChannelSchema.class {}
EventWaitChannelSchema.setClass(EventWaitChannel);
