// The real public files in ../shared/data (never copied into the project): counts from its README.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../src/files/read-table.ts';
import { createStore } from '../src/store/store.ts';
import { cliOn } from './support/cli.ts';
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

  const cli = cliOn(() => t);
  async function importJson(file: string) {
    const { code, out } = await cli('import', 'targets', file, '--json');
    return { code, report: JSON.parse(out) };
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
    for await (const batch of table.batches) for (const r of batch) rows.push(r.cells);
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

describe.skipIf(!present)('importing the real matters lists', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb();
  });
  afterAll(async () => {
    await t?.close();
  });

  const cli = cliOn(() => t);

  /** The 16 编制单位 of the Hainan 2020 list (shared/data README §1.1), each an alias of a department here. */
  const hainanUnits = [
    '省教育厅',
    '省公安厅',
    '省人力资源和社会保障厅',
    '省生态环境厅',
    '省住房和城乡建设厅',
    '省交通运输厅',
    '省农业农村厅',
    '省商务厅',
    '省旅文厅',
    '省卫健委',
    '省应急管理厅',
    '海口海关',
    '国家税务总局海南省税务局',
    '省统计局',
    '省消防救援总队',
    '省市场监管局',
  ];

  it('the Hainan 2020 list: unknown 编制单位 are reported and nothing is imported', async () => {
    for (const [i, unit] of hainanUnits.slice(0, 15).entries()) {
      expect(
        (await cli('dept', 'add', '--code', `d${i}`, '--name', `县单位${i}`, '--aliases', unit)).code,
      ).toBe(0);
    }
    const result = await cli(
      'import',
      'matters',
      join(data, 'hainan/hainan-market-random-inspection-matters-2020.xlsx'),
      '--json',
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(report.inserted).toBe(0);
    expect(report.rejected).toBe(82);
    expect(report.errors[0].problem).toContain('“省市场监管局”不是已登记的成员单位');
  });

  it('the Hainan 2020 list: 297 matter variants, 30 of them 重点, then all unchanged', async () => {
    expect((await cli('dept', 'add', '--code', 'd15', '--name', '县市场监督管理局')).code).toBe(0);
    expect((await cli('dept', 'alias', '--code', 'd15', '--aliases', '省市场监管局')).code).toBe(0);
    const file = join(data, 'hainan/hainan-market-random-inspection-matters-2020.xlsx');
    const first = JSON.parse((await cli('import', 'matters', file, '--json')).out);
    expect(first).toMatchObject({ inserted: 297, rejected: 0, committed: true });
    const matters = await createStore(t.db).matters.list();
    expect(matters.filter((m) => m.level === 'key')).toHaveLength(30);
    // A matter with several legal bases (continuation rows) is one matter carrying all of them.
    expect(Math.max(...matters.map((m) => m.bases.length))).toBeGreaterThan(1);
    // 事项类别 belongs to the pair (事项, 检查对象): 序号 106 has a 一般 and a 重点 variant.
    const canteen = matters.filter((m) => m.seq === '106');
    expect(new Set(canteen.map((m) => m.level))).toEqual(new Set(['key', 'general']));
    const again = JSON.parse((await cli('import', 'matters', file, '--json')).out);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 297 });
  });

  it('the Hainan joint list (.xls): 83 matters in 36 领域', async () => {
    const file = join(data, 'hainan/hainan-joint-inspection-matters-v2.xls');
    const table = await readTable(file, { isHeader: (cells) => cells.includes('抽查事项') });
    const initiators = new Set<string>();
    for await (const batch of table.batches)
      for (const r of batch) if (r.cells[4]?.trim()) initiators.add(r.cells[4].trim());
    expect(initiators.size).toBe(21);
    // Some cells name two initiating departments ("公安部门、卫生健康部门"): the departments are the single names.
    const single = new Set([...initiators].flatMap((s) => s.split('、')));
    for (const [i, name] of [...single].entries()) {
      expect(
        (await cli('dept', 'add', '--code', `j${i}`, '--name', `联合部门${i}`, '--aliases', name)).code,
      ).toBe(0);
    }
    const report = JSON.parse((await cli('import', 'matters', file, '--json')).out);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ inserted: 83, rejected: 0, warnings: 7 });
    const joint = (await createStore(t.db).matters.list()).filter((m) => m.cooperating !== null);
    expect(joint).toHaveLength(83);
    expect(new Set(joint.map((m) => m.category)).size).toBe(36);
  });
});
