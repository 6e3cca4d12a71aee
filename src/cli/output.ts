/**
 * How the API commands print: aligned tables for people, the API's JSON with `--json`
 * for scripts, and a progress bar for long work only when stdout is a terminal.
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';

/** A column of a table: its header and how a row shows in it. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Free text (messages, errors): cut to this width. Ids are never cut: people copy them. */
  max?: number;
}

/** Width of free-text cells (`max` of a message or error column). */
export const TEXT_CELL = 60;

function cell(v: unknown, max = Infinity): string {
  if (v === undefined || v === null || v === '') return '-';
  const text = (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Rows as aligned columns under an upper-case header; `empty` when there are none. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty?: string): void {
  process.stdout.write(formatTable(rows, columns, empty));
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Adds `--json` and the action of an API command: `load` asks the API (options, then the command's
 * arguments); with `--json` its answer is printed as JSON, otherwise `show` prints it for people.
 */
export function apiAction<T, O extends { json?: boolean }, A extends string[]>(
  command: Command,
  load: (o: O, ...args: A) => Promise<T>,
  show: (value: T, o: O, ...args: A) => void,
): Command {
  return command.option('--json', 'print the API answer as JSON').action(async (...params: unknown[]) => {
    const o = (params.at(-1) as Command).opts<O>();
    const args = params.slice(0, -2) as A;
    const value = await load(o, ...args);
    if (o.json) printJson(value);
    else show(value, o, ...args);
  });
}

/** An API list command: `--json` prints the items, otherwise a table of `columns` (`empty` when there are none). */
export function apiList<T, O extends { json?: boolean }>(command: Command, load: (o: O) => Promise<readonly T[]>, columns: readonly Column<T>[], empty: string): Command {
  return apiAction(command, load, (items) => printTable(items, columns, empty));
}

/** `label  value` lines, labels aligned; undefined values are left out. */
export function printFields(fields: [string, unknown][]): void {
  const shown = fields.filter(([, v]) => v !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  process.stdout.write(shown.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n') + '\n');
}

/** A progress bar on stdout when it is a terminal; otherwise nothing (scripts read the final answer). */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

export function progress(label: string, total: number): Progress {
  if (!process.stdout.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}`, hideCursor: true, stream: process.stdout, clearOnComplete: false });
  bar.start(total, 0);
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) bar.setTotal(newTotal);
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
