/**
 * Generates a migration for both dialects from the difference between the entities
 * and a database that has every existing migration applied.
 *   npm run db:migration -- <name>
 * SQLite: a throwaway file. PostgreSQL: a throwaway database on DATABASE_URL's server
 * (default postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import pg from 'pg';
import { ormOptions, type DatabaseConfig } from '../src/db/orm.ts';

const name = process.argv[2] ?? 'migration';
const pgBase = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function generate(dialect: 'sqlite' | 'postgresql', database: DatabaseConfig): Promise<void> {
  const dir = resolve('src/db/migrations', dialect);
  const orm = await MikroORM.init(await ormOptions(database, { migrations: true, migrationsPath: dir }));
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(dir, false, false, name);
    if (!result.fileName) {
      console.log(`${dialect}: no changes`);
      return;
    }
    const cls = /export class (\w+)/.exec(await readFile(join(dir, result.fileName), 'utf8'))![1]!;
    const index = join(dir, 'index.ts');
    let src = await readFile(index, 'utf8');
    const base = result.fileName.replace(/\.ts$/, '');
    src = `import { ${cls} } from './${base}.ts';\n` + src;
    src = src.replace(/\] = \[([^]*?)\];/, (_m, inner: string) => `] = [${inner.trim() ? inner.trimEnd() + '\n' : '\n'}  { name: '${base}', class: ${cls} },\n];`);
    await writeFile(index, src);
    const names = resolve('src/db/migrations/names.ts');
    await writeFile(names, (await readFile(names, 'utf8')).replace(new RegExp(`(  ${dialect}: \\[[^\\]]*?)(  \\],)`), `$1    '${base}',\n$2`));
    console.log(`${dialect}: ${result.fileName}`);
  } finally {
    await orm.close();
  }
}

const tmp = await mkdtemp(join(tmpdir(), 'sb-mig-'));
await generate('sqlite', { kind: 'sqlite', path: join(tmp, 'm.sqlite') });
const dbName = `sb_migration_${Date.now()}`;
const admin = new pg.Client({ connectionString: pgBase });
await admin.connect();
await admin.query(`create database ${dbName}`);
try {
  const url = new URL(pgBase);
  url.pathname = `/${dbName}`;
  await generate('postgresql', { kind: 'postgresql', url: url.toString() });
} finally {
  await admin.query(`drop database ${dbName} with (force)`);
  await admin.end();
}
