/**
 * A Stripe fake in Stripe's wire format (form-encoded requests, JSON objects, the
 * `{ error: { type, code, message } }` envelope) that keeps Stripe's idempotency
 * contract: a POST repeated with one `Idempotency-Key` replays the first answer.
 */
import type { FakeRequest, FakeResponse } from '../../../src/testing/index.ts';

export interface StripeFakeState {
  /** First answer per Idempotency-Key. */
  replies: Map<string, FakeResponse>;
  created: number;
}

const error = (status: number, type: string, message: string, code?: string): FakeResponse => ({ status, body: { error: { type, message, ...(code ? { code } : {}) } } });

export function stripeResponder(state: StripeFakeState = { replies: new Map(), created: 0 }) {
  return (req: FakeRequest): FakeResponse => {
    const path = new URL(req.url, 'http://x').pathname;
    const key = req.headers['idempotency-key'];
    if (req.method === 'POST' && typeof key === 'string' && state.replies.has(key)) {
      const first = state.replies.get(key)!;
      return { ...first, headers: { ...first.headers, 'idempotent-replayed': 'true' } };
    }
    const form = new URLSearchParams(req.body);
    const reply = (body: Record<string, unknown>): FakeResponse => {
      const r = { body, headers: { 'request-id': `req_${++state.created}` } };
      if (req.method === 'POST' && typeof key === 'string') state.replies.set(key, r);
      return r;
    };
    if (req.method === 'GET' && path === '/v1/balance') return { body: { object: 'balance', livemode: false, available: [{ amount: 0, currency: 'usd' }], pending: [] } };
    if (req.method === 'POST' && path === '/v1/payment_intents') {
      if (!form.get('amount') || !form.get('currency')) return error(400, 'invalid_request_error', 'Missing required param: amount.', 'parameter_missing');
      return reply({
        id: `pi_3MtwBwLkdIwHu7ix${state.created}`,
        object: 'payment_intent',
        amount: Number(form.get('amount')),
        currency: form.get('currency'),
        customer: form.get('customer'),
        status: form.get('confirm') === 'true' ? 'succeeded' : 'requires_payment_method',
        client_secret: 'pi_3MtwBwLkdIwHu7ix_secret_YrKJUKribcBjcG8HVhfZluoGH',
        created: 1680800504,
        livemode: false,
        metadata: {},
      });
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      const pi = form.get('payment_intent');
      if (pi === 'pi_refunded_already') return error(400, 'invalid_request_error', 'Charge ch_1 has already been refunded.', 'charge_already_refunded');
      return reply({ id: `re_3MtwBwLkdIwHu7ix${state.created}`, object: 'refund', amount: Number(form.get('amount') ?? 1099), currency: 'usd', payment_intent: pi, charge: form.get('charge') ?? 'ch_3MtwBwLkdIwHu7ix0snN0B15', status: 'succeeded', created: 1692942318 });
    }
    const ev = /^\/v1\/events\/(evt_\w+)$/.exec(path);
    if (req.method === 'GET' && ev) {
      if (ev[1] === 'evt_missing') return error(404, 'invalid_request_error', `No such event: '${ev[1]}'`, 'resource_missing');
      return {
        body: {
          id: ev[1],
          object: 'event',
          api_version: '2024-06-20',
          created: 1686089970,
          data: { object: { id: 'pi_3MtwBwLkdIwHu7ix28a3tqPa', object: 'payment_intent', amount: 2000, status: 'succeeded' } },
          livemode: false,
          pending_webhooks: 0,
          request: { id: null, idempotency_key: null },
          type: 'payment_intent.succeeded',
        },
      };
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${path}).`);
  };
}
