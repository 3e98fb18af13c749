// Once per run: migrate a template database, so each test file starts from a copy instead of running
// initdb and the migrations again. PGlite: a data-dir dump each file loads. PostgreSQL (TEST_DATABASE_URL):
// a template database each file's database is created from.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/store/db.ts';

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
  // Unique per run, so two runs on one server do not share a template.
  const template = `jointcheck_tpl_${randomBytes(6).toString('hex')}`;
  project.provide('pgTemplate', template);
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`CREATE DATABASE ${template}`);
    await admin.end();
    const migrated = await openDb({ databaseUrl: withDatabase(url, template) });
    await migrated.close();
  }
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url) {
      const admin = postgres(url, { max: 1, onnotice: () => undefined });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string;
  }
}
