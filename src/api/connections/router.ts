import { z } from 'zod';
import type { Services } from '../../services.ts';
import { deleteOne, errorBodySchema, getOne, linksToCreated, listOf, route } from '../http.ts';
import { idParams, idString, nameString } from '../ids.ts';
import { CONNECTION_ID_PREFIX } from '../../connections/store.ts';
import { connectorKeySchema } from '../connectors/router.ts';
import { idempotencyKeyReusedResponse } from '../temporal-responses.ts';
import { createConnection, findConnection, runAction, testConnection, testUnsavedConnection, toView, updateConnection } from '../../connections/service.ts';
import { Connection } from '../../db/entities/index.ts';
import { badRequest } from '../../errors.ts';

const connectionSchema = z
  .object({
    id: z.string(),
    connector: z.string(),
    name: z.string(),
    config: z.record(z.string(), z.unknown()),
    secretFields: z.array(z.string()).meta({ description: 'Names of the secret fields that are set (never their values)' }),
    status: z.enum(['active', 'needs_reconnect']).meta({ description: '`needs_reconnect`: the provider refused the OAuth refresh token; actions fail with AUTH_FAILED until it is connected again' }),
    statusReason: z.string().optional(),
    tokenExpiresAt: z.string().optional().meta({ description: 'OAuth connections: when the current access token expires (refreshed a minute before)' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Connection' });

const jsonObject = z.record(z.string(), z.unknown());
/** A connection name: steps may name a connection by id or name, so a name never looks like an id. */
const connectionName = nameString.regex(new RegExp(`^(?!\\s*${CONNECTION_ID_PREFIX})`), `must not start with "${CONNECTION_ID_PREFIX}" (connection ids do)`);
const createShape = {
    connector: z.string().min(1),
    name: connectionName,
    config: jsonObject.optional(),
    secrets: jsonObject.optional(),
};
const patchSchema = z
  .object({
    name: connectionName.optional(),
    config: jsonObject.optional(),
    secrets: jsonObject.optional().meta({ description: 'Merged into the stored secrets; a null value removes that field' }),
  })
  .meta({ id: 'UpdateConnection' });
const testUnsavedShape = {
  connector: z.string().min(1),
  config: jsonObject.optional(),
  secrets: jsonObject.optional().meta({ description: 'Used for this test only: never stored, never echoed' }),
};
const testResultSchema = z
  .object({
    ok: z.boolean().nullable().meta({ description: 'true: a real call succeeded; false: it failed; null: nothing could be called (the message says why)' }),
    message: z.string(),
  })
  .meta({ id: 'ConnectionTestResult' });
const actionParams = z.object({ id: idString, action: idString });
const IDEMPOTENCY_KEY = /^[\w.:-]{1,128}$/;

export function connectionRoutes(services: Services) {
  const em = () => services.orm.em.fork();
  // The installed connectors, as an enum in the document (built-ins and SWITCHBOARD_CONNECTOR_PACKAGES).
  const connectorKey = connectorKeySchema(services);
  const createSchema = z.object({ ...createShape, connector: connectorKey }).describe('A new connection');
  const testUnsavedSchema = z.object({ ...testUnsavedShape, connector: connectorKey }).describe('A connection to test without saving it');
  return [
    listOf({
      path: '/connections',
      summary: 'List connections (secret field names only)',
      tags: ['connections'],
      scope: 'connections:read',
      query: z.object({ connector: idString.optional() }),
      listed: 'Connections',
      schema: connectionSchema,
      load: async ({ connector }) => (await em().find(Connection, connector ? { connector } : {}, { orderBy: { createdAt: 'asc', id: 'asc' } })).map(toView),
    }),
    route({
      method: 'post',
      path: '/connections',
      summary: 'Create a connection; secrets are encrypted at rest',
      tags: ['connections'],
      scope: 'connections:write',
      body: createSchema,
      responses: { 201: { description: 'Created', schema: connectionSchema }, 503: { description: 'Stored secrets are under a master key this server does not hold; nothing stored', schema: errorBodySchema } },
      links: { 201: linksToCreated('/connections/:id', 'Connection', { update: true, more: { TestConnection: ['post', '/test'], RunAction: ['post', '/actions/:action'] } }) },
      handler: async ({ body }) => ({ status: 201, body: await createConnection(services, em(), body) }),
    }),
    // Before the `/connections/:id` routes, so the literal path is never read as an id.
    route({
      method: 'post',
      path: '/connections/test',
      summary: "Run the connector's connection test on unsaved config and secrets",
      description:
        'Validates like a create (400 with `details[].path`), runs the test, stores nothing. A connection with nothing to call (webhook-only) answers `ok: null` with the reason. Secret values never appear in the answer or the logs.',
      tags: ['connections'],
      scope: 'connections:write',
      body: testUnsavedSchema,
      responses: { 200: { description: 'Result', schema: testResultSchema } },
      handler: async ({ body }) => ({ body: await testUnsavedConnection(services, body) }),
    }),
    getOne({
      path: '/connections/:id',
      summary: 'Get a connection (secret field names only)',
      tags: ['connections'],
      scope: 'connections:read',
      params: idParams,
      noun: 'connection',
      schema: connectionSchema,
      load: async ({ id }) => toView(await findConnection(em(), id)),
    }),
    route({
      method: 'patch',
      path: '/connections/:id',
      summary: 'Update name, config or secrets of a connection',
      tags: ['connections'],
      scope: 'connections:write',
      params: idParams,
      body: patchSchema,
      responses: { 200: { description: 'Updated', schema: connectionSchema }, 404: { description: 'No such connection' }, 503: { description: 'Stored secrets are under a master key this server does not hold; nothing stored', schema: errorBodySchema } },
      handler: async ({ params, body }) => ({ body: await updateConnection(services, em(), params.id, body) }),
    }),
    deleteOne({
      path: '/connections/:id',
      summary: 'Delete a connection',
      tags: ['connections'],
      scope: 'connections:write',
      params: idParams,
      noun: 'connection',
      done: 'Deleted',
      remove: async ({ id }) => {
        const e = em();
        const row = await findConnection(e, id);
        await e.remove(row).flush();
        services.connectionCache.invalidate(row.id);
      },
    }),
    route({
      method: 'post',
      path: '/connections/:id/test',
      summary: "Run the connector's connection test",
      tags: ['connections'],
      scope: 'connections:write',
      params: idParams,
      responses: { 200: { description: 'Result', schema: testResultSchema } },
      handler: async ({ params }) => ({ body: await testConnection(services, em(), params.id) }),
    }),
    route({
      method: 'post',
      path: '/connections/:id/actions/:action',
      bodyToTemporalOnly: true,
      summary: 'Run one action as a one-step workflow and wait for its output',
      description:
        'Failures answer with the connector error code (AUTH_FAILED, RATE_LIMITED, …). An `Idempotency-Key` header names the workflow: a repeat with the same input (also after the run closed, while the namespace retains it) waits for and returns the first result and runs nothing; the same key with another input answers 422 `IDEMPOTENCY_KEY_REUSED`.',
      tags: ['connections'],
      scope: 'connections:write',
      params: actionParams,
      temporal: true,
      body: z.object({ input: z.unknown().optional() }).meta({ id: 'RunAction' }),
      responses: { 200: { description: 'Output', schema: z.object({ output: z.unknown(), workflowId: z.string() }) }, ...idempotencyKeyReusedResponse },
      handler: async ({ params, body, req }) => {
        const key = req.get('idempotency-key');
        if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key must be 1-128 characters of [A-Za-z0-9_.:-]');
        return { body: await runAction(services, em(), params.id, params.action, body.input ?? {}, key) };
      },
    }),
  ];
}
