/**
 * Every export of the three public entry points (`switchboard/sdk`, `switchboard/client`,
 * `switchboard/testing`) carries TSDoc with an `@example`: the TypeScript compiler lists
 * the exports (following re-exports) and each declaration of ours is checked.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY_POINTS = {
  'switchboard/sdk': 'connectors/sdk/index.ts',
  'switchboard/client': 'src/client/index.ts',
  'switchboard/testing': 'src/testing/index.ts',
} as const;

function hasExample(decl: ts.Declaration): boolean {
  return ts.getJSDocTags(decl).some((tag) => tag.tagName.text === 'example');
}

/** `entry: name (file)` of every export of ours whose declarations all lack an `@example`. */
function exportsWithoutExample(): string[] {
  const files = Object.values(ENTRY_POINTS).map((f) => join(root, f));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const [entry, file] of Object.entries(ENTRY_POINTS)) {
    const source = program.getSourceFile(join(root, file));
    if (!source) throw new Error(`cannot read ${file}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${file} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = (symbol.declarations ?? []).filter((d) => !d.getSourceFile().fileName.includes('/node_modules/'));
      if (decls.length === 0) continue; // a library's own export (zod's `z`)
      if (!decls.some(hasExample)) missing.push(`${entry}: ${exported.name} (${relative(root, decls[0]!.getSourceFile().fileName)})`);
    }
  }
  return missing;
}

describe('public API docs', () => {
  it('gives every export of switchboard/sdk, switchboard/client and switchboard/testing a TSDoc @example', () => {
    const missing = exportsWithoutExample();
    expect(missing, `exports without an @example:\n${missing.join('\n')}`).toEqual([]);
  }, 120_000);

  it('finds the exports through re-exports (the check cannot pass vacuously)', () => {
    const program = ts.createProgram([join(root, ENTRY_POINTS['switchboard/sdk'])], { allowImportingTsExtensions: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
    const checker = program.getTypeChecker();
    const names = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(join(root, ENTRY_POINTS['switchboard/sdk']))!)!).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['defineConnector', 'ConnectorError', 'parseJsonObject', 'verifyStripeSignature']));
  }, 120_000);
});
