// The databases a benchmark runs on: an in-memory PGlite, and a temporary database on a PostgreSQL server
// (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the machine's default server), dropped afterwards.
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { type OpenedDb, openDb } from '../src/store/db.ts';

export async function withPglite<T>(run: (db: OpenedDb) => Promise<T>): Promise<T> {
  const opened = await openDb({ pglite: await PGlite.create() });
  try {
    return await run(opened);
  } finally {
    await opened.close();
  }
}

/** Runs on a fresh PostgreSQL database, or returns why it could not. */
export async function withBenchDatabase<T>(
  run: (db: OpenedDb, url: string) => Promise<T>,
): Promise<T | string> {
  const url =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const name = `jointcheck_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 5 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    return `PostgreSQL 不可用（${(error as Error).message}），已跳过`;
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  const opened = await openDb({ databaseUrl: u.toString() });
  try {
    return await run(opened, u.toString());
  } finally {
    await opened.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
