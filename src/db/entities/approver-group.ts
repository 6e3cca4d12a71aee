import { defineEntity, p } from '@mikro-orm/core';

/**
 * A named group of principals (`/api/v1/groups`). An approval step names it as
 * `group:<name>` in `approvers`; its members are looked up when someone decides, so a
 * membership change applies to approvals already waiting.
 */
export const ApproverGroupSchema = defineEntity({
  name: 'ApproverGroup',
  tableName: 'approver_groups',
  properties: {
    name: p.string().primary(),
    /** Principal names (API key names, console users). */
    members: p.json<string[]>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class ApproverGroup extends ApproverGroupSchema.class {}
ApproverGroupSchema.setClass(ApproverGroup);
