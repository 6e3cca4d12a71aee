import { z } from 'zod';
import { ApiKey } from '../../db/entities/index.ts';
import { scopeSchema } from '../../security/scopes.ts';
import type { Services } from '../../services.ts';
import { deleteOne, linkTo, listOf, route } from '../http.ts';
import { idParams, nameString } from '../ids.ts';
import { orNotFound } from '../lookup.ts';
import { deleteSessionsOfKey } from '../session/store.ts';
import { createApiKey, revokeApiKey, toView } from '../../security/api-key-store.ts';

const keySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    principal: z.string().describe('who holds the key; requests are attributed to this name'),
    scopes: z.array(scopeSchema),
    prefix: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
const createSchema = z
  .object({
    name: nameString.describe('what the key is for'),
    principal: nameString.optional().describe('who holds the key (the approver name it decides as); default: the name'),
    scopes: z.array(scopeSchema).min(1).describe('granted scopes; `admin` implies all'),
  })
  .meta({ id: 'CreateApiKey' });

export function keyRoutes(services: Services) {
  const em = () => services.orm.em.fork();
  return [
    listOf({
      path: '/api-keys',
      summary: 'List API keys (never their values)',
      tags: ['api-keys'],
      scope: 'admin',
      listed: 'Keys',
      schema: keySchema,
      load: async () => (await em().find(ApiKey, {}, { orderBy: { createdAt: 'asc' } })).map(toView),
    }),
    route({
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key for a principal with scopes; the key is shown once',
      tags: ['api-keys'],
      scope: 'admin',
      body: createSchema,
      responses: { 201: { description: 'Created', schema: keySchema.extend({ key: z.string() }) } },
      links: { 201: { RevokeKey: linkTo('delete', '/api-keys/:id', { id: '$response.body#/id' }) } },
      handler: async ({ body }) => {
        const { key, view } = await createApiKey(em(), { ...body, principal: body.principal ?? body.name });
        return { status: 201, body: { ...view, key } };
      },
    }),
    deleteOne({
      path: '/api-keys/:id',
      summary: 'Revoke an API key (and end its console sessions)',
      tags: ['api-keys'],
      scope: 'admin',
      params: idParams,
      noun: 'key',
      done: 'Revoked',
      remove: async ({ id }) => {
        const key = orNotFound(await revokeApiKey(em(), id), `API key ${id}`);
        services.apiKeyPrincipals.invalidate();
        await deleteSessionsOfKey(services, key.id);
      },
    }),
  ];
}
