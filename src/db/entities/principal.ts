import { defineEntity, p } from '@mikro-orm/core';

/**
 * How to reach a principal (the name API keys, console users and approvers go by) outside
 * Switchboard: the email address approval emails go to and the Slack user whose button
 * clicks decide as this principal. Managed with `PUT /api/v1/principals/:name`.
 */
export const PrincipalProfileSchema = defineEntity({
  name: 'PrincipalProfile',
  tableName: 'principal_profiles',
  properties: {
    name: p.string().primary(),
    email: p.string().nullable().index(),
    slackUserId: p.string().nullable().unique(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class PrincipalProfile extends PrincipalProfileSchema.class {}
PrincipalProfileSchema.setClass(PrincipalProfile);
