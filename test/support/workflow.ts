// Steps several tests need before theirs: a joint plan of the market regulator, filed, compiled into the
// year's joint annual plan and approved — what a task is launched from; and the users of the authorisation
// matrices.
import { expect } from 'vitest';
import { type TargetRecord, targetRowHash } from '../../src/domain/target-record.ts';
import type { SentMessage } from '../../src/platform/memory/memory-platform.ts';
import { type As, cardText, type Harness, users } from './harness.ts';

/** Department ids by code. */
export async function departmentIds(h: Harness, ...codes: string[]): Promise<number[]> {
  return Promise.all(codes.map(async (c) => (await h.store.departments.find(c))!.id));
}

/**
 * A filed joint plan of 区市场监管局 (lead) with the given departments, in an approved 2027 joint annual plan.
 * Returns the plan's id.
 */
export async function approvedJointPlan(h: Harness, participantCodes: string[]): Promise<number> {
  const lead = users.marketLiaison;
  const [m1] = await h.store.matters.list();
  const participants = await departmentIds(h, ...participantCodes);
  const [blank] = await h.send('/plan new', lead);
  const saved = await h.click(blank!, '保存草稿', lead, {
    kind: 'joint',
    year: '2027',
    name: '2027 年食品经营单位部门联合抽查',
    participants: participants.map(String),
    matters: [String(m1!.id)],
    ratioAll: '5',
    rounding: 'up',
    periodStart: '2027-03-01',
    periodEnd: '2027-11-30',
    batches: '1',
  });
  expect(saved.toast?.type).toBe('success');
  await h.click(blank!, '报送备案', lead);
  const officeCard = h.platform.sent.findLast(
    (m) => 'userId' in m.to && m.to.userId === users.office.userId && cardText(m.card).includes('已报送'),
  ) as SentMessage;
  await h.click(officeCard, '备案', users.office);
  const id = Number(cardText(blank!.card).match(/计划 #(\d+)/)![1]);
  const [annual] = await h.send('/plan compile 2027', users.office);
  await h.click(annual!, '报批', users.office);
  const approved = await h.click(annual!, '登记批准', users.office, {
    docNo: '天政字〔2027〕3号',
    date: '2027-01-15',
  });
  expect(approved.toast?.type).toBe('success');
  return id;
}

/** The kinds of user an authorisation matrix tries, for a plan or task of 区市场监管局 with 区商务局. */
export const who = {
  office: users.office,
  lead: users.marketLiaison,
  participant: users.liaison,
  unrelated: users.otherLiaison,
  operator: users.operator,
  inspector: users.marketInspector,
  unbound: users.unbound,
} satisfies Record<string, As>;
export type Who = keyof typeof who;
export const everyone = Object.keys(who) as Who[];

/** Whether a click went through. */
export const allowed = (result: { toast?: { type: string } }) => result.toast?.type === 'success';

/** What a message says, as text or as a card. */
export const said = (m: SentMessage | undefined) => m?.text ?? cardText(m?.card);
export const dmsTo = (who: As, messages: SentMessage[]) =>
  messages.filter((m) => 'userId' in m.to && m.to.userId === who.userId);
export const inChat = (chatId: string, messages: SentMessage[]) =>
  messages.filter((m) => 'chatId' in m.to && m.to.chatId === chatId);

/**
 * A task of the plan launched in a group chat by the market regulator's liaison, with 区商务局 and 区卫健局 taking
 * part, accepted by both: ready for the target draw. Returns its id.
 */
export async function readyTask(
  h: Harness,
  planId: number,
  o: { chatId: string; name: string; teams: number },
): Promise<number> {
  const lead = users.marketLiaison;
  const [scjgj, swj, wjj] = await departmentIds(h, 'scjgj', 'swj', 'wjj');
  const [form] = await h.send(`@机器人 /task new ${planId}`, lead, { chatId: o.chatId, chatType: 'group' });
  const launched = await h.click(form!, '发起任务', lead, {
    name: o.name,
    windowStart: '2027-04-01',
    windowEnd: '2027-06-30',
    teams: String(o.teams),
    [`per_${scjgj}`]: '2',
    [`per_${swj}`]: '1',
    [`per_${wjj}`]: '1',
    certificateHolders: '2',
    acceptanceDays: '3',
  });
  expect(launched.toast?.type).toBe('success');
  const taskId = Number(cardText(form!.card).match(/任务 #(\d+)/)![1]);
  await h.click(dmsTo(users.liaison, launched.sent)[0]!, '接受', users.liaison);
  await h.click(dmsTo(users.otherLiaison, launched.sent)[0]!, '接受', users.otherLiaison);
  expect((await h.store.tasks.get(taskId))!.state).toBe('ready');
  return taskId;
}

/**
 * `n` fictional targets, codes `91370105<prefix><7 digits>X` (not real USCCs: they skip the import's check), each
 * shaped by `vary`, as the library's upsert takes them.
 */
export function targetRows(
  prefix: string,
  name: string,
  n: number,
  vary: (i: number) => Partial<TargetRecord> = () => ({}),
) {
  return Array.from({ length: n }, (_, i) => {
    const record: TargetRecord = {
      code: `91370105${prefix}${String(i).padStart(7, '0')}X`,
      codeKind: 'uscc',
      name: `${name}${i}`,
      objectType: '企业',
      industry: '零售业',
      area: null,
      address: null,
      registrationAuthority: null,
      jurisdiction: null,
      riskClass: null,
      status: '存续',
      tags: [],
      lastInspected: null,
      ...vary(i),
    };
    return { ...record, departmentId: null, rowHash: targetRowHash(record, null) };
  });
}
