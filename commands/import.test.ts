import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText, createHarness, type Harness, users } from '../test/support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const csv = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);

describe('/import from a file sent in the chat', () => {
  it('asks for the file first', async () => {
    const reply = h.only(await h.send('/import targets', users.office));
    expect(cardText(reply.card)).toContain('请先把检查对象名录库的表格发给我');
  });

  it('imports the spreadsheet the user just sent, GBK included', async () => {
    await h.sendFile(
      '名录库.csv',
      iconv.encode(
        '企业名称,统一社会信用代码,信用风险等级\n比亚迪股份有限公司,91440300192317458F,A\n招商银行股份有限公司,9144030010001686XA,B\n',
        'gbk',
      ),
      users.office,
    );
    const reply = h.only(await h.send('导入 对象', users.office));
    expect(cardText(reply.card)).toContain('导入完成 · 检查对象名录库');
    expect(cardText(reply.card)).toContain('新增 2');
    expect((await h.store.targets.findByCode('91440300192317458F'))?.name).toBe('比亚迪股份有限公司');
  });

  it('shows the errors and imports nothing from a file with a bad row, unless --partial', async () => {
    await h.sendFile(
      'bad.csv',
      csv([
        '企业名称,统一社会信用代码',
        '中航重机股份有限公司,91520000214434146R',
        '坏代码公司,91520000214434146Z',
      ]),
      users.office,
    );
    const [refused, errorFile, ...more] = await h.send('/import targets', users.office);
    expect(more).toHaveLength(0);
    expect(cardText(refused!.card)).toContain('什么也没有导入');
    expect(cardText(refused!.card)).toContain('校验位错误');
    // Every error also comes as a file the office can download and work through.
    expect(errorFile!.file?.name).toBe('bad-错误.csv');
    const lines = Buffer.from(errorFile!.file!.base64, 'base64').toString('utf8').split('\n');
    expect(lines[0]).toBe('\uFEFF行号,列,问题');
    expect(lines[1]).toMatch(/^"3","统一社会信用代码\/注册号",".*校验位错误.*"$/);
    expect(await h.store.targets.findByCode('91520000214434146R')).toBeUndefined();
    const [partial] = await h.send('/import targets --partial', users.office);
    expect(cardText(partial!.card)).toContain('新增 1');
  });

  it('keeps one card: a refused file replaces the progress card instead of adding another', async () => {
    await h.sendFile(
      'junk.xlsx',
      Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)),
      users.office,
    );
    const sent = await h.send('/import targets', users.office);
    expect(sent).toHaveLength(1);
    expect(cardText(sent[0]!.card)).toContain('这不是表格文件');
    expect(sent[0]!.updates).toBe(1);
  });

  it('imports inspectors for a liaison’s own department only', async () => {
    await h.sendFile(
      '人员.csv',
      csv(['姓名,所在单位,执法证号,执法证有效期', '何平,商务执法大队,37010500100,2099-12-31']),
      users.liaison,
    );
    const reply = h.only(await h.send('/import inspectors', users.liaison));
    expect(cardText(reply.card)).toContain('导入完成 · 执法检查人员名录库');
    expect(cardText(reply.card)).toContain('更新 1');
    const other = h.only(await h.send('/import inspectors --dept 区卫健局', users.liaison));
    expect(cardText(other.card)).toContain('联络员只能为本部门导入');
  });
});
