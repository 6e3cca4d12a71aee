/**
 * `/groups`: named groups of principals that approval steps name as `group:<name>` in
 * their `approvers` (scope `admin`). Members are resolved when someone decides.
 */
import { z } from 'zod';
import { ApproverGroup } from '../../db/entities/index.ts';
import { groupName } from '../../approvals/groups.ts';
import type { Services } from '../../services.ts';
import { deleteOne, getOne, listOf, route } from '../http.ts';
import { assertNameFree, orNotFound } from '../lookup.ts';
import { nameString } from '../ids.ts';

const members = z
  .array(nameString.describe('a principal name (an API key name or console user)'))
  .max(500)
  .transform((m) => [...new Set(m)])
  .describe('principals of the group (duplicates are dropped)');
const createSchema = z.object({ name: groupName, members }).meta({ id: 'CreateGroup' });
const updateSchema = z.object({ members }).meta({ id: 'UpdateGroup' });
const nameParams = z.object({ name: groupName });
const viewSchema = z
  .object({ name: z.string(), members: z.array(z.string()), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Group' });

function view(g: ApproverGroup): z.infer<typeof viewSchema> {
  return { name: g.name, members: g.members, createdAt: g.createdAt.toISOString(), updatedAt: g.updatedAt.toISOString() };
}

export function groupRoutes(services: Services) {
  const load = async (em: ReturnType<Services['orm']['em']['fork']>, name: string) => orNotFound(await em.findOne(ApproverGroup, { name }), `group ${name}`);
  return [
    route({
      method: 'post',
      path: '/groups',
      summary: 'Create a group of approvers',
      description: 'An approval step names it as `group:<name>` in `approvers`; members are resolved when someone decides.',
      tags: ['approvals'],
      scope: 'admin',
      body: createSchema,
      responses: { 201: { description: 'Created', schema: viewSchema }, 409: { description: 'Name taken' } },
      handler: async ({ body }) => {
        const em = services.orm.em.fork();
        await assertNameFree(em, ApproverGroup, body.name, 'a group');
        const now = new Date();
        const row = em.create(ApproverGroup, { name: body.name, members: body.members, createdAt: now, updatedAt: now });
        await em.flush();
        return { status: 201, body: view(row) };
      },
    }),
    listOf({
      path: '/groups',
      summary: 'List groups of approvers',
      tags: ['approvals'],
      scope: 'admin',
      listed: 'Groups',
      schema: viewSchema,
      load: async () => (await services.orm.em.fork().find(ApproverGroup, {}, { orderBy: { name: 'asc' } })).map(view),
    }),
    getOne({
      path: '/groups/:name',
      summary: 'Get a group of approvers',
      tags: ['approvals'],
      scope: 'admin',
      params: nameParams,
      noun: 'group',
      schema: viewSchema,
      load: async ({ name }) => view(await load(services.orm.em.fork(), name)),
    }),
    route({
      method: 'put',
      path: '/groups/:name',
      summary: "Replace a group's members (applies to approvals already waiting)",
      tags: ['approvals'],
      scope: 'admin',
      params: nameParams,
      body: updateSchema,
      responses: { 200: { description: 'Updated', schema: viewSchema }, 404: { description: 'No such group' } },
      handler: async ({ params, body }) => {
        const em = services.orm.em.fork();
        const row = await load(em, params.name);
        row.members = body.members;
        row.updatedAt = new Date();
        await em.flush();
        return { body: view(row) };
      },
    }),
    deleteOne({
      path: '/groups/:name',
      summary: 'Delete a group (approval steps naming it then admit none of its former members)',
      tags: ['approvals'],
      scope: 'admin',
      params: nameParams,
      noun: 'group',
      done: 'Deleted',
      remove: async ({ name }) => {
        const em = services.orm.em.fork();
        em.remove(await load(em, name));
        await em.flush();
      },
    }),
  ];
}
