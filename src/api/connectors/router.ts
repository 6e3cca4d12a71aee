import { z } from 'zod';
import { orNotFound } from '../lookup.ts';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';
import { idString } from '../../schemas/ids.ts';

const schemaObject = z.record(z.string(), z.unknown());
const connectorSchema = z
  .object({
    key: z.string(),
    displayName: z.string(),
    version: z.string(),
    description: z.string(),
    configSchema: schemaObject,
    secretsSchema: schemaObject,
    secretFields: z.array(z.string()),
    actions: z.array(z.object({ key: z.string(), description: z.string(), idempotent: z.boolean(), inputSchema: schemaObject, outputSchema: schemaObject })),
    triggers: z.array(z.object({ key: z.string(), description: z.string(), events: z.array(z.string()) })),
    pollingTriggers: z
      .array(z.object({ key: z.string(), description: z.string(), interval: z.string(), configSchema: schemaObject }))
      .describe('triggers a `poll` automation names (`trigger: { type: poll, connection, trigger: <key>, config }`)'),
    testable: z.boolean(),
    auth: z.enum(['oauth2', 'secrets']).describe('`oauth2`: connect by consent at the provider (`POST /api/v1/oauth/authorize`); `secrets`: create the connection with its secrets'),
    oauthScopes: z.array(z.string()).optional().describe('default consent scopes of an OAuth2 connector'),
    capabilities: z.array(z.string()).describe('what the connector provides besides actions (`llm`, `embeddings`, `vectorStore`): the llm step and RAG indexes accept its connections'),
  })
  .meta({ id: 'Connector' });

/** The key of an installed connector (an enum of the registry's keys). */
export function connectorKeySchema(services: Pick<Services, 'connectors'>): z.ZodType<string> {
  const keys = services.connectors.list().map((c) => c.key);
  return (keys.length ? z.enum(keys as [string, ...string[]]) : z.string().min(1)).describe('connector key');
}

export function connectorRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/connectors',
      summary: 'List connectors with their actions, triggers and JSON Schemas',
      tags: ['connectors'],
      scope: 'connections:read',
      responses: { 200: { description: 'Connectors', schema: z.object({ items: z.array(connectorSchema) }) } },
      handler: () => ({ body: { items: services.connectors.list().map((c) => services.connectors.describe(c.key)) } }),
    }),
    route({
      method: 'get',
      path: '/connectors/:key',
      summary: 'One connector with its JSON Schemas',
      tags: ['connectors'],
      scope: 'connections:read',
      params: z.object({ key: idString }),
      responses: { 200: { description: 'Connector', schema: connectorSchema }, 404: { description: 'No such connector' } },
      handler: ({ params }) => {
        return { body: orNotFound(services.connectors.describe(params.key), `Connector ${params.key}`) };
      },
    }),
  ];
}
