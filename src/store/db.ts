// Opens the database: embedded PGlite in DATA_DIR by default, a PostgreSQL server through postgres.js when
// DATABASE_URL is set. Migrations run under a PostgreSQL advisory lock so two instances starting together
// do not race. PGlite is single-process: whoever opens DATA_DIR holds a lock file until it closes.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { asc, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from '../../drizzle/schema.ts';
import { searchKeys } from '../domain/search-grams.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle/migrations');

/** An arbitrary constant shared by every instance: the advisory lock key for migrations. */
const MIGRATION_LOCK_KEY = 7_305_112_026;

export interface OpenedDb {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly holder: string,
  ) {
    super(
      `数据目录 ${dataDir} 正被另一个进程使用（进程号 ${pid}，${holder}）。\n` +
        '内置数据库同一时间只允许一个进程打开。请任选其一：\n' +
        '  1. 在本地工作区的网页（或聊天）中完成这项操作；\n' +
        '  2. 先停止正在运行的服务（Ctrl+C），再运行本命令；\n' +
        '  3. 改用 PostgreSQL 服务器：设置 DATABASE_URL 后，服务与命令行可以同时使用。',
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `DATA_DIR/jointcheck.lock` for this process. A lock left by a dead process is taken over;
 * a live holder raises DataDirLockedError with what to do instead.
 */
export function lockDataDir(dataDir: string, holder: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'jointcheck.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, holder, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let info: { pid?: number; holder?: string } = {};
      try {
        info = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // A lock file cut short by a crash: treat as stale.
      }
      if (info.pid && info.pid !== process.pid && isAlive(info.pid)) {
        throw new DataDirLockedError(dataDir, info.pid, info.holder ?? '未知进程');
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`无法锁定数据目录 ${dataDir}`);
}

export async function migrateDb(opened: OpenedDb, client?: postgres.Sql | PGlite): Promise<void> {
  if (opened.kind === 'pglite') {
    await migratePglite(opened.db as never, { migrationsFolder });
    await fillPendingSearchKeys(opened.db);
    return;
  }
  const sqlClient = client as postgres.Sql;
  const reserved = await sqlClient.reserve();
  try {
    await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(opened.db as never, { migrationsFolder });
    await fillPendingSearchKeys(opened.db);
  } finally {
    await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => undefined);
    reserved.release();
  }
}

export interface OpenDbOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Who holds DATA_DIR, shown to a second process that tries to open it. */
  holder?: string;
  migrate?: boolean;
  /** An already-created PGlite (tests clone a migrated template). */
  pglite?: PGlite;
}

export async function openDb(options: OpenDbOptions): Promise<OpenedDb> {
  if (options.databaseUrl) {
    const client = postgres(options.databaseUrl, { max: 10, onnotice: () => undefined });
    const db = drizzlePostgres({ client, schema }) as unknown as Db;
    const opened: OpenedDb = { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
    if (options.migrate !== false) await migrateDb(opened, client);
    return opened;
  }
  let release = () => {};
  let client = options.pglite;
  if (!client) {
    const dataDir = resolve(options.dataDir ?? './data');
    release = lockDataDir(dataDir, options.holder ?? `jointcheck ${process.argv.slice(2).join(' ')}`);
    try {
      const pgDir = join(dataDir, 'pglite');
      if (!existsSync(pgDir)) mkdirSync(pgDir, { recursive: true });
      client = await PGlite.create(pgDir);
    } catch (error) {
      release();
      throw error;
    }
  }
  const pg = client;
  const db = drizzlePglite({ client: pg, schema }) as unknown as Db;
  const opened: OpenedDb = {
    db,
    kind: 'pglite',
    close: async () => {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
  if (options.migrate !== false) await migrateDb(opened, pg);
  return opened;
}

/** Rows of a raw `db.execute()`: PGlite returns `{rows}`, postgres.js a plain array. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export { sql };

type CopyValue = string | number | boolean | null | readonly string[] | readonly number[];

const COPY_SPECIAL = /[\\\t\n\r]/;

/** A value in COPY's text format: tab-separated, \N for null, backslash escapes, arrays as literals. */
function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = Array.isArray(value)
    ? `{${value.map((v) => (typeof v === 'number' ? String(v) : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`
    : (value as string);
  // Most values need no escape; testing first is much cheaper than replacing.
  return COPY_SPECIAL.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : text;
}

/**
 * Appends rows to a table with COPY, inside the transaction `db` belongs to: parsing COPY's text costs the server
 * a fraction of what the same rows bound as parameters do. Reaches the driver under drizzle (postgres.js or
 * PGlite), the one place that does.
 */
export async function copyInto(db: Db, table: string, columns: string[], rows: CopyValue[][]): Promise<void> {
  if (rows.length === 0) return;
  // The text in runs of rows, made as the connection takes them: the server reads the first while the rest are
  // written, and no copy of the whole is ever held. A run is joined once (appending to one string kept a rope
  // of every piece alive until it was sent).
  function* runs(size = 2_000) {
    for (let from = 0; from < rows.length; from += size) {
      const lines: string[] = [];
      for (let r = from; r < Math.min(from + size, rows.length); r++) {
        const row = rows[r]!;
        let line = copyField(row[0]!);
        for (let c = 1; c < row.length; c++) line += `\t${copyField(row[c]!)}`;
        lines.push(line);
      }
      yield `${lines.join('\n')}\n`;
    }
  }
  const client = clientOf(db);
  const target = `${table} (${columns.join(', ')})`;
  if ('unsafe' in client) {
    const writable = await client.unsafe(`copy ${target} from stdin`).writable();
    await pipeline(Readable.from(runs()), writable);
  } else {
    await client.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([...runs()]) });
  }
}

type PGliteQueryable = Pick<PGlite, 'query'>;

/** The driver under drizzle for `db` (inside a transaction, the transaction's). */
const clientOf = (db: Db) =>
  (db as unknown as { session: { client: postgres.Sql | PGliteQueryable } }).session.client;

/** Bytes sent in `encode(…, 'escape')`'s form: as they are, but a backslash doubled and `\ooo` for bytes ≥ 128. */
export function unescapeBytes(sent: Buffer): Buffer {
  let at = sent.indexOf(0x5c);
  if (at === -1) return sent;
  const out = Buffer.allocUnsafe(sent.length);
  let n = 0;
  let from = 0;
  for (; at !== -1; at = sent.indexOf(0x5c, from)) {
    n += sent.copy(out, n, from, at);
    if (sent[at + 1] === 0x5c) {
      out[n++] = 0x5c;
      from = at + 2;
    } else {
      out[n++] = (sent[at + 1]! - 48) * 64 + (sent[at + 2]! - 48) * 8 + (sent[at + 3]! - 48);
      from = at + 4;
    }
  }
  n += sent.copy(out, n, from);
  return out.subarray(0, n);
}

/**
 * The bytes of the first column of each row of a query that sends them as `encode(…, 'escape')`. That form is the
 * bytes themselves where they are ASCII and no backslash, so from postgres.js they are taken as they arrive, with
 * no string made of them; bytea's usual hex form would be twice the size to send and to read.
 */
export async function escapedRows(db: Db, query: string, params: number[]): Promise<Buffer[]> {
  const client = clientOf(db);
  if ('unsafe' in client) {
    const rows = await client.unsafe(query, params).raw();
    return rows.map((row) => unescapeBytes(row[0] as Buffer));
  }
  const { rows } = await client.query<Record<string, string>>(query, params);
  return rows.map((row) => unescapeBytes(Buffer.from(Object.values(row)[0]!, 'latin1')));
}

/**
 * Computes the search keys of targets written before the keys existed (migration 0009 marks that work in
 * `settings`); runs once, after the migrations.
 */
export async function fillPendingSearchKeys(db: Db): Promise<void> {
  const pending = await db.execute(sql`select 1 from settings where key = 'targets.search_keys_pending'`);
  if (rowsOf(pending).length === 0) return;
  for (let after = 0; ; ) {
    const rows = await db
      .select({ id: schema.targets.id, name: schema.targets.name })
      .from(schema.targets)
      .where(sql`${schema.targets.id} > ${after}`)
      .orderBy(asc(schema.targets.id))
      .limit(5_000);
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    await db.execute(sql`
      update targets set search_keys = u.search_keys::integer[]
      from unnest(${sql.param(rows.map((r) => r.id))}::int[],
        ${sql.param(rows.map((r) => `{${searchKeys(r.name).join(',')}}`))}::text[]) as u(id, search_keys)
      where targets.id = u.id`);
  }
  await db.execute(sql`delete from settings where key = 'targets.search_keys_pending'`);
}
