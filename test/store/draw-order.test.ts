// The draw's order can be computed, or re-checked, inside the database: PostgreSQL's sha256() over the same
// bytes orders a pool exactly as the domain does (product.md §4.4), on PGlite and on PostgreSQL alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowest, sha256 } from '../../src/domain/draw.ts';
import { escapedRows, sql } from '../../src/store/db.ts';
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

  it('reads bytes back a slice at a time as they were, every byte value and backslashes included', async () => {
    // How a draw reads its frozen pool (store/draw-repo.ts): `encode(substr(…), 'escape')`, undone here.
    const bytes = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from('\\\\0\\n\t𠀀号'),
    ]);
    const query = `select encode(substr(decode('${bytes.toString('hex')}', 'hex'), g, 7), 'escape')
      from generate_series($1::int, $2::int, 7) as g order by g`;
    const slices: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 70)
      slices.push(...(await escapedRows(t.db, query, [at + 1, Math.min(at + 70, bytes.length)])));
    expect(slices.length).toBe(Math.ceil(bytes.length / 7));
    expect(Buffer.concat(slices)).toEqual(bytes);
  });
});
