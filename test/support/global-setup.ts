// Once per run: migrate a template database, so each test file starts from a copy instead of running
// initdb and the migrations again. PGlite: a data-dir dump each file loads. PostgreSQL (TEST_DATABASE_URL):
// a template database each file's database is created from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/store/db.ts';

export const TEMPLATE_DB = 'jointcheck_test_template';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'jointcheck-test-'));
  const pglite = await PGlite.create();
  const opened = await openDb({ pglite });
  const dump = await pglite.dumpDataDir('none');
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await opened.close();
  project.provide('pgliteTemplate', file);

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await admin.unsafe(`CREATE DATABASE ${TEMPLATE_DB}`);
    await admin.end();
    const templateUrl = withDatabase(url, TEMPLATE_DB);
    const migrated = await openDb({ databaseUrl: templateUrl });
    await migrated.close();
  }
  return () => rmSync(dir, { recursive: true, force: true });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
