import { bodySha256, defineTrigger, mediaType, parseFormBody, parseJsonBody, parseJsonObject, pickHeaders, secretList, verifyGithubSignature, WebhookPayloadError, eventTypeOf, type WebhookRequest } from '../../sdk/index.ts';

function payloadOf(req: WebhookRequest): Record<string, unknown> {
  // GitHub's "application/x-www-form-urlencoded" content type sends the JSON in `payload=`.
  if (mediaType(req) === 'application/x-www-form-urlencoded') {
    const form = parseFormBody(req);
    if (typeof form['payload'] !== 'string') throw new WebhookPayloadError('form body without payload');
    return parseJsonBody({ rawBody: Buffer.from(form['payload']) }) as Record<string, unknown>;
  }
  return parseJsonObject(req);
}

/**
 * GitHub webhooks: `X-Hub-Signature-256` with the secret `webhookSecret`, delivery id
 * `X-GitHub-Delivery`, type `github.<event>[.<action>]`; `ping` is answered at once.
 */
export const githubWebhookTrigger = defineTrigger({
  description: 'Receives GitHub webhook deliveries (repository, organisation or app hooks).',
  events: ['github.*'],
  verify: (req, ctx) => verifyGithubSignature(req, secretList(ctx.secrets['webhookSecret'])),
  deliveryId: (req) => req.headers['x-github-delivery'] ?? bodySha256(req),
  immediateResponse(req) {
    if (req.headers['x-github-event'] !== 'ping') return undefined;
    const payload = payloadOf(req);
    return { status: 200, body: { ok: true, zen: payload['zen'] ?? null, hookId: payload['hook_id'] ?? null } };
  },
  toEvent(req) {
    const payload = payloadOf(req);
    const action = typeof payload['action'] === 'string' ? payload['action'] : undefined;
    return {
      type: eventTypeOf('github', req.headers['x-github-event'] ?? 'unknown', action),
      payload,
      headers: pickHeaders(req, ['x-github-event', 'x-github-delivery', 'x-github-hook-id', 'x-github-hook-installation-target-type']),
    };
  },
});
