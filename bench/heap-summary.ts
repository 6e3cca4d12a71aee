/**
 * What a V8 heap snapshot is made of: self size by node type (code, strings, objects,
 * closures…) and the largest constructors / names, for comparing a Switchboard worker's
 * heap with a raw worker's (bench/sections/parked.ts `--heap-snapshots <dir>` writes them).
 *
 *   node --max-old-space-size=8192 bin/run-ts.mjs bench/heap-summary.ts <a.heapsnapshot> [<b.heapsnapshot>] [--top 25]
 *
 * With two snapshots it prints both side by side and the difference (b − a), largest first.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapSummary {
  file: string;
  totalBytes: number;
  nodes: number;
  byType: Record<string, number>;
  /** `<type> <name>` → self size (bytes), every group. */
  byName: Map<string, number>;
}

/** Self sizes of a snapshot grouped by node type and by type + name (constructor, function, string kind). */
export async function summarize(file: string): Promise<HeapSummary> {
  const snap = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byType: Record<string, number> = {};
  const byName = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const size = snap.nodes[i + sizeAt]!;
    total += size;
    byType[type] = (byType[type] ?? 0) + size;
    // Strings are grouped as one kind: their text is no name.
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '' : snap.strings[snap.nodes[i + nameAt]!]!.slice(0, 60);
    const key = `${type} ${name}`.trim();
    byName.set(key, (byName.get(key) ?? 0) + size);
  }
  return { file, totalBytes: total, nodes: snap.nodes.length / width, byType, byName };
}

const mib = (b: number) => (b / 1024 / 1024).toFixed(2);

/** A markdown table of the `top` largest groups (by the last snapshot's size, or by the difference). */
export function summaryTable(a: HeapSummary, b: HeapSummary | undefined, top: number): string {
  const lines: string[] = [];
  const keys = new Set([...a.byName.keys(), ...(b ? b.byName.keys() : [])]);
  const rows = [...keys].map((k) => ({ k, a: a.byName.get(k) ?? 0, b: b?.byName.get(k) ?? 0 }));
  if (b) {
    lines.push(`| heap | ${a.file} | ${b.file} | difference |`, '|---|---|---|---|');
    lines.push(`| total (MiB) | ${mib(a.totalBytes)} | ${mib(b.totalBytes)} | ${mib(b.totalBytes - a.totalBytes)} |`);
    for (const t of new Set([...Object.keys(a.byType), ...Object.keys(b.byType)])) lines.push(`| type: ${t} | ${mib(a.byType[t] ?? 0)} | ${mib(b.byType[t] ?? 0)} | ${mib((b.byType[t] ?? 0) - (a.byType[t] ?? 0))} |`);
    rows.sort((x, y) => y.b - y.a - (x.b - x.a));
    for (const r of rows.slice(0, top)) lines.push(`| ${r.k.replace(/\|/g, '\\|')} | ${mib(r.a)} | ${mib(r.b)} | ${mib(r.b - r.a)} |`);
  } else {
    lines.push(`| heap | ${a.file} |`, '|---|---|');
    lines.push(`| total (MiB) | ${mib(a.totalBytes)} |`);
    for (const [t, v] of Object.entries(a.byType)) lines.push(`| type: ${t} | ${mib(v)} |`);
    rows.sort((x, y) => y.a - x.a);
    for (const r of rows.slice(0, top)) lines.push(`| ${r.k.replace(/\|/g, '\\|')} | ${mib(r.a)} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('heap-summary.ts')) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length < 1 || positionals.length > 2) {
    process.stderr.write('usage: bench/heap-summary.ts <a.heapsnapshot> [<b.heapsnapshot>] [--top 25]\n');
    process.exit(2);
  }
  const [a, b] = await Promise.all(positionals.map(summarize));
  process.stdout.write(`${summaryTable(a!, b, Number(values.top))}\n`);
}
