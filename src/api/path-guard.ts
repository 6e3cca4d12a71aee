/**
 * Refuses request targets and bodies that cannot name or hold anything of ours: bad
 * percent-encoding in a path (Express would throw a URIError later and answer 500),
 * control characters in a path or query value, and NUL in a JSON string. Neither
 * SQLite nor PostgreSQL stores a NUL in text (MikroORM 7 also writes values into the
 * SQL text, escaped, where a NUL ends the statement), and no id, key or name contains one.
 */
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The first reason the path or query is unusable, or undefined when it is fine. */
export function badRequestTarget(path: string, query: unknown): string | undefined {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'The request path is not valid percent-encoding';
    }
    if (CONTROL.test(decoded)) return 'The request path contains a control character';
  }
  if (query && typeof query === 'object') {
    for (const value of Object.values(query as Record<string, unknown>)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === 'string' && CONTROL.test(v))) return 'A query parameter contains a control character';
    }
  }
  return undefined;
}

export function pathGuard(req: Request, _res: Response, next: NextFunction): void {
  const reason = badRequestTarget(req.path, req.query);
  next(reason ? new ApiError(400, 'INVALID_PATH', reason) : undefined);
}

/** True when some string (key or value) in a parsed JSON value contains a NUL. */
export function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      for (const item of v as unknown[]) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (k.includes('\u0000')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

