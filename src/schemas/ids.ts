/**
 * Shared schemas of identifiers and names. They are printable text: a control
 * character (`%00`) names nothing we store, so it is refused with 400 before it
 * reaches the database or a Temporal visibility query (and the document says so).
 */
import { z } from 'zod';

/** Control characters, for character classes of string patterns. */
export const CONTROL = '\\u0000-\\u001F\\u007F';

/**
 * A record whose keys are constrained: the document states the key schema as
 * `propertyNames` (the generator drops record keys otherwise).
 */
export function recordOf<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  const { $schema: _drop, ...propertyNames } = z.toJSONSchema(key, { io: 'input' }) as Record<string, unknown>;
  return z.record(key, value).meta({ propertyNames });
}

/** 1-`max` characters without control characters (keys that reach SQL as parameters, and the like). */
export const printableString = (max: number) =>
  z
    .string()
    .regex(new RegExp(`^[^${CONTROL}]{1,${max}}$`), `must be 1-${max} characters without control characters`);

/**
 * A key of stored JSON metadata: printable, no quotes or backslashes (MikroORM writes
 * changed JSON keys into SQL JSON paths; a quote there broke the statement).
 */
export const metadataKey = z
  .string()
  .regex(new RegExp(`^[^'"\\\\${CONTROL}]{1,200}$`), 'must be 1-200 characters without quotes, backslashes or control characters');

/** 0-`max` characters without control characters (text stored as given, e.g. command arguments). */
export const textString = (max: number) =>
  z.string().regex(new RegExp(`^[^${CONTROL}]{0,${max}}$`), `must be at most ${max} characters without control characters`);

/** An id in a path or query: 1-512 characters, no control characters. */
export const idString = z
  .string()
  .min(1, { abort: true })
  .max(512, { abort: true })
  // `%` too: no id has one, and a literal `%` in a path cannot be told from an encoding.
  .regex(new RegExp(`^[^%${CONTROL}]+$`), 'must not contain control characters or %');

/** Path params of a `/…/:id` route. */
export const idParams = z.object({ id: idString });

/** A display name: trimmed, 1-200 characters, not blank, no control characters. */
export const nameString = z
  .string()
  .trim()
  .min(1, { abort: true })
  .max(200, { abort: true })
  .regex(new RegExp(`^[^${CONTROL}]*[^\\s${CONTROL}][^${CONTROL}]*$`), 'must not be blank or contain control characters');

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const PORT = '(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?';
/**
 * An http(s) URL as the document states it: a host name (its last label starts with a
 * letter) or a dotted IPv4 address, an optional port, then URL characters only.
 */
export const HTTP_URL_RE = new RegExp(
  `^https?://(?:${OCTET}(?:\\.${OCTET}){3}|(?:[A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*)${PORT}(?:[/?#][A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]*)?$`,
);

/** An http(s) URL (pattern in the document, and parsed by the WHATWG URL parser). */
export const httpUrl = z
  .string()
  .max(2048)
  .regex(HTTP_URL_RE, 'must be an http(s) URL')
  .refine((s) => URL.canParse(s), 'must be an http(s) URL');

/** A Temporal run's ids, in the answers that start or show a run (spread into their objects). */
export const runIdsShape = { workflowId: z.string(), runId: z.string() };
