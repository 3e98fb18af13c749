// Steps several tests need before theirs: a joint plan of the market regulator, filed, compiled into the
// year's joint annual plan and approved — what a task is launched from; and the users of the authorisation
// matrices.
import { expect } from 'vitest';
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
