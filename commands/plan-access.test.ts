// The authorisation matrix of /plan: every command and card action against every kind of user. Roles are
// checked by the command's access list; department rules (the lead's liaison submits, the office files but not
// what it submitted) by the use case. A refused click changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCardOf } from '../src/app/plans.ts';
import type { SentMessage } from '../src/platform/memory/memory-platform.ts';
import { cardText, createHarness, type Harness } from '../test/support/harness.ts';
import { allowed, everyone, type Who, who } from '../test/support/workflow.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

async function form() {
  const swj = (await h.store.departments.find('swj'))!;
  const [m1, m2] = await h.store.matters.list();
  return {
    kind: 'joint',
    year: '2027',
    name: '矩阵测试计划',
    participants: [String(swj.id)],
    matters: [String(m1!.id), String(m2!.id)],
    ratioAll: '5',
    rounding: 'up',
    periodStart: '2027-04-01',
    periodEnd: '2027-10-31',
  };
}

/** A plan of the market regulator (lead) with the commerce bureau, in the state asked for, shown to the lead. */
async function planIn(state: 'draft' | 'submitted' | 'filed'): Promise<SentMessage> {
  const [blank] = await h.send('/plan new', who.lead);
  await h.click(blank!, '保存草稿', who.lead, await form());
  if (state !== 'draft') await h.click(blank!, '报送备案', who.lead);
  if (state === 'filed') await h.click(blank!, '备案', who.office);
  return blank!;
}

describe('/plan authorisation matrix', () => {
  it.each(everyone)('/plan new, list and show: %s', async (name) => {
    const mayDraft = ['office', 'lead', 'participant', 'unrelated', 'operator'].includes(name);
    const [formCard] = await h.send('/plan new', who[name]);
    expect(cardText(formCard!.card).includes('新建抽查计划')).toBe(mayDraft);
    const [listed] = await h.send('/plan list', who[name]);
    expect(cardText(listed!.card).includes('抽查计划')).toBe(name !== 'unbound');
  });

  const cases: [string, 'draft' | 'submitted', string, Who[], Record<string, string>?][] = [
    ['submit', 'draft', '报送备案', ['lead']],
    ['withdraw', 'submitted', '撤回', ['lead']],
    ['file', 'submitted', '备案', ['office']],
    ['return', 'submitted', '退回', ['office'], { reason: '请补充' }],
  ];
  for (const [action, state, label, may, extra] of cases) {
    it.each(everyone)(`${action} on a ${state} plan: %s`, async (name) => {
      const card = await planIn(state);
      const before = cardText(card.card);
      const result = await h.click(card, label, who[name], extra ?? {});
      expect([name, allowed(result)]).toEqual([name, may.includes(name)]);
      if (!may.includes(name)) expect(cardText(card.card)).toBe(before);
    });
  }

  it.each(everyone)('/plan revise of a filed plan: %s', async (name) => {
    const card = await planIn('filed');
    const id = Number(cardText(card.card).match(/计划 #(\d+)/)![1]);
    const [answer] = await h.send(`/plan revise ${id} 调整事项`, who[name]);
    expect([name, cardText(answer!.card).includes('（第 2 版）')]).toEqual([name, name === 'lead']);
  });

  it.each(everyone)('/plan compile: %s', async (name) => {
    const [answer] = await h.send('/plan compile 2039', who[name]);
    expect([name, cardText(answer!.card).includes('已汇编')]).toEqual([name, name === 'office']);
  });

  // The joint annual plan's steps, each on a year of its own so every click meets the state it needs.
  const annual: [string, string, Record<string, string>][] = [
    ['submit', '报批', {}],
    ['approve', '登记批准', { docNo: '天政字〔2040〕1号', date: '2040-01-10' }],
    ['reject', '退回修改', { reason: '请补充' }],
    ['publish', '登记公布', { date: '2040-01-20', where: '区政府门户网站' }],
  ];
  let year = 2040;
  for (const [step, label, input] of annual) {
    it.each(everyone)(`joint annual plan ${step}: %s`, async (name) => {
      year += 1;
      const [card] = await h.send(`/plan compile ${year}`, who.office);
      if (step !== 'submit') await h.click(card!, '报批', who.office);
      if (step === 'publish') await h.click(card!, '登记批准', who.office, annual[1]![2]);
      const before = cardText(card!.card);
      const result = await h.click(card!, label, who[name], input);
      expect([name, allowed(result)]).toEqual([name, name === 'office']);
      if (name !== 'office') expect(cardText(card!.card)).toBe(before);
    });
  }

  it('office staff who are also their department’s liaison cannot file their own submission', async () => {
    await h.send('/member add @陈静 scjgj 联络员', who.office);
    const chen = { userId: 'chen.jing', name: '陈静' };
    const [blank] = await h.send('/plan new', chen);
    await h.click(blank!, '保存草稿', chen, await form());
    await h.click(blank!, '报送备案', chen);
    const self = await h.click(blank!, '备案', chen);
    expect(self.toast?.type).toBe('error');
    const plan = (await h.store.plans.list({})).at(-1)!;
    expect(plan.state).toBe('submitted');
    expect(cardText(await planCardOf(h.store, plan))).toContain('已报送');
  });
});
