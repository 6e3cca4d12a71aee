/**
 * Redaction of secrets from error messages and log lines, by VALUE as well as by
 * key. Pino's `redact` (src/logger.ts) only knows key paths; a provider that echoes
 * a token in an error body, or a URL that carries one (Telegram's `/bot<token>/`),
 * needs the values themselves scrubbed.
 */
import type { ConnectorLogger } from '../../connectors/sdk/types.ts';

export const REDACTED = '[redacted]';

/** Keys whose values are secret wherever they appear. */
export const SECRET_KEY_PATTERN = /pass(word|phrase)?$|secret|token|api[-_]?key|authorization|cookie|signature|private[-_]?key|credential|bearer/i;

/** Values shorter than this are not scrubbed by value (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 4;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Collects every string (and number) leaf of a secrets object. */
export function secretValuesOf(secrets: unknown, out: string[] = []): string[] {
  if (typeof secrets === 'string') out.push(secrets);
  else if (typeof secrets === 'number' && String(secrets).length >= MIN_SECRET_LENGTH) out.push(String(secrets));
  else if (Array.isArray(secrets)) for (const v of secrets) secretValuesOf(v, out);
  else if (secrets && typeof secrets === 'object') for (const v of Object.values(secrets)) secretValuesOf(v, out);
  return out;
}

/**
 * Scrubs known secret values (and their URL-encoded and base64 forms) from text and
 * from nested values.
 *
 * @example
 * const r = new Redactor(['xoxb-123456']);
 * r.scrub('token xoxb-123456 rejected') // 'token [redacted] rejected'
 */
export class Redactor {
  private values: string[] = [];
  private pattern: RegExp | undefined;

  constructor(values: Iterable<string> = []) {
    this.add(...values);
  }

  /** Adds values to scrub; derived encodings are added too. */
  add(...values: string[]): this {
    const before = this.values.length;
    for (const v of values) {
      if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) continue;
      for (const form of [v, encodeURIComponent(v), Buffer.from(v).toString('base64')]) {
        if (!this.values.includes(form)) this.values.push(form);
      }
    }
    if (this.values.length === before) return this;
    // Longest first, so a value that contains another is replaced whole.
    this.values.sort((a, b) => b.length - a.length);
    this.pattern = this.values.length ? new RegExp(this.values.map(escapeRegExp).join('|'), 'g') : undefined;
    return this;
  }

  get size(): number {
    return this.values.length;
  }

  scrub(text: string): string {
    return this.pattern ? text.replace(this.pattern, REDACTED) : text;
  }

  /** A copy of `value` with secret keys replaced and secret values scrubbed from every string. */
  scrubDeep<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return this.scrub(value) as T;
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return this.scrubError(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.scrubDeep(v, depth + 1)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY_PATTERN.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : this.scrubDeep(v, depth + 1);
    }
    return out as T;
  }

  /**
   * A copy of a JSON-like value (an action's output) with secret VALUES scrubbed from
   * every string and key, at any depth. Unlike {@link scrubDeep} it keeps fields whose
   * names merely look secret (`nextPageToken`, `signature` of a signed document): an
   * output is data, so only what the connection sent or holds is taken out.
   */
  scrubValues<T>(value: T): T {
    if (!this.pattern) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.scrub(v);
      if (v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) return v.map(walk);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[this.scrub(k)] = walk(item);
      return out;
    };
    return walk(value) as T;
  }

  /** A plain, scrubbed rendering of an error for logs (`{ type, message, code }`). */
  scrubError(err: Error): { type: string; message: string; code?: unknown } {
    const code = (err as { code?: unknown }).code;
    return { type: err.name, message: this.scrub(err.message), ...(code !== undefined ? { code } : {}) };
  }
}

/** Wraps a logger so every object and message passes through the redactor first. */
export function redactingLogger(logger: ConnectorLogger, redactor: Redactor): ConnectorLogger {
  const wrap =
    (level: keyof ConnectorLogger) =>
    (obj: object | string, msg?: string): void => {
      if (typeof obj === 'string') logger[level](redactor.scrub(obj));
      else if (msg === undefined) logger[level](redactor.scrubDeep(obj));
      else logger[level](redactor.scrubDeep(obj), redactor.scrub(msg));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
