/**
 * Caches of loaded data live in `Services` (src/services.ts), not at module scope: every
 * module-level `let`/`var` or `Map`/`WeakMap`/`LRUCache` outside workflows/ (where lint refuses
 * module-level `let` anyway) is one ARCHITECTURE.md lists under "Module state", with its reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The justified ones (ARCHITECTURE.md, "Module state"): file → declared names. */
const LISTED: Record<string, string[]> = {
  'src/approvals/form.ts': ['compiled'],
  'src/workflow-packages/runs.ts': ['validators'],
  'src/workflow-packages/load.ts': ['hooked', 'catalogs'],
  'src/temporal/runtime.ts': ['installed'],
  'src/metrics/temporal-sdk.ts': ['sdkMetricsUrl'],
  'src/telemetry/outbound.ts': ['enabled'],
  'src/telemetry/http-server.ts': ['requestContexts'],
};

const STATE = /^(?:export\s+)?(?:(?:let|var)\s+([A-Za-z_$][\w$]*)|const\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*new\s+(?:Map|WeakMap|LRUCache)\b)/gm;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((p) => !p.startsWith('src/db/migrations/'));
}

/** Module-level state per file: the declared names. */
function moduleState(files: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const file of files) {
    const names = [...readFileSync(join(root, file), 'utf8').matchAll(STATE)].map((m) => m[1] ?? m[2]!);
    if (names.length > 0) out[file] = names;
  }
  return out;
}

describe('module state', () => {
  it('holds no cache outside Services but the ones ARCHITECTURE.md lists', () => {
    const found = moduleState(['src', 'activities', 'connectors'].flatMap(sources));
    expect(found).toEqual(LISTED);
    const doc = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
    for (const file of Object.keys(LISTED)) expect(doc).toContain(`\`${file}\``);
  });

  it('spots a module-level Map, WeakMap or let', () => {
    expect([...'const cache = new Map<string, number>();\nlet seen = false;\nfunction f() {\n  let local = 1;\n}\nconst ok = new Set([1]);\n'.matchAll(STATE)].map((m) => m[1] ?? m[2])).toEqual(['cache', 'seen']);
  });
});
