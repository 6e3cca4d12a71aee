import { z } from 'zod';
import { getEvent, listEvents, redeliverEvent } from '../../automations/events.ts';
import type { Services } from '../../services.ts';
import { getOne, route } from '../http.ts';
import { idParams, idString, runIdsShape } from '../ids.ts';
import { visibilityTime } from '../../schemas/time-filter.ts';

const runRef = z.object({ workflowId: z.string(), automationId: z.string().optional(), status: z.string(), startedAt: z.string() });
const eventSchema = z
  .object({
    id: z.string().describe('`wh:<connector>:<connectionId>:<deliveryId>`'),
    deliveryId: z.string(),
    type: z.string(),
    connector: z.string(),
    connectionId: z.string(),
    receivedAt: z.string(),
    payload: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    unparsed: z.boolean().describe('type `<connector>.unparsed`: the body could not be parsed'),
    noSubscriber: z.boolean().describe('no automation subscribed when it arrived'),
    disabledAutomations: z.array(z.string()).optional().describe('automations that subscribed but were disabled (`enabled: false`) when it arrived: they started no run'),
    collectingAutomations: z.array(z.string()).optional().describe('debounced or batched automations the event was handed to: their run starts when the window closes'),
    resumed: z.array(z.string()).optional().describe('workflow ids of the runs parked on `wait_for_event` that intake resumed with it'),
    runs: z.array(runRef).describe('runs the delivery started (and redeliveries of it), newest first'),
    duplicates: z.number().int().min(0).describe('deliveries of the same id after the first, each answered 200 with the same ids'),
  })
  .meta({ id: 'Event' });
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const time = visibilityTime;

export function eventRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/events',
      summary: 'Recorded webhook deliveries (Temporal visibility, and the database for deliveries that only resumed parked runs), newest first',
      tags: ['events'],
      scope: 'events:read',
      query: z.object({
        connector: idString.optional(),
        connectionId: idString.optional(),
        type: idString.optional(),
        since: time.optional().describe('received at or after (ISO-8601)'),
        until: time.optional().describe('received at or before (ISO-8601)'),
        unparsed: flag.optional().describe('only `<connector>.unparsed` deliveries'),
        noSubscriber: flag.optional().describe('only deliveries no automation subscribed to'),
        limit: z.coerce.number().int().min(1).max(500).optional(),
      }),
      temporal: true,
      responses: { 200: { description: 'Events', schema: z.object({ items: z.array(eventSchema) }) } },
      handler: async ({ query }) => ({ body: { items: await listEvents(services, query) } }),
    }),
    getOne({
      path: '/events/:id',
      summary: 'One recorded delivery: payload, type, connection and the runs it started',
      tags: ['events'],
      scope: 'events:read',
      params: idParams,
      temporal: true,
      noun: 'event',
      schema: eventSchema,
      load: ({ id }) => getEvent(services, id),
    }),
    route({
      method: 'post',
      path: '/events/:id/redeliver',
      summary: "Route a recorded event again to today's subscribers (new runs)",
      tags: ['events'],
      scope: 'runs:write',
      params: idParams,
      temporal: true,
      responses: {
        202: {
          description: 'The runs started (none when nothing subscribes today)',
          schema: z.object({ eventId: z.string(), runs: z.array(z.object({ ...runIdsShape, automationId: z.string(), version: z.number().int() })) }).meta({ id: 'Redelivery' }),
        },
        404: { description: 'No such event' },
      },
      handler: async ({ params }) => ({ status: 202, body: await redeliverEvent(services, params.id) }),
    }),
  ];
}
