// Importing a target library from CSV through the CLI, as an office would: encodings, all-or-nothing,
// --partial, --dry-run, re-import idempotence, and files that are not what they claim.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgCodeCheckChar, usccCheckChar } from '../src/domain/identifiers.ts';
import { fillPendingSearchKeys } from '../src/store/db.ts';
import { createStore } from '../src/store/store.ts';
import { cliOn } from './support/cli.ts';
import { freshDb, type TestDb } from './support/test-db.ts';

let t: TestDb;
let dir: string;
beforeAll(async () => {
  t = await freshDb();
  dir = mkdtempSync(join(tmpdir(), 'jointcheck-import-'));
  await runCliOn('dept', 'add', '--code', 'scjgj', '--name', '某区市场监督管理局');
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const runCliOn = cliOn(() => t);

async function importJson(file: string, ...flags: string[]) {
  const result = await runCliOn('import', 'targets', file, '--json', ...flags);
  return { code: result.code, report: JSON.parse(result.out), err: result.err };
}

/** A valid USCC for enterprise number n: its organisation code and both check characters computed. */
function uscc(n: number): string {
  const org = String(n).padStart(8, '0');
  const body = `91330100${org}${orgCodeCheckChar(org)}`;
  return body + usccCheckChar(body);
}

function csv(rows: string[][]): string {
  return `${rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
}

const header = ['企业名称', '统一社会信用代码', '类型', '行业', '片区', '住所', '信用风险等级', '登记状态'];

describe('import targets', () => {
  it('imports a GBK-encoded CSV with its Chinese text intact', async () => {
    const file = join(dir, 'gbk.csv');
    const rows = [
      header,
      [
        '杭州潘天寿环境艺术设计有限公司',
        '913301007161035748',
        '企业',
        '设计服务',
        '朝晖片区',
        '杭州市下城区',
        'B',
        '存续',
      ],
    ];
    writeFileSync(file, iconv.encode(csv(rows), 'gbk'));
    const { code, report } = await importJson(file);
    expect(code).toBe(0);
    expect(report).toMatchObject({ inserted: 1, rejected: 0, committed: true });
    const target = await createStore(t.db).targets.findByCode('913301007161035748');
    expect(target).toMatchObject({
      name: '杭州潘天寿环境艺术设计有限公司',
      area: '朝晖片区',
      riskClass: 'B',
      status: '存续',
    });
  });

  it('imports nothing when one of 10,000 rows has a bad check digit, names that row and column; --partial loads the rest', async () => {
    const rows = [header];
    for (let i = 1; i <= 10_000; i++) rows.push([`企业${i}`, uscc(i), '企业', '零售', '', '', 'A', '存续']);
    const bad = rows[5_001]![1]!;
    rows[5_001]![1] = bad.slice(0, 17) + (bad[17] === '0' ? '1' : '0');
    const file = join(dir, 'ten-thousand.csv');
    writeFileSync(file, csv(rows));
    const store = createStore(t.db);
    const before = await store.targets.count();

    const refused = await importJson(file);
    expect(refused.code).toBe(1);
    expect(refused.report).toMatchObject({ inserted: 0, rejected: 1, committed: false });
    expect(refused.report.errors).toEqual([
      { row: 5_002, column: '统一社会信用代码/注册号', problem: expect.stringContaining('校验位错误') },
    ]);
    expect(await store.targets.count()).toBe(before);

    // Without --json, progress goes to stderr as plain lines (no terminal here), the counts to stdout.
    const plain = await runCliOn('import', 'targets', file, '--dry-run', '--partial');
    expect(plain.err).toMatch(/已读 10000 行（\d+ 行\/秒/);
    expect(plain.out).toContain('试导入（未写入）：新增 9999');
    // People get every error in a file beside the spreadsheet (scripts read them from --json instead).
    expect(readFileSync(`${file}.errors.csv`, 'utf8')).toContain('"5002","统一社会信用代码/注册号"');

    const partial = await importJson(file, '--partial');
    expect(partial.code).toBe(0);
    expect(partial.report).toMatchObject({ inserted: 9_999, rejected: 1, committed: true });
    expect(await store.targets.count()).toBe(before + 9_999);
  });

  it('changes nothing when the same file is imported again, and updates only changed rows', async () => {
    const rows = [
      header,
      ['甲公司', uscc(20_001), '企业', '', '', '', 'A', '存续'],
      ['乙公司', uscc(20_002), '企业', '', '', '', 'B', '在业'],
    ];
    const file = join(dir, 'again.csv');
    writeFileSync(file, csv(rows));
    expect((await importJson(file)).report).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect((await importJson(file)).report).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    rows[2]![6] = 'D';
    writeFileSync(file, csv(rows));
    expect((await importJson(file)).report).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect((await createStore(t.db).targets.findByCode(uscc(20_002)))?.riskClass).toBe('D');
  });

  it('refuses a code or a category too long for the library, in Chinese, and writes nothing', async () => {
    const file = join(dir, 'long.csv');
    writeFileSync(
      file,
      csv([
        header,
        ['丁公司', uscc(46_001), '企业', '零售业'.repeat(400), '', '', '', ''],
        ['戊商行', `个体${'长'.repeat(70)}`, '企业', '', '', '', '', ''],
      ]),
    );
    const { code, report } = await importJson(file);
    expect(code).toBe(1);
    expect(report).toMatchObject({ inserted: 0, rejected: 2, committed: false });
    expect(report.errors.map((e: { problem: string }) => e.problem)).toEqual([
      '内容过长（1200 个字），此列最多 100 个字',
      '代码过长（72 个字符），最多 64 个',
    ]);
    expect(await createStore(t.db).targets.findByCode(uscc(46_001))).toBeUndefined();
  });

  it('leaves the library settled after an import: a draw reads its pool from the index alone', async () => {
    const file = join(dir, 'settled.csv');
    const rows = [header];
    for (let n = 70_001; n <= 70_300; n++) rows.push([`己公司${n}`, uscc(n), '企业', '', '', '', '', '存续']);
    writeFileSync(file, csv(rows));
    expect((await importJson(file)).report).toMatchObject({ inserted: 300, committed: true });
    // The freeze's read, forced onto the pool-order index: no row needs a visit to the table.
    const fetches = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_bitmapscan = off`);
      const result = await tx.execute(
        sql`explain (analyze, format json) select code from targets where active and status = '存续'
            order by code collate "C"`,
      );
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
        string,
        unknown
      >[];
      const plan = JSON.stringify(rows[0]!['QUERY PLAN']);
      expect(plan).toContain('targets_pool_order_idx');
      return Number(plan.match(/"Heap Fetches":\s*(\d+)/)![1]);
    });
    // Unsettled, every row just imported would be read from the table as well (300 and more). VACUUM may leave a
    // page holding a dead row of an earlier refused import for later, when that is too little to clean the
    // indexes for: a few dozen reads.
    expect(fetches).toBeLessThan(100);
  });

  it('reports what a dry run would do without writing', async () => {
    const file = join(dir, 'dry.csv');
    writeFileSync(file, csv([header, ['丙公司', uscc(30_001), '企业', '', '', '', '', '']]));
    const dry = await importJson(file, '--dry-run');
    expect(dry).toMatchObject({ code: 0, report: { inserted: 1, committed: false, dryRun: true } });
    expect(await createStore(t.db).targets.findByCode(uscc(30_001))).toBeUndefined();
  });

  it('accepts 注册号 and legacy numbers, rejects duplicates, unknown statuses and bad dates, row by row', async () => {
    const file = join(dir, 'mixed.csv');
    writeFileSync(
      file,
      csv([
        ['企业名称', '注册号/统一社会信用代码', '登记状态', '最近检查日期'],
        ['中航重机', '520000000005018', '存续', '2025-06-30'],
        ['老编号企业', '3301062015292', '', ''],
        ['重复企业', '520000000005018', '', ''],
        ['怪状态', uscc(40_001), '冬眠', ''],
        ['坏日期', uscc(40_002), '存续', '2025-02-30'],
      ]),
    );
    const { code, report } = await importJson(file, '--partial');
    expect(code).toBe(0);
    expect(report).toMatchObject({ inserted: 2, rejected: 3, warnings: 1 });
    expect(report.errors.map((e: { row: number; problem: string }) => [e.row, e.problem])).toEqual([
      [4, '代码 520000000005018 与第 2 行重复'],
      [5, expect.stringContaining('“冬眠”不是登记状态')],
      [6, expect.stringContaining('不是有效日期')],
    ]);
    expect((await createStore(t.db).targets.findByCode('3301062015292'))?.codeKind).toBe('other');
  });

  it('says which required columns are missing', async () => {
    const file = join(dir, 'columns.csv');
    writeFileSync(
      file,
      csv([
        ['名称', '地址'],
        ['丁公司', '某地'],
      ]),
    );
    const result = await runCliOn('import', 'targets', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain('找不到这些列：统一社会信用代码/注册号');
  });

  it('answers an empty file, a file of junk and a broken workbook with a clear message', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    expect((await runCliOn('import', 'targets', empty)).err).toContain('文件是空的');
    const junk = join(dir, 'junk.xlsx');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    expect((await runCliOn('import', 'targets', junk)).err).toContain('这不是表格文件');
    const zip = join(dir, 'real.xlsx');
    writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]));
    expect((await runCliOn('import', 'targets', zip)).err).toContain('无法读取这个表格文件');
    expect((await runCliOn('import', 'targets', join(dir, 'missing.csv'))).err).toContain('找不到文件');
    // 50 MB of junk is recognised from its first bytes.
    const big = join(dir, 'big-junk.csv');
    const block = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) % 256));
    writeFileSync(big, Buffer.concat(Array.from({ length: 50 }, () => block)));
    expect((await runCliOn('import', 'targets', big)).err).toContain('这不是表格文件');
  });
});

describe('import targets --sync', () => {
  it('marks inactive, within the export’s department only, the targets a full export no longer lists', async () => {
    await runCliOn('dept', 'add', '--code', 'swj', '--name', '某区商务局');
    const mine = join(dir, 'mine.csv');
    const theirs = join(dir, 'theirs.csv');
    writeFileSync(
      mine,
      csv([
        header,
        ['戊公司', uscc(50_001), '', '', '', '', '', ''],
        ['己公司', uscc(50_002), '', '', '', '', '', ''],
      ]),
    );
    writeFileSync(theirs, csv([header, ['庚公司', uscc(50_003), '', '', '', '', '', '']]));
    expect((await importJson(mine, '--dept', 'scjgj')).report.inserted).toBe(2);
    expect((await importJson(theirs, '--dept', 'swj')).report.inserted).toBe(1);

    writeFileSync(mine, csv([header, ['戊公司', uscc(50_001), '', '', '', '', '', '']]));
    const synced = await importJson(mine, '--dept', 'scjgj', '--sync');
    expect(synced.report).toMatchObject({ unchanged: 1, deactivated: 1, committed: true });
    const store = createStore(t.db);
    expect((await store.targets.findByCode(uscc(50_002)))?.active).toBe(false);
    // Another department's targets, and every target imported without a department, are untouched.
    expect((await store.targets.findByCode(uscc(50_003)))?.active).toBe(true);
    expect((await store.targets.findByCode('913301007161035748'))?.active).toBe(true);

    // Listed again, it comes back.
    writeFileSync(
      mine,
      csv([
        header,
        ['戊公司', uscc(50_001), '', '', '', '', '', ''],
        ['己公司', uscc(50_002), '', '', '', '', '', ''],
      ]),
    );
    expect((await importJson(mine, '--dept', 'scjgj', '--sync')).report).toMatchObject({
      updated: 1,
      deactivated: 0,
    });
    expect((await store.targets.findByCode(uscc(50_002)))?.active).toBe(true);
  });

  it('refuses --sync without a scope, and with errors in the file', async () => {
    const file = join(dir, 'scopeless.csv');
    writeFileSync(file, csv([header, ['辛公司', uscc(60_001), '', '', '', '', '', '']]));
    const scopeless = await runCliOn('import', 'targets', file, '--sync');
    expect(scopeless.code).toBe(1);
    expect(scopeless.err).toContain('需要指明这份文件是谁的全量导出');
    writeFileSync(
      file,
      csv([
        header,
        ['辛公司', uscc(60_001), '', '', '', '', '', ''],
        ['坏公司', '91330100000000000X', '', '', '', '', '', ''],
      ]),
    );
    const broken = await importJson(file, '--tag', '广告库', '--sync', '--partial');
    expect(broken.code).toBe(1);
    expect(broken.report).toMatchObject({ inserted: 0, deactivated: 0, committed: false });
    expect(broken.report.errors[0].problem).toContain('不执行同步');
  });
});

describe('import targets: large loads and stored text', () => {
  /** The name-search and pool-order indexes: their ids and definitions. */
  const indexOid = async () => {
    const result = await t.db.execute(
      sql`select c.oid::int as oid, pg_get_indexdef(c.oid) as def from pg_class c
          where c.relname in ('targets_search_keys_idx', 'targets_pool_order_idx') order by c.relname`,
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      oid: number;
      def: string;
    }[];
    expect(rows).toHaveLength(2);
    return { oid: rows.map((r) => r.oid).join(), def: rows.map((r) => r.def) };
  };

  it('a load larger than half the library rebuilds its large indexes once, with the same definitions', async () => {
    const before = await indexOid();
    const file = join(dir, 'large.csv');
    const rows = [header];
    for (let n = 300_001; n <= 360_000; n++)
      rows.push([`大批量测试商贸有限公司${n}`, uscc(n), '', '', '', '', 'C', '存续']);
    writeFileSync(file, csv(rows));
    const { code, report } = await importJson(file);
    expect(code).toBe(0);
    expect(report).toMatchObject({ inserted: 60_000, rejected: 0 });
    const after = await indexOid();
    expect(after.oid.split(',')[0]).not.toBe(before.oid.split(',')[0]);
    expect(after.oid.split(',')[1]).not.toBe(before.oid.split(',')[1]);
    expect(after.def).toEqual(before.def);
    const store = createStore(t.db);
    const found = await store.targets.search('量测', 5);
    expect(found.targets[0]?.name).toMatch(/^大批量测试商贸有限公司/);
    // A small import leaves the index alone.
    const small = join(dir, 'small.csv');
    writeFileSync(small, csv([header, ['小批量公司', uscc(360_001), '', '', '', '', '', '']]));
    expect((await importJson(small)).report.inserted).toBe(1);
    expect((await indexOid()).oid).toBe(after.oid);
  });

  it('keeps tabs, backslashes and quotes in names and tags exactly', async () => {
    const file = join(dir, 'odd.csv');
    writeFileSync(
      file,
      csv([
        [...header, '专项库'],
        ['反斜杠\\公司\t分店', uscc(370_001), '', '', '', '', '', '', '重点"库,食品\\库'],
      ]),
    );
    expect((await importJson(file)).report.inserted).toBe(1);
    const target = await createStore(t.db).targets.findByCode(uscc(370_001));
    expect(target?.name).toBe('反斜杠\\公司\t分店');
    expect(target?.tags).toEqual(['重点"库', '食品\\库']);
  });

  it('answers a CSV whose quotes do not pair with the row, and imports nothing', async () => {
    const file = join(dir, 'quotes.csv');
    writeFileSync(file, `${header.join(',')}\n"未闭合公司,${uscc(380_001)},,,,,,\n`);
    const result = await runCliOn('import', 'targets', file);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain('引号不成对');
    expect(await createStore(t.db).targets.findByCode(uscc(380_001))).toBeUndefined();
  });

  it('targets stored before the integer search keys get theirs after the migration', async () => {
    await t.db.execute(
      sql`insert into targets (code, code_kind, name, row_hash) values ('OLD-0001', 'other', '旧版潘天寿设计公司', 'x')`,
    );
    await t.db.execute(
      sql`insert into settings (key, value) values ('targets.search_keys_pending', 'true'::jsonb)`,
    );
    const store = createStore(t.db);
    expect((await store.targets.search('版潘', 5)).targets).toHaveLength(0);
    await fillPendingSearchKeys(t.db);
    expect((await store.targets.search('版潘', 5)).targets.map((x) => x.code)).toEqual(['OLD-0001']);
    const marker = await t.db.execute(sql`select 1 from settings where key = 'targets.search_keys_pending'`);
    expect(Array.isArray(marker) ? marker : (marker as { rows: unknown[] }).rows).toHaveLength(0);
  });
});
