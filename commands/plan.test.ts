// A plan from form to filing, as people do it in the chat: a liaison drafts and submits, the office files or
// returns it, every copy of the card follows, a stale click changes nothing, nobody files their own plan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferTableReader } from '../src/files/read-table.ts';
import { larkCardContent } from '../src/platform/lark/render-card.ts';
import type { SentMessage } from '../src/platform/memory/memory-platform.ts';
import { type As, cardText, createHarness, type Harness, users } from '../test/support/harness.ts';

let h: Harness;
const lin: As = users.marketLiaison;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/** A valid joint plan of the market regulator with the commerce bureau, as the form sends it. */
async function validForm() {
  const departments = await h.store.departments.list();
  const swj = departments.find((d) => d.code === 'swj')!;
  const matters = await h.store.matters.list();
  return {
    kind: 'joint',
    year: '2027',
    name: '2027 年食品经营单位部门联合抽查',
    participants: [String(swj.id)],
    matters: [String(matters[0]!.id), String(matters[1]!.id)],
    ratioA: '3',
    ratioD: '10',
    ratioAll: '5',
    rounding: 'up',
    periodStart: '2027-04-01',
    periodEnd: '2027-10-31',
    batches: '2',
  };
}

async function draftPlan(as: As = lin): Promise<SentMessage> {
  const [form] = await h.send('/plan new', as);
  const result = await h.click(form!, '保存草稿', as, await validForm());
  expect(result.toast?.type).toBe('success');
  return form!;
}

const sentTo = (userId: string, from: number) =>
  h.platform.sent.slice(from).filter((m) => 'userId' in m.to && m.to.userId === userId);

describe('/plan: draft, submit, file', () => {
  it('refuses a form that breaks the rules, naming each problem, and saves nothing', async () => {
    const [form] = await h.send('/plan new', lin);
    expect(cardText(form!.card)).toContain('抽查事项');
    const scjgj = (await h.store.departments.find('scjgj'))!;
    const bad = { ...(await validForm()), participants: [String(scjgj.id)], periodEnd: '2028-01-31' };
    const result = await h.click(form!, '保存草稿', lin, bad);
    expect(result.toast).toMatchObject({ type: 'error' });
    expect(result.toast!.text).toContain('参与部门：牵头部门不应同时列为参与部门');
    expect(result.toast!.text).toContain('检查期间：检查期间应在 2027 年内');
    expect(await h.store.plans.list({})).toHaveLength(0);
  });

  it('a liaison drafts and submits; the office files; every copy shows it; the liaison is told', async () => {
    const mine = await draftPlan();
    expect(cardText(mine.card)).toContain('草稿');
    expect(cardText(mine.card)).toContain('预计抽取');
    const [planned] = await h.store.plans.list({});
    const start = h.platform.sent.length;

    await h.click(mine, '报送备案', lin);
    expect(cardText(mine.card)).toContain('已报送');
    // No office chat yet: each office member gets the plan directly.
    const officeCopy = sentTo(users.office.userId, start)[0]!;
    expect(sentTo(users.office2.userId, start)).toHaveLength(1);
    expect(cardText(officeCopy.card)).toContain(`计划 #${planned!.id} · 已报送`);

    const otherCopy = sentTo(users.office2.userId, start)[0]!;
    const asSubmitted = structuredClone(otherCopy.card);
    const filed = await h.click(officeCopy, '备案', users.office);
    expect(filed.toast).toMatchObject({ type: 'success', text: '已备案' });
    // The liaison's card and the other office member's copy were updated in place, not sent again.
    expect(cardText(mine.card)).toContain('已备案');
    expect(cardText(otherCopy.card)).toContain('已备案');
    expect(sentTo(lin.userId, start).some((m) => m.text?.includes('已由联席会议办公室备案'))).toBe(true);

    // A click on a copy that still showed the submitted version changes nothing and shows the plan as it is.
    const stale = await h.click({ ...otherCopy, card: asSubmitted }, '退回', users.office2, {
      reason: '晚了',
    });
    expect(stale.toast?.type).toBe('warning');
    expect(cardText(stale.card)).toContain('已备案');
    const audit = (await h.store.audit.list({ limit: 50 })).filter(
      (e) => e.subject === `plan:${planned!.id}`,
    );
    expect(audit.map((e) => e.action)).toEqual(['plan.create', 'plan.submit', 'plan.file']);
  });
});

describe('/plan: counts instead of ratios', () => {
  it('takes a number of targets for a stratum, shows it and its draw, and refuses what is neither', async () => {
    const [form] = await h.send('/plan new', lin);
    const bad = await h.click(form!, '保存草稿', lin, { ...(await validForm()), ratioD: '三成' });
    expect(bad.toast).toMatchObject({
      type: 'warning',
      text: expect.stringContaining('“三成”不是比例或户数'),
    });
    const saved = await h.click(form!, '保存草稿', lin, { ...(await validForm()), ratioD: '2户' });
    expect(saved.toast?.type).toBe('success');
    expect(cardText(form!.card)).toContain('全部对象 5%，A 类 3%，D 类 2 户（向上取整）');
    const plan = (await h.store.plans.list({})).at(-1)!;
    expect([plan.ratios, plan.counts]).toEqual([{ all: 5, A: 3 }, { D: 2 }]);
  });
});

describe('/plan: return, revise, who may do what', () => {
  it('the office returns a plan with a reason into its group chat; the liaison resubmits', async () => {
    const group = await h.send('@机器人 /office here', users.office, {
      chatId: 'oc_office',
      chatType: 'group',
    });
    expect(cardText(group[0]!.card)).toContain('已设为办公室工作群');
    const mine = await draftPlan();
    const start = h.platform.sent.length;
    await h.click(mine, '报送备案', lin);
    const inGroup = h.platform.sent
      .slice(start)
      .filter((m) => 'chatId' in m.to && m.to.chatId === 'oc_office');
    expect(inGroup).toHaveLength(1);
    expect(sentTo(users.office.userId, start)).toHaveLength(0);

    const empty = await h.click(inGroup[0]!, '退回', users.office2, { reason: ' ' });
    expect(empty.toast).toMatchObject({ type: 'error', text: '退回时请写明原因。' });
    await h.click(inGroup[0]!, '退回', users.office2, { reason: 'D 类比例偏低' });
    expect(cardText(mine.card)).toContain('退回原因**：D 类比例偏低');
    expect(sentTo(lin.userId, start).some((m) => m.text?.includes('被退回：D 类比例偏低'))).toBe(true);
    await h.click(mine, '重新报送', lin);
    expect(cardText(inGroup[0]!.card)).toContain('已报送');
  });

  it('only the lead department’s liaison submits; nobody files a plan they submitted themselves', async () => {
    const mine = await draftPlan();
    const other = await h.click(mine, '报送备案', users.liaison);
    expect(other.toast).toMatchObject({
      type: 'error',
      text: '只有牵头部门的联络员可以报送或撤回这份计划。',
    });
    expect(cardText(mine.card)).toContain('草稿');

    // 陈静 works in the office and is also her department's liaison.
    const [bound] = await h.send('/member add @陈静 scjgj 联络员', users.office);
    expect(cardText(bound!.card)).toContain('联络员');
    const hers = await draftPlan(users.office2);
    await h.click(hers, '报送备案', users.office2);
    const self = await h.click(hers, '备案', users.office2);
    expect(self.toast).toMatchObject({ type: 'error', text: '不能备案或退回自己报送的计划。' });
    expect(cardText(hers.card)).toContain('已报送');
    const byColleague = await h.click(hers, '备案', users.office);
    expect(byColleague.toast?.type).toBe('success');
  });

  it('a filed plan changes by a new version, due again within 10 working days; filing it retires the old one', async () => {
    const mine = await draftPlan();
    const id = Number(cardText(mine.card).match(/计划 #(\d+)/)![1]);
    await h.click(mine, '报送备案', lin);
    const office = h.platform.sent.filter((m) => 'chatId' in m.to && m.to.chatId === 'oc_office').at(-1)!;
    await h.click(office, '备案', users.office);

    const [revision] = await h.send(`/plan revise ${id} 增加消防安全检查事项`, lin);
    const text = cardText(revision!.card);
    expect(text).toContain('（第 2 版）');
    expect(text).toContain('调整原因**：增加消防安全检查事项');
    expect(text).toMatch(/须在 \d{4}-\d{2}-\d{2}（周.）前重新备案公示|尚未录入/);
    expect((await h.store.plans.get(id))!.state).toBe('filed');
    const [again] = await h.send(`/plan revise ${id} 再调整`, lin);
    expect(cardText(again!.card)).toContain('请在该版本上继续');

    await h.click(revision!, '报送备案', lin);
    const second = h.platform.sent.filter((m) => 'chatId' in m.to && m.to.chatId === 'oc_office').at(-1)!;
    await h.click(second, '备案', users.office);
    expect((await h.store.plans.get(id))!.state).toBe('superseded');
    expect(cardText(mine.card)).toContain('已被新版本取代');
    const [listed] = await h.send('/plan list 2027', lin);
    expect(cardText(listed!.card)).toContain('（第 2 版）');
  });
});

describe('/plan new on a long matters list', () => {
  it('offers at most 60 matters, says how to narrow, and stays within Lark’s 30 KB card limit', async () => {
    const scjgj = (await h.store.departments.find('scjgj'))!;
    await h.store.matters.upsertMany(
      Array.from({ length: 300 }, (_, i) => ({
        departmentId: scjgj.id,
        variantKey: `long-list-${i}`,
        rowHash: `h${i}`,
        seq: String(i + 1),
        category: '食品安全',
        name: `食品经营者落实食品安全主体责任情况的检查事项第${i + 1}项（含进货查验记录）`,
        targetType: '食品经营者',
        level: i % 10 === 0 ? ('key' as const) : ('general' as const),
        methods: '现场检查',
        subject: '区市场监管局',
        bases: [],
        cooperating: null,
        ratio: null,
        ratioFloor: null,
        ratioCeiling: null,
        frequency: null,
        qualificationTags: [],
        needsExpert: false,
      })),
    );
    const [form] = await h.send('/plan new', lin);
    const matters = form!.card!.elements.flatMap((e) => (e.type === 'form' ? e.inputs : []));
    const options = matters.find((i) => i.name === 'matters');
    expect(options?.type === 'multi_select' && options.options.length).toBe(60);
    expect(cardText(form!.card)).toContain('发送 /plan new 关键词 缩小范围');
    expect(Buffer.byteLength(larkCardContent(form!.card!))).toBeLessThan(30 * 1024);
    const [narrowed] = await h.send('/plan new 第12', lin);
    const few = narrowed!.card!.elements.flatMap((e) => (e.type === 'form' ? e.inputs : []));
    const found = few.find((i) => i.name === 'matters');
    expect(found?.type === 'multi_select' && found.options.map((o) => o.label)).toEqual(
      expect.arrayContaining([expect.stringContaining('第12项'), expect.stringContaining('第120项')]),
    );
  });
});

describe('/plan compile', () => {
  it('assembles the filed joint plans into the public table (xlsx) and names departments under 10%', async () => {
    const refused = await h.send('/plan compile 2027', lin);
    expect(cardText(refused[0]!.card)).not.toContain('汇编');
    const filed = (await h.store.plans.list({ year: 2027 })).filter(
      (p) => p.state === 'filed' && p.kind === 'joint',
    );
    expect(filed.length).toBeGreaterThan(0);

    const sent = await h.send('/plan compile 2027', users.office);
    // The office's group chat (designated above) gets the compiled plan too.
    const toGroup = sent.filter((m) => 'chatId' in m.to && m.to.chatId === 'oc_office');
    expect(toGroup).toHaveLength(1);
    const [summary, file, ...more] = sent.filter((m) => !toGroup.includes(m));
    expect(more).toHaveLength(0);
    const text = cardText(summary!.card);
    expect(text).toContain(`已汇编 · 联合抽查计划 ${filed.length} 项`);
    expect(text).toContain(`#${filed[0]!.id}`);
    // The market regulator and the commerce bureau take part in every plan; the others filed nothing.
    expect(text).toMatch(/联合抽查占比不足 10% 的部门.*区教体局 未报送计划/);
    expect(text).not.toMatch(/不足 10% 的部门[^\n]*区商务局/);

    expect(file!.file?.name).toBe('2027 年度部门联合抽查计划.xlsx');
    const { table, dispose } = await bufferTableReader.read(Buffer.from(file!.file!.base64, 'base64'), {
      isHeader: (cells) => cells[0] === '序号',
    });
    const rows: string[][] = [];
    for await (const batch of table.batches) for (const r of batch) rows.push(r.cells);
    await dispose();
    expect(table.headers).toEqual([
      '序号',
      '行业',
      '任务名称',
      '联查部门',
      '抽查事项',
      '联查对象',
      '检查主体',
      '责任分工',
      '抽查比例',
      '时间安排',
      '备注',
    ]);
    expect(rows).toHaveLength(filed.length);
    expect(rows.map((r) => r[2]).sort()).toEqual(filed.map((p) => p.name).sort());
    expect(rows[0]![3]).toBe('区市场监管局、区商务局');
    expect(rows[0]![9]).toBe('2027-04-01 至 2027-10-31，分 2 批');
    const audit = await h.store.audit.list({ action: 'plan.compile' });
    expect(audit).toHaveLength(1);
  });
});

describe('/plan: the joint annual plan is submitted, approved and published', () => {
  it('the office records 报批, the approval and the publication; every copy follows; bad input changes nothing', async () => {
    const [compiled] = await h.send('/plan compile 2027', users.office);
    const inGroup = h.platform.sent.filter(
      (m) =>
        'chatId' in m.to && m.to.chatId === 'oc_office' && cardText(m.card).includes('年度部门联合抽查计划'),
    );
    const groupCopy = inGroup[inGroup.length - 1]!;
    expect(cardText(compiled!.card)).toContain('已汇编');

    // Only the office acts on it.
    const notOffice = await h.click(compiled!, '报批', lin);
    expect(notOffice.toast?.type).toBe('error');
    expect(cardText(compiled!.card)).toContain('已汇编');

    await h.click(compiled!, '报批', users.office);
    expect(cardText(compiled!.card)).toContain('已报批');
    expect(cardText(groupCopy.card)).toContain('已报批');
    // Under approval, the plan cannot be compiled again.
    const again = await h.send('/plan compile 2027', users.office);
    expect(cardText(again[0]!.card)).toContain('已报批，等待批准期间不能重新汇编');

    const noDoc = await h.click(compiled!, '登记批准', users.office2, { docNo: ' ', date: '2027-01-15' });
    expect(noDoc.toast).toMatchObject({ type: 'error', text: '请填写批准文号。' });
    expect(cardText(compiled!.card)).toContain('已报批');
    await h.click(compiled!, '登记批准', users.office2, {
      docNo: '天政字〔2027〕3号',
      date: '2027-01-15',
    });
    expect(cardText(groupCopy.card)).toContain('天政字〔2027〕3号（2027-01-15）');
    expect(cardText(groupCopy.card)).toContain('/task new');

    const early = await h.click(compiled!, '登记公布', users.office, {
      date: '2027-01-10',
      where: '区政府网站',
    });
    expect(early.toast?.text).toBe('公布日期不能早于批准日期 2027-01-15。');
    await h.click(compiled!, '登记公布', users.office, { date: '2027-01-20', where: '区政府门户网站' });
    expect(cardText(groupCopy.card)).toContain('2027-01-20，区政府门户网站');
    const [shown] = await h.send('/plan annual 2027', lin);
    expect(cardText(shown!.card)).toContain('已公布');

    const steps = (await h.store.audit.list({ limit: 200 }))
      .filter((e) => e.subject?.startsWith('joint-plan:'))
      .map((e) => e.action);
    expect(steps).toEqual(
      expect.arrayContaining([
        'plan.compile',
        'joint-plan.submit',
        'joint-plan.approve',
        'joint-plan.publish',
      ]),
    );

    // Compiling again without a change keeps the approved plan; nothing new to approve.
    const [same] = await h.send('/plan compile 2027', users.office);
    expect(cardText(same!.card)).toContain('已公布');
    expect(await h.store.jointPlans.list(2027)).toHaveLength(1);
  });
});
