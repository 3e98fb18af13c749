// The authorisation matrix of /task: every command and card action against every kind of user. Roles are checked
// by the command's access list; department rules (the plan's lead launches, a participating department's liaison
// answers for it, the office rules but not on its own answer) by the use case. A refused click changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentMessage } from '../src/platform/memory/memory-platform.ts';
import { type As, cardText, createHarness, type Harness } from '../test/support/harness.ts';
import { allowed, approvedJointPlan, departmentIds, everyone, who } from '../test/support/workflow.ts';

let h: Harness;
let planId: number;
let form: Record<string, string>;
beforeAll(async () => {
  h = await createHarness();
  planId = await approvedJointPlan(h, ['swj']);
  const [scjgj, swj] = await departmentIds(h, 'scjgj', 'swj');
  form = {
    name: '矩阵测试任务',
    windowStart: '2027-04-01',
    windowEnd: '2027-06-30',
    teams: '2',
    [`per_${scjgj}`]: '2',
    [`per_${swj}`]: '1',
    certificateHolders: '2',
    acceptanceDays: '3',
  };
});
afterAll(() => h.close());

async function launchForm(): Promise<SentMessage> {
  const [blank] = await h.send(`/task new ${planId}`, who.lead);
  expect(cardText(blank!.card)).toContain('发起联合抽查任务');
  return blank!;
}

/** A launched task: its root card and the participant's acceptance card. */
async function launched(): Promise<{ root: SentMessage; part: SentMessage }> {
  const root = await launchForm();
  const { sent } = await h.click(root, '发起任务', who.lead, form);
  const part = sent.find((m) => 'userId' in m.to && m.to.userId === who.participant.userId)!;
  return { root, part };
}

/** A task whose participant declined: the office's ruling card. */
async function declined(by: As = who.participant): Promise<SentMessage> {
  const { part } = await launched();
  const { sent } = await h.click(part, '拒绝', by, { reason: '人手不足' });
  return sent.find((m) => 'userId' in m.to && m.to.userId === who.office.userId && m.card)!;
}

describe('/task authorisation matrix', () => {
  it.each(everyone)('/task new, list and show: %s', async (name) => {
    const [formCard] = await h.send(`/task new ${planId}`, who[name]);
    expect([name, cardText(formCard!.card).includes('检查组数')]).toEqual([name, name === 'lead']);
    const [listed] = await h.send('/task list', who[name]);
    expect([name, cardText(listed!.card).includes('联合抽查任务')]).toEqual([name, name !== 'unbound']);
  });

  it.each(everyone)('/task show: %s', async (name) => {
    const [task] = await h.store.tasks.list({ limit: 1 });
    const id = task?.id ?? Number(cardText((await launched()).root.card).match(/任务 #(\d+)/)![1]);
    const [shown] = await h.send(`/task show ${id}`, who[name]);
    expect([name, cardText(shown!.card).includes(`任务 #${id}`)]).toEqual([name, name !== 'unbound']);
  });

  it.each(everyone)('launching from the form: %s', async (name) => {
    const blank = await launchForm();
    const before = (await h.store.tasks.list({ limit: 500 })).length;
    const result = await h.click(blank, '发起任务', who[name], form);
    expect([name, allowed(result)]).toEqual([name, name === 'lead']);
    expect((await h.store.tasks.list({ limit: 500 })).length).toBe(before + (name === 'lead' ? 1 : 0));
  });

  for (const [action, label, input] of [
    ['accept', '接受', {}],
    ['decline', '拒绝', { reason: '人手不足' }],
  ] as const) {
    it.each(everyone)(`${action} on the participant’s card: %s`, async (name) => {
      const { part } = await launched();
      const before = cardText(part.card);
      const result = await h.click(part, label, who[name], input);
      expect([name, allowed(result)]).toEqual([name, name === 'participant']);
      if (name !== 'participant') expect(cardText(part.card)).toBe(before);
    });
  }

  it.each(everyone)('ruling on a decline: %s', async (name) => {
    const ruling = await declined();
    const before = cardText(ruling.card);
    const result = await h.click(ruling, '提交裁定', who[name], { decision: 'keep' });
    expect([name, allowed(result)]).toEqual([name, name === 'office']);
    if (name !== 'office') expect(cardText(ruling.card)).toBe(before);
  });

  it('office staff who are also the declining department’s liaison cannot rule on their own answer', async () => {
    await h.send('/member add @王晓明 swj 办公室', who.office);
    const ruling = await declined(who.participant);
    const self = await h.click(ruling, '提交裁定', who.participant, { decision: 'release' });
    expect(self.toast).toMatchObject({ type: 'error', text: '不能裁定自己所作的答复。' });
    expect(cardText(ruling.card)).toContain('待办公室裁定');
    const colleague = await h.click(ruling, '提交裁定', who.office, { decision: 'release' });
    expect(colleague.toast?.type).toBe('success');
  });
});
