import { bodySha256, defineTrigger, eventTypeOf, mediaType, parseFormBody, parseJsonObject, pickHeaders, secretList, verifySlackSignature, type WebhookRequest } from '../../sdk/index.ts';

type SlackBody = Record<string, unknown>;

/** Events API bodies are JSON; slash commands and interactivity are forms (`payload=` holds JSON). */
function bodyOf(req: WebhookRequest): { kind: 'events' | 'command' | 'interaction'; body: SlackBody } {
  if (mediaType(req) === 'application/x-www-form-urlencoded') {
    const form = parseFormBody(req);
    if (typeof form['payload'] === 'string') {
      return { kind: 'interaction', body: parseJsonObject({ rawBody: Buffer.from(form['payload']) }, 'interaction payload') };
    }
    return { kind: 'command', body: form };
  }
  return { kind: 'events', body: parseJsonObject(req) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * Slack Events API, slash commands and interactivity: v0 signature with `signingSecret`
 * (300 s); delivery id = `event_id` (or `trigger_id`); `url_verification` answered with
 * the challenge. Types: `slack.<event type>`, `slack.command`, `slack.interaction.<type>`.
 */
export const slackWebhookTrigger = defineTrigger({
  description: 'Receives Slack Events API callbacks, slash commands and interactive payloads.',
  events: ['slack.*'],
  verify: (req, ctx) => verifySlackSignature(req, secretList(ctx.secrets['signingSecret']), { now: ctx.now }),
  deliveryId(req) {
    try {
      const { body } = bodyOf(req);
      return str(body['event_id']) ?? str(body['trigger_id']) ?? bodySha256(req);
    } catch {
      return bodySha256(req);
    }
  },
  immediateResponse(req) {
    const { kind, body } = bodyOf(req);
    if (kind === 'events' && body['type'] === 'url_verification') {
      return { status: 200, body: { challenge: body['challenge'] ?? null } };
    }
    return undefined;
  },
  toEvent(req) {
    const { kind, body } = bodyOf(req);
    const headers = pickHeaders(req, ['x-slack-retry-num', 'x-slack-retry-reason']);
    if (kind === 'command') return { type: 'slack.command', payload: body, headers };
    if (kind === 'interaction') return { type: eventTypeOf('slack.interaction', str(body['type']) ?? 'unknown'), payload: body, headers };
    const inner = body['event'] as SlackBody | undefined;
    const type = body['type'] === 'event_callback' ? str(inner?.['type']) : str(body['type']);
    return { type: eventTypeOf('slack', type ?? 'unknown'), payload: body, headers };
  },
});
