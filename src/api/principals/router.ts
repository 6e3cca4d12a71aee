/**
 * `/api/v1/principals`: how principals are reached outside Switchboard (email, Slack
 * user), for Slack and email approvals. Scope `admin`.
 */
import { z } from 'zod';
import { PrincipalProfile } from '../../db/entities/index.ts';
import { toProfileView, upsertPrincipalProfile } from '../../approvals/principal-profiles.ts';
import { nameString } from '../../schemas/ids.ts';
import type { Services } from '../../services.ts';
import { listOf, route } from '../http.ts';

const profileSchema = z
  .object({
    name: z.string().describe('the principal (API key principal, console user, approver name)'),
    email: z.string().nullable().describe('where approval emails go'),
    slackUserId: z.string().nullable().describe('the Slack user whose button clicks decide as this principal'),
    updatedAt: z.string(),
  })
  .meta({ id: 'PrincipalProfile' });

const putSchema = z
  .object({
    email: z.email().max(320).nullable().optional().describe('null clears it'),
    slackUserId: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,30}$/, 'must be a Slack user id such as U024BE7LH')
      .nullable()
      .optional()
      .describe('Slack user id (U…/W…); null clears it'),
  })
  .strict()
  .meta({ id: 'PutPrincipalProfile' });

export function principalRoutes(services: Services) {
  const em = () => services.orm.em.fork();
  return [
    listOf({
      path: '/principals',
      summary: 'List principals with an email or Slack user',
      tags: ['principals'],
      scope: 'admin',
      listed: 'Principals',
      schema: profileSchema,
      load: async () => (await em().find(PrincipalProfile, {}, { orderBy: { name: 'asc' } })).map(toProfileView),
    }),
    route({
      method: 'put',
      path: '/principals/:name',
      summary: "Set a principal's email and Slack user (for Slack and email approvals)",
      tags: ['principals'],
      scope: 'admin',
      params: z.object({ name: nameString }),
      body: putSchema,
      responses: {
        200: { description: 'Updated', schema: profileSchema },
        201: { description: 'Created', schema: profileSchema },
        409: { description: 'The Slack user belongs to another principal' },
      },
      handler: async ({ params, body }) => {
        const { view, created } = await upsertPrincipalProfile(em(), params.name, body);
        return { status: created ? 201 : 200, body: view };
      },
    }),
  ];
}
