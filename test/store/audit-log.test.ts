// The audit chain in a real database: the trigger refuses changes, and `jointcheck audit verify` names the
// first entry that a superuser changed, removed or swapped behind the trigger's back.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports.ts';
import { type Db, sql } from '../../src/store/db.ts';
import { createStore } from '../../src/store/store.ts';
import { cliOn } from '../support/cli.ts';
import { freshDb, onPostgres, type TestDb } from '../support/test-db.ts';

let t: TestDb;
let store: Store;
beforeEach(async () => {
  t = await freshDb();
  store = createStore(t.db);
  for (let i = 1; i <= 5; i++) {
    await store.audit.append({
      actor: { kind: 'cli', id: 'cli:test' },
      action: 'member.bind',
      subject: `person:${i}`,
      outcome: 'ok',
      details: { role: 'liaison' },
    });
  }
});
afterEach(() => t.close());

const cli = cliOn(() => t);
const verify = (...extra: string[]) => cli('audit', 'verify', ...extra);

async function asSuperuser(db: Db, ...statements: ReturnType<typeof sql>[]) {
  await db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
  for (const statement of statements) await db.execute(statement);
  await db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
}

describe('the audit log in the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(t.db.execute(sql`update audit_log set action = 'x' where seq = 1`)).rejects.toThrow();
    await expect(t.db.execute(sql`delete from audit_log where seq = 5`)).rejects.toThrow();
    await expect(t.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    expect((await verify()).code).toBe(0);
  });

  it('verifies an intact chain and reports its head', async () => {
    const head = await store.audit.head();
    const result = await verify('--head', head!.hash);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`共 5 条，链头 #5 ${head!.hash}`);
  });

  it('names a changed entry', async () => {
    await asSuperuser(t.db, sql`update audit_log set details = '{"role":"office"}' where seq = 3`);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.err).toContain('第 3 条记录的内容被修改');
  });

  it('names a deleted entry', async () => {
    await asSuperuser(t.db, sql`delete from audit_log where seq = 2`);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.err).toContain('第 2 条记录缺失');
  });

  it('names the first of two swapped entries', async () => {
    await asSuperuser(
      t.db,
      sql`update audit_log set seq = -3 where seq = 3`,
      sql`update audit_log set seq = 3 where seq = 4`,
      sql`update audit_log set seq = 4 where seq = -3`,
    );
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/第 3 条/);
  });

  it('catches the newest entries cut off, through a published head', async () => {
    const head = await store.audit.head();
    await asSuperuser(t.db, sql`delete from audit_log where seq = 5`);
    expect((await verify()).code).toBe(0);
    const result = await verify('--head', head!.hash);
    expect(result.code).toBe(1);
    expect(result.err).toContain('整条链可能被重写');
  });

  it('writes an audit entry in the same transaction as the change, or not at all', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.audit.append({ actor: { kind: 'cli', id: 'x' }, action: 'doomed', outcome: 'ok' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await store.audit.list({ action: 'doomed' })).toEqual([]);
    expect((await verify()).code).toBe(0);
  });

  it.runIf(onPostgres)('keeps one chain when many transactions append at once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction((tx) =>
          tx.audit.append({ actor: { kind: 'cli', id: 'x' }, action: `parallel.${i}`, outcome: 'ok' }),
        ),
      ),
    );
    const result = await verify();
    expect(result.code).toBe(0);
    expect(result.out).toContain('共 25 条');
  });
});
