// A fresh, migrated database for one test file: PGlite by default, PostgreSQL when TEST_DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type OpenedDb, openDb } from '../../src/store/db.ts';
import { withDatabase } from './global-setup.ts';

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export interface TestDb extends OpenedDb {
  /** A connection string for the same database (PostgreSQL only), e.g. for a second instance. */
  url?: string;
}

export async function freshDb(): Promise<TestDb> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const tar = readFileSync(inject('pgliteTemplate'));
    const pglite = await PGlite.create({ loadDataDir: new Blob([tar]) });
    return openDb({ pglite, migrate: false });
  }
  const name = `jointcheck_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  await admin.end();
  const dbUrl = withDatabase(url, name);
  const opened = await openDb({ databaseUrl: dbUrl, migrate: false });
  return {
    ...opened,
    url: dbUrl,
    async close() {
      await opened.close();
      const cleanup = postgres(url, { max: 1, onnotice: () => undefined });
      await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
