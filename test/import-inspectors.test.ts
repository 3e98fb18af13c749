// The inspector library: one record per human (a bound colleague is adopted), certificates checked and
// masked, re-import idempotent.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskCertificate } from '../src/domain/inspector-record.ts';
import { createStore } from '../src/store/store.ts';
import { cliOn } from './support/cli.ts';
import { freshDb, type TestDb } from './support/test-db.ts';

let t: TestDb;
let dir: string;

const cli = cliOn(() => t);

beforeAll(async () => {
  t = await freshDb();
  dir = mkdtempSync(join(tmpdir(), 'jointcheck-inspectors-'));
  await cli('dept', 'add', '--code', 'scjgj', '--name', '某区市场监督管理局', '--short', '区市场监管局');
  await cli(
    'member',
    'add',
    '--user',
    'zhang.san',
    '--name',
    '张三',
    '--dept',
    'scjgj',
    '--role',
    'liaison',
    '--platform',
    'local',
  );
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const header = '部门,所在单位,姓名,职务,执法证号,执法证有效期,执法类别,专长,片区,是否专家';

describe('import inspectors', () => {
  it('adopts a bound colleague, adds the others, and warns of an expired certificate', async () => {
    const file = join(dir, 'inspectors.csv');
    writeFileSync(
      file,
      [
        header,
        '区市场监管局,北园所,张三,科员,37010500001,2028-12-31,食品、特种设备,食品安全,北园片区,否',
        '区市场监管局,泺口所,李四,所长,37010500002,2027-06-30,食品,,泺口片区,否',
        '区市场监管局,北园所,王五,科员,37010500003,2020-01-31,广告,,北园片区,否',
        '区市场监管局,,赵专家,,,,,"餐饮,检验检测",,是',
      ].join('\n'),
    );
    const result = await cli('import', 'inspectors', file, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ inserted: 3, updated: 1, rejected: 0, warnings: 1 });
    const store = createStore(t.db);
    const zhang = (await store.people.findByChatAccount('local', 'zhang.san'))!;
    expect(zhang.roles.sort()).toEqual(['inspector', 'liaison']);
    const everyone = await store.people.listByDepartment(zhang.departmentId);
    expect(everyone.map((p) => p.name).sort()).toEqual(['张三', '李四', '王五', '赵专家'].sort());
    // The units the library names are now the department's sub-units; more can be added by hand.
    const units = async () => (await store.departments.get(zhang.departmentId))!.units;
    expect((await units()).filter((u) => u.endsWith('所')).sort()).toEqual(['北园所', '泺口所'].sort());
    const added = await cli(
      'dept',
      'unit',
      '--code',
      (await store.departments.get(zhang.departmentId))!.code,
      '--units',
      '执法大队,泺口所',
    );
    expect(added.out).toContain('执法大队');
    expect((await units()).filter((u) => u === '泺口所')).toHaveLength(1);

    const again = await cli('import', 'inspectors', file, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
  });

  it('rejects a bad date, an unknown department and a repeated certificate, row by row', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      [
        header,
        '区市场监管局,北园所,钱六,科员,37010500009,2027-13-01,食品,,,否',
        '区外交局,北园所,孙七,科员,37010500010,2027-01-01,食品,,,否',
        '区市场监管局,北园所,郑十,科员,37010500012,2027-01-01,食品,,,否',
        '区市场监管局,泺口所,周八,科员,37010500012,2027-01-01,食品,,,否',
        '区市场监管局,北园所,吴九,科员,37010500011,2027-01-01,食品,,,也许',
      ].join('\n'),
    );
    const result = JSON.parse((await cli('import', 'inspectors', file, '--json')).out);
    expect(result.committed).toBe(false);
    expect(result.errors.map((e: { row: number; problem: string }) => [e.row, e.problem])).toEqual([
      [2, expect.stringContaining('不是有效日期')],
      [3, expect.stringContaining('“区外交局”不是已登记的成员单位')],
      [5, '执法证号与第 4 行重复'],
      [6, expect.stringContaining('请填 是 或 否')],
    ]);
  });

  it('refuses a certificate number already registered under another name', async () => {
    const file = join(dir, 'reused.csv');
    writeFileSync(
      file,
      [header, '区市场监管局,北园所,冒名,科员,37010500002,2027-06-30,食品,,,否'].join('\n'),
    );
    const result = JSON.parse((await cli('import', 'inspectors', file, '--json')).out);
    expect(result.committed).toBe(false);
    expect(result.errors[0].problem).toContain('已登记在“李四”名下');
  });

  it('masks certificate numbers for display', () => {
    expect(maskCertificate('37010500001')).toBe('37*******01');
  });
});
