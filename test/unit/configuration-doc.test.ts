/**
 * docs/reference/configuration.md documents every environment variable src/config.ts
 * parses (envSchema), and names none it does not: the page and the parser cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config.ts';

const page = readFileSync(new URL('../../docs/reference/configuration.md', import.meta.url), 'utf8');
const documented = new Set([...page.matchAll(/^\| (`[A-Z][A-Z0-9_]+`(?:, `[A-Z][A-Z0-9_]+`)*) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((n) => n[1]!)));

describe('configuration reference', () => {
  it('has a row for every variable of envSchema', () => {
    const parsed = Object.keys(envSchema.shape);
    expect(parsed.length).toBeGreaterThan(20);
    expect(parsed.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('has no row for a variable envSchema does not parse', () => {
    expect([...documented].filter((name) => !(name in envSchema.shape))).toEqual([]);
  });
});
