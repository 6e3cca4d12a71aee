/**
 * No import cycles among our modules, type-only imports counted (import-x/no-cycle in
 * eslint.config.js skips `import type`; scripts/import-cycles.ts does not).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CYCLE_CHECKED_DIRS, findImportCycles, importGraph } from '../../scripts/import-cycles.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('import cycles', () => {
  it('finds none in src, workflows, activities and connectors', () => {
    const graph = importGraph(root, CYCLE_CHECKED_DIRS);
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('workflows/automation/workflow.ts')).toContain('workflows/automation/interpreter.ts');
    expect(findImportCycles(graph)).toEqual([]);
  });

  it('reports a cycle made of type-only imports, and re-exports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'a.ts'), "import type { B } from './b.ts';\nexport interface A { b: B }\n");
      writeFileSync(join(dir, 'src', 'b.ts'), "export type { A as B } from './a.ts';\n");
      writeFileSync(join(dir, 'src', 'c.ts'), "// import { A } from './a.ts';\nexport const c = 1;\n");
      expect(findImportCycles(importGraph(dir, ['src']))).toEqual([['src/a.ts', 'src/b.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
