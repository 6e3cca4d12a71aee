/**
 * The client the API commands share, and how their failures read: one line naming what
 * to do, a distinct exit code per kind, never a stack trace.
 */
import { InvalidArgumentError } from 'commander';
import { createAutomationsClient, SwitchboardApiError, SwitchboardUnreachableError, type AutomationsClient } from '../client/http-api.ts';
import { loadConfig } from '../config.ts';

/** Exit codes of the API commands (scripts branch on them). */
export const EXIT = {
  /** The API refused the request (4xx other than below, 5xx), or the awaited run did not complete. */
  failed: 1,
  /** Bad usage or configuration. */
  usage: 2,
  /** No API answers at SWITCHBOARD_URL. */
  unreachable: 3,
  /** 401 (no or unknown key) or 403 (the key lacks a scope). */
  denied: 4,
  /** 404: no such run, automation, connection, event, … */
  notFound: 5,
} as const;

/** The typed client for SWITCHBOARD_URL (default: the local dev API) with SWITCHBOARD_API_KEY. */
export function apiClient(): AutomationsClient & { baseUrl: string } {
  const c = loadConfig();
  return { ...createAutomationsClient({ baseUrl: c.apiUrl, apiKey: c.apiKey }), baseUrl: c.apiUrl };
}

/** The message and exit code of an API command's failure, or undefined when it is not one. */
export function describeApiFailure(err: unknown): { message: string; code: number } | undefined {
  if (err instanceof SwitchboardUnreachableError) {
    return { message: `${err.message}: start it (\`switchboard dev\`) or point SWITCHBOARD_URL at it`, code: EXIT.unreachable };
  }
  if (!(err instanceof SwitchboardApiError)) return undefined;
  const body = `${err.message}`;
  if (err.status === 401) return { message: `${body}: set SWITCHBOARD_API_KEY to a valid key (\`switchboard keys create\`)`, code: EXIT.denied };
  if (err.status === 403) return { message: body, code: EXIT.denied };
  if (err.status === 404) return { message: body, code: EXIT.notFound };
  const details = Array.isArray(err.details)
    ? (err.details as { path?: unknown; message?: unknown }[]).map((d) => `\n  ${typeof d.path === 'string' && d.path ? `${d.path}: ` : ''}${String(d.message ?? '')}`).join('')
    : '';
  return { message: `${body}${details}`, code: EXIT.failed };
}

/** Commander parser for a positive whole number option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}
