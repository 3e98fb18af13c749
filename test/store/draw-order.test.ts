// The draw's order can be computed, or re-checked, inside the database: PostgreSQL's sha256() over the same
// bytes orders a pool exactly as the domain does (product.md §4.4), on PGlite and on PostgreSQL alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowest, sha256 } from '../../src/domain/draw.ts';
import { sql } from '../../src/store/db.ts';
import { freshDb, type TestDb } from '../support/test-db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

describe('draw order in the database', () => {
  it('matches the domain’s ranking, id for id', async () => {
    const seed = sha256('a published seed');
    // Codes with letters and digits, and a few with Chinese characters (UTF-8 bytes, not UTF-16 units).
    const ids = [
      ...Array.from({ length: 2000 }, (_, i) => `91370105MA${i.toString(36).toUpperCase().padStart(8, '0')}`),
      '个体工商户-张三',
      '个体工商户-李四',
    ];
    const result = await t.db.execute(
      sql`select id from unnest(${sql.raw(`ARRAY[${ids.map((id) => `'${id}'`).join(',')}]::text[]`)}) as id
          order by sha256(convert_to(${seed} || 'target' || id, 'UTF8')) limit 300`,
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual(lowest(seed, 'target', ids, 300).map((r) => r.id));
  });
});
