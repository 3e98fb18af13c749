// The real public files in ../shared/data (never copied into the project): counts from its README.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { parseConfig } from '../src/config.ts';
import { readTable } from '../src/files/read-table.ts';
import { freshDb, type TestDb } from './support/test-db.ts';

const data = resolve(import.meta.dirname, '../../shared/data');
const present = existsSync(data);
if (!present) console.warn('[跳过] 真实文件测试：未找到 ../shared/data。');

describe.skipIf(!present)('importing the real public files', () => {
  let t: TestDb;
  let dir: string;
  beforeAll(async () => {
    t = await freshDb();
    dir = mkdtempSync(join(tmpdir(), 'jointcheck-real-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function importJson(file: string) {
    const out: string[] = [];
    const code = await runCli(
      ['import', 'targets', file, '--json'],
      parseConfig({}),
      { out: (s) => out.push(s), err: () => {} },
      async () => ({ ...t, close: async () => {} }),
    );
    return { code, report: JSON.parse(out.join('')) };
  }

  it('the Zhejiang drawn list: 478 targets (430 USCC, 47 注册号, 1 legacy number with a warning), then all unchanged', async () => {
    const file = join(data, 'zhejiang/zhejiang-2017-ad-special-drawn-list.xlsx');
    const first = await importJson(file);
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ inserted: 478, rejected: 0, warnings: 1 });
    const rows = await t.db.execute(
      (await import('drizzle-orm')).sql`select code_kind, count(*)::int as n from targets group by code_kind`,
    );
    const counts = Object.fromEntries(
      (Array.isArray(rows) ? rows : (rows as { rows: { code_kind: string; n: number }[] }).rows).map((r) => [
        (r as { code_kind: string }).code_kind,
        Number((r as { n: number }).n),
      ]),
    );
    expect(counts).toEqual({ uscc: 430, regno: 47, other: 1 });
    const again = await importJson(file);
    expect(again.report).toMatchObject({ inserted: 0, updated: 0, unchanged: 478, rejected: 0 });
  });

  it('keeps every Chinese character of the workbook intact', async () => {
    const table = await readTable(join(data, 'zhejiang/zhejiang-2017-ad-special-drawn-list.xlsx'));
    const rows: string[][] = [];
    for await (const r of table.rows) rows.push(r.cells);
    expect(rows).toHaveLength(478);
    expect(rows.find((r) => r[1] === '91330303MA28646W1G')).toEqual([
      '温州霍加狓网络科技有限公司',
      '91330303MA28646W1G',
      '温州市龙湾区市场监督管理局',
      '海滨所',
    ]);
    expect(rows.flat().some((c) => c.includes('\uFFFD'))).toBe(false);
  });

  it('the WPS XML file named .xlsx: 5 targets, read by content', async () => {
    const { code, report } = await importJson(
      join(data, 'zhejiang/zhejiang-2017-direct-selling-drawn-list.xlsx'),
    );
    expect(code).toBe(0);
    expect(report).toMatchObject({ inserted: 5, rejected: 0 });
  });
});
