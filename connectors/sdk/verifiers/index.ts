/**
 * Webhook signature verifiers: pure functions, one per scheme, with constant-time
 * comparison and rotation (several secrets). Third-party connectors reuse them in
 * their triggers' `verify`. `sign*` helpers produce what a sender would send.
 */
export * from './common.ts';
export * from './github.ts';
export * from './hmac.ts';
export * from './shopify.ts';
export * from './slack.ts';
export * from './standard-webhooks.ts';
export * from './stripe.ts';
export * from './telegram.ts';
export * from './twilio.ts';
