import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMatters } from '../src/app/import-matters.ts';
import type { TableSource } from '../src/app/import-runner.ts';
import { importTargets } from '../src/app/import-targets.ts';
import { cardText, createHarness, type Harness, users } from '../test/support/harness.ts';

let h: Harness;

function table(headers: string[], rows: string[][]): TableSource {
  async function* gen() {
    yield rows.map((cells, i) => ({ rowNumber: i + 2, cells }));
  }
  return { headers, headerRowNumber: 1, batches: gen() };
}

beforeAll(async () => {
  h = await createHarness();
  const by = { kind: 'cli' as const, id: 'cli:test' };
  await importTargets(
    h.store,
    table(
      ['企业名称', '统一社会信用代码', '管辖单位', '信用风险等级'],
      [
        ['杭州潘天寿环境艺术设计有限公司', '913301007161035748', '朝晖工商所', 'B'],
        ['浙江汉风文创投资管理有限公司', '91330100311348661F', '米市巷市场监管所', 'D'],
        ['玫琳凯（中国）有限公司', '91330100609167206N', '白杨工商所', ''],
      ],
    ),
    { by, fileName: 'test.csv' },
  );
  const rows = Array.from({ length: 20 }, (_, i) => [
    '天桥区市场监督管理局',
    String(i + 1),
    '食品安全',
    `事项${i + 1}`,
    i % 2 === 0 ? '食品生产企业' : '学校食堂',
    i % 2 === 0 ? '一般检查事项' : '重点检查事项',
  ]);
  await importMatters(
    h.store,
    table(['编制单位名称', '序号', '抽查类别', '抽查事项', '检查对象', '事项类别'], rows),
    {
      by,
      fileName: 'matters.csv',
    },
  );
});
afterAll(() => h.close());

describe('/targets', () => {
  it('finds a target by two characters of its name, or by its code', async () => {
    const byName = h.only(await h.send('/targets 天寿', users.liaison));
    expect(cardText(byName.card)).toContain('杭州潘天寿环境艺术设计有限公司');
    expect(cardText(byName.card)).not.toContain('玫琳凯');
    const byCode = h.only(await h.send('对象 91330100311348661f', users.liaison));
    expect(cardText(byCode.card)).toContain('浙江汉风文创投资管理有限公司');
    expect(cardText(byCode.card)).toContain('D（高）');
    const brackets = h.only(await h.send('/targets (中国)', users.liaison));
    expect(cardText(brackets.card)).toContain('玫琳凯（中国）有限公司');
  });

  it('asks for at least two characters, and says when nothing matches', async () => {
    expect(cardText(h.only(await h.send('/targets 杭', users.liaison)).card)).toContain(
      '至少输入名称中的两个字',
    );
    expect(cardText(h.only(await h.send('/targets 不存在的', users.liaison)).card)).toContain('没有找到');
  });
});

describe('/matters', () => {
  it('pages through the own department’s matters', async () => {
    const first = h.only(await h.send('/matters', users.office));
    // The demo workspace already lists 6 matters (3 of them 重点) for 区市场监管局.
    expect(cardText(first.card)).toContain('共 26 项（重点 13 项），第 1/2 页');
    expect(cardText(first.card)).toContain('食品安全 / 事项9');
    await h.click(first, '下一页', users.office);
    expect(cardText(first.card)).toContain('第 2/2 页');
    expect(cardText(first.card)).toContain('事项20');
  });

  it('shows another department’s (empty) list by name', async () => {
    expect(cardText(h.only(await h.send('/matters 区商务局', users.office)).card)).toContain(
      '还没有抽查事项',
    );
  });
});

describe('/inspectors', () => {
  it('lists the department’s inspectors with masked certificates, and who is unavailable today', async () => {
    const { importInspectors } = await import('../src/app/import-inspectors.ts');
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await importInspectors(
      h.store,
      table(
        ['部门', '所在单位', '姓名', '执法证号', '执法证有效期', '执法类别'],
        [
          ['区市场监管局', '北园所', '刘洋', '37010500001', '2099-12-31', '食品'],
          ['区市场监管局', '泺口所', '马超', '37010500002', '2020-01-01', '广告'],
          ['区市场监管局', '药山所', '郭静', '37010500003', '2099-12-31', '食品'],
        ],
      ),
      { by: { kind: 'cli', id: 'test' }, fileName: 'inspectors.csv', today },
    );
    const guo = (await h.store.inspectors.list((await h.store.departments.find('scjgj'))!.id)).find(
      (p) => p.name === '郭静',
    )!;
    const { sql } = await import('drizzle-orm');
    await h.db.execute(
      sql`insert into person_leaves (person_id, from_date, to_date, reason) values (${guo.id}, ${today}::date - 1, ${today}::date + 3, '年假')`,
    );
    const text = cardText(h.only(await h.send('/inspectors', users.office)).card);
    expect(text).toContain('37*******01');
    expect(text).not.toContain('37010500001');
    expect(text).toMatch(/马超[\s\S]*执法证已过期/);
    expect(text).toMatch(/郭静[\s\S]*休假至/);
    expect(text).toContain('1 人的执法证已过期');
  });
});

describe('/inspectors leave and /conflict add', () => {
  it('lets the office record a leave, refuses another department’s liaison, and audits it', async () => {
    const refused = h.only(await h.send('/inspectors leave 刘洋 2026-12-01 2026-12-05 年假', users.liaison));
    expect(cardText(refused.card)).toContain('本部门的检查人员名录中没有找到“刘洋”');
    const bad = h.only(await h.send('/inspectors leave 刘洋 2026-12-05 2026-12-01', users.office));
    expect(cardText(bad.card)).toContain('开始日期不能晚于结束日期');
    const ok = h.only(await h.send('/inspectors 休假 刘洋 2026-12-01 2026-12-05 年假', users.office));
    expect(cardText(ok.card)).toContain('刘洋**：2026-12-01 至 2026-12-05（年假）');
    const liu = (await h.store.inspectors.list((await h.store.departments.find('scjgj'))!.id)).find(
      (p) => p.name === '刘洋',
    )!;
    expect(liu.leaves).toContainEqual({ from: '2026-12-01', to: '2026-12-05', reason: '年假' });
    expect((await h.store.audit.list({ action: 'inspector.leave' })).at(-1)?.details).toMatchObject({
      name: '刘洋',
    });
  });

  it('records a declared conflict by code or by name, once, and refuses someone from another department', async () => {
    const first = h.only(await h.send('/conflict add 刘洋 913301007161035748 亲属任职', users.office));
    expect(cardText(first.card)).toContain('已申报回避');
    const again = h.only(await h.send('回避 申报 刘洋 913301007161035748', users.office));
    expect(cardText(again.card)).toContain('此前已登记');
    const byName = h.only(await h.send('/conflict add 刘洋 浙江汉风文创投资管理有限公司', users.office));
    expect(cardText(byName.card)).toContain('91330100311348661F');
    const stranger = h.only(await h.send('/conflict add 刘洋 91330100609167206N', users.inspector));
    expect(cardText(stranger.card)).toContain('没有找到“刘洋”');
    const liu = (await h.store.inspectors.list((await h.store.departments.find('scjgj'))!.id)).find(
      (p) => p.name === '刘洋',
    )!;
    expect((await h.store.inspectors.conflicts(liu.id)).map((c) => c.targetCode)).toEqual([
      '913301007161035748',
      '91330100311348661F',
    ]);
  });
});

describe('/registers', () => {
  it('shows the office expiring certificates, untagged inspectors, unstaffed matters and non-operating targets', async () => {
    const text = cardText(h.only(await h.send('/registers', users.office)).card);
    expect(text).toContain('马超：已于 2020-01-01 过期');
    // 何平 (区商务局) came from the demo without qualification tags.
    expect(text).toMatch(/没有执法类别[\s\S]*何平/);
    expect(text).toContain('状态不是“存续”的检查对象（不会被抽取）**：没有');
    const liaison = h.only(await h.send('/registers', users.liaison));
    expect(cardText(liaison.card)).toContain('没有权限');
  });
});

describe('/inspectors pages', () => {
  it('shows a large department a page at a time', async () => {
    const { importInspectors } = await import('../src/app/import-inspectors.ts');
    const rows = Array.from({ length: 25 }, (_, i) => [
      '区卫健局',
      '监督所',
      `卫健员${String(i + 1).padStart(2, '0')}`,
      '公共卫生',
    ]);
    await importInspectors(h.store, table(['部门', '所在单位', '姓名', '执法类别'], rows), {
      by: { kind: 'cli', id: 'test' },
      fileName: 'wj.csv',
      today: '2026-11-23',
    });
    const first = h.only(await h.send('/inspectors 区卫健局', users.office));
    expect(cardText(first.card)).toContain('共 25 人，第 1/2 页');
    expect(cardText(first.card)).not.toContain('卫健员25');
    await h.click(first, '下一页', users.office);
    expect(cardText(first.card)).toContain('卫健员25');
  });
});
