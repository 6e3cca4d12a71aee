/**
 * Structured logging (pino). Secrets are redacted by key here; values known to be
 * secret (decrypted connection secrets) are scrubbed by security/redact.ts.
 */
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/** Keys whose values never reach a log line, wherever they are nested. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-slack-signature"]',
  'req.headers["webhook-signature"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
  '*.secrets',
  '*.password',
  '*.apiKey',
  '*.token',
  '*.botToken',
  '*.masterKey',
  'secrets',
  'password',
  'apiKey',
  'token',
];

/**
 * The process logger: JSON lines, or human-readable lines when `pretty` (what
 * `switchboard dev` uses on a terminal). Redaction applies to both. A `destination`
 * receives the JSON lines instead (tests capture them to prove secrets never appear).
 */
export function createLogger(
  opts: { level: LoggerOptions['level']; name?: string; pretty?: boolean; destination?: DestinationStream } = { level: 'info' },
): Logger {
  const options: LoggerOptions = {
    name: opts.name ?? 'switchboard',
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (!opts.pretty) return pino(options);
  // Synchronous pretty stream: no worker thread, nothing lost on exit. pino-pretty (CommonJS) is
  // required only here, so the processes that log JSON (api, worker) do not load it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pino(options, pretty({ sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }));
}
