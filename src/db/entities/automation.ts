import { defineEntity, p } from '@mikro-orm/core';

/**
 * An automation: a name and a pointer to its current version. Deleting sets
 * `deletedAt` and keeps every version, so runs in flight keep their definition.
 * The trigger columns are denormalised from the current version for routing.
 */
export const AutomationSchema = defineEntity({
  name: 'Automation',
  tableName: 'automations',
  properties: {
    id: p.string().primary(),
    name: p.string().index(),
    description: p.text().nullable(),
    currentVersion: p.integer(),
    triggerType: p.string(),
    /** Webhook trigger: the connection whose events it subscribes to. */
    webhookConnectionId: p.string().nullable().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    deletedAt: p.datetime().nullable(),
  },
});
export class Automation extends AutomationSchema.class {}
AutomationSchema.setClass(Automation);

/** One immutable version of an automation's definition; runs are pinned to one. */
export const AutomationVersionSchema = defineEntity({
  name: 'AutomationVersion',
  tableName: 'automation_versions',
  uniques: [{ properties: ['automationId', 'version'] }],
  properties: {
    id: p.string().primary(),
    automationId: p.string().index(),
    version: p.integer(),
    definition: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AutomationVersion extends AutomationVersionSchema.class {}
AutomationVersionSchema.setClass(AutomationVersion);

/** A used signed approval link (links are single-use; the nonce is the key). */
export const ApprovalLinkUseSchema = defineEntity({
  name: 'ApprovalLinkUse',
  tableName: 'approval_link_uses',
  properties: {
    nonce: p.string().primary(),
    workflowId: p.string().index(),
    stepId: p.string(),
    approver: p.string(),
    decision: p.string(),
    usedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class ApprovalLinkUse extends ApprovalLinkUseSchema.class {}
ApprovalLinkUseSchema.setClass(ApprovalLinkUse);
