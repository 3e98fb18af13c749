// A joint task from launch to the end of its review (会审), as people do it in the chat: the lead liaison launches
// it from an approved joint plan, every other department's liaisons get the acceptance card, the first answer
// counts for the department, a decline goes to the office which rules, silence past the deadline is reported
// once, and the task becomes ready for the target draw when every department is settled (seed 002 art. 12).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCalendar } from '../src/app/calendar.ts';
import { remindReviews } from '../src/app/reminders.ts';
import { escalateOverdue } from '../src/app/tasks.ts';
import type { SentMessage } from '../src/platform/memory/memory-platform.ts';
import { type As, cardText, createHarness, type Harness, users } from '../test/support/harness.ts';
import { approvedJointPlan, departmentIds } from '../test/support/workflow.ts';

let h: Harness;
let planId: number;
let ids: { scjgj: number; swj: number; wjj: number; jtj: number };
const lin = users.marketLiaison;
/** 何平 of the commerce bureau becomes its second liaison. */
const he = users.inspector;

beforeAll(async () => {
  h = await createHarness();
  // 区商务局 and 区卫健局 have liaisons; 区教体局 has none.
  planId = await approvedJointPlan(h, ['swj', 'wjj', 'jtj']);
  const [scjgj, swj, wjj, jtj] = await departmentIds(h, 'scjgj', 'swj', 'wjj', 'jtj');
  ids = { scjgj: scjgj!, swj: swj!, wjj: wjj!, jtj: jtj! };
  await h.send('/member add @何平 swj 联络员', users.office);
});
afterAll(() => h.close());

function taskForm(extra: Record<string, string> = {}) {
  return {
    name: '2027 年食品经营单位联合抽查（第一批）',
    windowStart: '2027-04-01',
    windowEnd: '2027-06-30',
    teams: '3',
    [`per_${ids.scjgj}`]: '2',
    [`per_${ids.swj}`]: '1',
    [`per_${ids.wjj}`]: '1',
    [`per_${ids.jtj}`]: '1',
    certificateHolders: '2',
    acceptanceDays: '3',
    ...extra,
  };
}

async function launch(
  extra: Record<string, string> = {},
  chat = { chatId: 'oc_food', chatType: 'group' as const },
) {
  const [form] = await h.send(`@机器人 /task new ${planId}`, lin, chat);
  expect(cardText(form!.card)).toContain('发起联合抽查任务');
  const result = await h.click(form!, '发起任务', lin, taskForm(extra));
  return { root: form!, result };
}

/** What the root card says of a department's review. */
function review(root: SentMessage, department: string): string | undefined {
  for (const e of root.card?.elements ?? []) {
    if (e.type === 'table') {
      const row = e.rows.find((r) => r.department === department);
      if (row) return row.status;
    }
  }
  return undefined;
}

const dmsTo = (who: As, messages: SentMessage[]) =>
  messages.filter((m) => 'userId' in m.to && m.to.userId === who.userId);

describe('/task: launch and review', () => {
  it('reaches every other department’s liaisons; one declines, the office rules; the task becomes ready', async () => {
    const { root, result } = await launch();
    expect(result.toast?.type).toBe('success');
    const taskId = Number(cardText(root.card).match(/任务 #(\d+)/)![1]);
    // The root card stays in the group chat it was launched in.
    expect(root.to).toEqual({ chatId: 'oc_food' });
    expect((await h.store.tasks.get(taskId))!.chatId).toBe('oc_food');
    expect(cardText(root.card)).toContain('会审中');
    expect(cardText(root.card)).toContain('未绑定联络员**：区教体局');

    const wangCard = dmsTo(users.liaison, result.sent)[0]!;
    const heCard = dmsTo(he, result.sent)[0]!;
    const liCard = dmsTo(users.otherLiaison, result.sent)[0]!;
    expect(cardText(wangCard.card)).toContain('请代表**区商务局**');
    expect(cardText(liCard.card)).toContain('请代表**区卫健局**');
    // The department nobody can answer for goes to the office at once.
    const unreachable = dmsTo(users.office, result.sent).find((m) =>
      cardText(m.card).includes('没有绑定联络员'),
    );
    expect(unreachable).toBeDefined();

    // The first answer counts for the department; its other liaison's card shows it and cannot answer again.
    const heBefore = structuredClone(heCard.card);
    const accepted = await h.click(wangCard, '接受', users.liaison);
    expect(accepted.toast?.type).toBe('success');
    expect(cardText(heCard.card)).toContain('已接受（王晓明');
    expect(review(root, '区商务局')).toMatch(/^已接受（王晓明 \d\d-\d\d \d\d:\d\d）$/);
    expect(dmsTo(lin, accepted.sent).map((m) => m.text)).toEqual([
      `区商务局（王晓明）已接受任务“2027 年食品经营单位联合抽查（第一批）”（#${taskId}）。`,
    ]);
    const late = await h.click({ ...heCard, card: heBefore }, '拒绝', he, { reason: '不参加' });
    expect(late.toast).toMatchObject({
      type: 'warning',
      text: '本部门已答复（已接受），无需再次操作。',
    });
    expect((await h.store.tasks.departments(taskId)).find((p) => p.departmentId === ids.swj)!.state).toBe(
      'accepted',
    );

    // A liaison of another department cannot answer for this one.
    const foreign = await h.click(liCard, '接受', users.liaison);
    expect(foreign.toast).toMatchObject({ type: 'error', text: '只有该参与部门的联络员可以答复会审。' });

    const noReason = await h.click(liCard, '拒绝', users.otherLiaison, { reason: '  ' });
    expect(noReason.toast).toMatchObject({ type: 'error', text: '拒绝时请写明原因。' });
    const liBefore = structuredClone(liCard.card);
    const declined = await h.click(liCard, '拒绝', users.otherLiaison, {
      reason: '同期开展专项整治，人手不足。',
    });
    expect(declined.toast?.type).toBe('success');
    // The reason's own full stop is not doubled in our sentence.
    expect(dmsTo(lin, declined.sent)[0]!.text).toContain('拒绝参加任务');
    expect(dmsTo(lin, declined.sent)[0]!.text).toContain('人手不足。已报联席会议办公室裁定。');
    const ruling = dmsTo(users.office, declined.sent).find((m) => cardText(m.card).includes('请裁定'))!;
    expect(cardText(ruling.card)).toContain('李娜代表区卫健局拒绝参加，原因：同期开展专项整治，人手不足');
    // A second click on the answered card changes nothing.
    const again = await h.click({ ...liCard, card: liBefore }, '接受', users.otherLiaison);
    expect(again.toast?.type).toBe('warning');
    expect(cardText(again.card)).toContain('已拒绝');

    const kept = await h.click(ruling, '提交裁定', users.office2, {
      decision: 'keep',
      ruling: '请统筹安排人员',
    });
    expect(kept.toast?.type).toBe('success');
    expect(cardText(liCard.card)).toContain('办公室裁定参加（陈静）：请统筹安排人员');
    expect(dmsTo(users.otherLiaison, kept.sent)[0]!.text).toContain('区卫健局参加任务');
    expect(cardText(root.card)).toContain('会审中');

    const released = await h.click(unreachable!, '提交裁定', users.office, { decision: 'release' });
    expect(released.toast?.type).toBe('success');
    expect(cardText(root.card)).toContain('待抽取检查对象');
    expect(cardText(root.card)).toContain(
      `会审完成**，牵头部门联络员发送 /draw targets ${taskId} 发布抽取公告`,
    );
    expect(dmsTo(lin, released.sent).some((m) => m.text?.includes('可以抽取检查对象'))).toBe(true);

    const steps = (await h.store.audit.list({ limit: 200 }))
      .filter((e) => e.subject?.startsWith(`task:${taskId}`))
      .map((e) => e.action);
    expect(steps).toEqual(['task.launch', 'task.accept', 'task.decline', 'task.keep', 'task.release']);
  });

  it('a liaison who joins after the launch gets the department’s card from /task show', async () => {
    const { root } = await launch();
    const taskId = Number(cardText(root.card).match(/任务 #(\d+)/)![1]);
    const zhao = users.unbound2;
    await h.send('/member add @冯小雨 jtj 联络员', users.office);
    const [shown, own] = await h.send(`/task show ${taskId}`, zhao);
    expect(cardText(shown!.card)).toContain(`任务 #${taskId}`);
    expect(cardText(own!.card)).toContain('请代表**区教体局**');
    await h.click(own!, '接受', zhao);
    expect(review(root, '区教体局')).toMatch(/^已接受（冯小雨/);
  });
});

describe('/task: deadlines and escalation', () => {
  it('counts the acceptance deadline in working days across 国庆 and 春节, and warns where the calendar stops', async () => {
    // The bot's clock only (the outbox sender keeps real time).
    const real = h.services.clock;
    const at = (iso: string) => ({ now: () => new Date(iso) });
    try {
      h.services.clock = at('2026-09-30T02:00:00Z');
      const { root } = await launch({ acceptanceDays: '5' });
      expect(cardText(root.card)).toContain('会审截止\n2026-10-13（周二）');
      // 春节 2026: off 2/15–2/23, Saturday 2/14 and 2/28 worked. 5 working days after Thu 2/12: 13, 14, 24, 25, 26.
      h.services.clock = at('2026-02-12T02:00:00Z');
      const { root: spring } = await launch({ acceptanceDays: '5' });
      expect(cardText(spring.card)).toContain('会审截止\n2026-02-26（周四）');
      h.services.clock = at('2026-12-29T02:00:00Z');
      const { root: late } = await launch();
      expect(cardText(late.card)).toContain('⚠ 2027 年的节假日安排尚未录入');
      expect(cardText(late.card)).not.toMatch(/会审截止\n2027-/);
    } finally {
      h.services.clock = real;
    }
  });

  it('reports each silent department to the office once, even with two schedulers at once', async () => {
    const { root } = await launch();
    const taskId = Number(cardText(root.card).match(/任务 #(\d+)/)![1]);
    const task = (await h.store.tasks.get(taskId))!;
    const pending = (await h.store.tasks.departments(taskId)).filter((p) => p.state === 'pending');
    await escalateOverdue(h.services, task.acceptanceDue!);
    await h.sender.drain();
    expect((await h.store.tasks.departments(taskId)).every((p) => p.escalatedAt === null)).toBe(true);
    const before = h.platform.sent.length;
    const dayAfter = new Date(Date.parse(`${task.acceptanceDue}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    const counts = await Promise.all([
      escalateOverdue(h.services, dayAfter),
      escalateOverdue(h.services, dayAfter),
    ]);
    // Other tasks launched above are overdue by then too: count only this one's departments.
    const mine = (await h.store.tasks.departments(taskId)).filter((p) => p.escalatedAt !== null);
    expect(mine).toHaveLength(pending.length);
    expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(pending.length);
    await h.sender.drain();
    const told = h.platform.sent
      .slice(before)
      .filter((m) => cardText(m.card).includes(`任务 #${taskId}`) && cardText(m.card).includes('前未答复'));
    // Each office member once per silent department (no office group chat in this workspace).
    expect(dmsTo(users.office, told)).toHaveLength(pending.length);
    expect(dmsTo(users.office2, told)).toHaveLength(pending.length);
    expect(await escalateOverdue(h.services, dayAfter)).toBe(0);
    expect(review(root, '区商务局')).toBe('逾期未答复，已报办公室');
  });
});

describe('/task: a deadline the calendar cannot compute yet', () => {
  it('is computed and shown once the year’s schedule is imported, and the silent department reported then', async () => {
    const real = h.services.clock;
    try {
      h.services.clock = { now: () => new Date('2026-12-29T02:00:00Z') };
      const { root, result } = await launch({ windowStart: '2027-03-01' });
      expect(result.toast?.type).toBe('success');
      const taskId = Number(cardText(root.card).match(/任务 #(\d+)/)![1]);
      const wang = h.platform.sent.findLast((m) => 'userId' in m.to && m.to.userId === users.liaison.userId)!;
      expect(cardText(wang.card)).toContain('会审截止日待节假日安排录入后计算');
      // Nothing is escalated on a guessed date.
      await escalateOverdue(h.services, '2027-06-01');
      await h.sender.drain();
      const swjPart = async () =>
        (await h.store.tasks.departments(taskId)).find((p) => p.departmentId === ids.swj)!;
      expect((await swjPart()).escalatedAt).toBeNull();

      // The 2027 schedule is imported: 元旦 1/1–1/3 off.
      await importCalendar(
        h.store,
        JSON.stringify({
          year: 2027,
          days: [
            { date: '2027-01-01', isOffDay: true, name: '元旦' },
            { date: '2027-01-02', isOffDay: true, name: '元旦' },
            { date: '2027-01-03', isOffDay: true, name: '元旦' },
          ],
        }),
        { kind: 'system', id: 'test' },
      );
      const reported = await escalateOverdue(h.services, '2027-01-05');
      await h.sender.drain();
      // 3 working days after Tue 2026-12-29: Wed 30, Thu 31, then Mon 2027-01-04 (元旦 off).
      expect((await h.store.tasks.get(taskId))!.acceptanceDue).toBe('2027-01-04');
      expect(cardText(root.card)).toContain('会审截止\n2027-01-04（周一）');
      expect(reported).toBeGreaterThan(0);
      expect((await swjPart()).escalatedAt).not.toBeNull();
    } finally {
      h.services.clock = real;
    }
  });
});

describe('/task: who may launch, and bad forms', () => {
  it('launches once from a form, however often it is clicked', async () => {
    const [form] = await h.send(`/task new ${planId}`, lin);
    const asShown = structuredClone(form!.card);
    const first = await h.click(form!, '发起任务', lin, taskForm());
    expect(first.toast?.type).toBe('success');
    const before = (await h.store.tasks.list({ limit: 500 })).length;
    // The same form clicked again, as it still showed before it turned into the task.
    const second = await h.click({ ...form!, card: asShown }, '发起任务', lin, taskForm());
    expect(second.toast).toMatchObject({ type: 'warning', text: expect.stringContaining('不会重复发起') });
    expect(cardText(second.card)).toContain('会审中');
    expect((await h.store.tasks.list({ limit: 500 })).length).toBe(before);
  });

  it('refuses a review that would end after the checks begin', async () => {
    const { result } = await launch({ windowStart: '2026-11-24', acceptanceDays: '3' });
    expect(result.toast?.text).toContain('会审期限：会审截止日');
    expect(result.toast?.text).toContain('不早于检查开始日期 2026-11-24');
  });

  it('refuses a participant, an unapproved plan and a form that breaks the rules, creating nothing', async () => {
    const [notLead] = await h.send(`/task new ${planId}`, users.liaison);
    expect(cardText(notLead!.card)).toContain('只有计划牵头部门的联络员可以发起联合抽查任务');
    const [missing] = await h.send('/task new 9999', lin);
    expect(cardText(missing!.card)).toContain('找不到计划 #9999');

    const before = (await h.store.tasks.list({ limit: 100 })).length;
    const { result } = await launch({
      windowEnd: '2027-12-31',
      targetsPerTeam: '10',
      certificateHolders: '1',
      [`per_${ids.swj}`]: '0',
    });
    expect(result.toast?.type).toBe('error');
    expect(result.toast!.text).toContain('检查时间：应在计划的检查期间 2027-03-01 至 2027-11-30 之内');
    expect(result.toast!.text).toContain('分组：请填写检查组数或每组检查对象数（只填一项）');
    expect(result.toast!.text).toContain('每组人数：区商务局每组应派 1–20 人');
    expect(result.toast!.text).toContain('持证人数：每组至少 2 名持有执法证的检查人员');
    expect((await h.store.tasks.list({ limit: 100 })).length).toBe(before);
  });

  it('pre-fills the form from the plan and the workspace’s acceptance setting', async () => {
    await h.store.settings.set('tasks.acceptanceDays', 5);
    const [form] = await h.send(`/task new ${planId}`, lin);
    const inputs = form!.card!.elements.flatMap((e) => (e.type === 'form' ? e.inputs : []));
    const initial = Object.fromEntries(inputs.map((i) => [i.name, 'initial' in i ? i.initial : undefined]));
    expect(initial).toMatchObject({
      name: '2027 年食品经营单位部门联合抽查',
      windowStart: '2027-03-01',
      windowEnd: '2027-11-30',
      acceptanceDays: '5',
      certificateHolders: '2',
      [`per_${ids.scjgj}`]: '2',
      [`per_${ids.jtj}`]: '1',
    });
    await h.store.settings.set('tasks.acceptanceDays', 3);
  });

  it('lists the department’s tasks, and all of them for the office', async () => {
    const [mine] = await h.send('/task list', users.liaison);
    expect(cardText(mine!.card)).toContain('本部门的联合抽查任务');
    expect(cardText(mine!.card)).toContain('（本部门：');
    const [unrelated] = await h.send('/task list', { userId: 'sun.yue', name: '孙悦' });
    expect(cardText(unrelated!.card)).toContain('还没有任务');
    const [all] = await h.send('/task list', users.office);
    expect(cardText(all!.card)).toContain('联合抽查任务（全部）');
    expect(cardText(all!.card)).toContain('2027 年食品经营单位联合抽查');
  });
});

describe('/task: reminders of the review (product.md §3)', () => {
  it('reminds each department yet to answer a working day ahead and on the day, never on the launch day, once', async () => {
    const real = h.services.clock.now;
    let now = new Date('2026-12-07T10:00:00+08:00');
    h.services.clock.now = () => now;
    const at = (day: string, time = '10:00') => {
      now = new Date(`${day}T${time}:00+08:00`);
    };
    const remind = async () => {
      const before = h.platform.sent.length;
      await Promise.all([remindReviews(h.services), remindReviews(h.services)]);
      await h.sender.drain();
      return h.platform.sent.slice(before);
    };
    try {
      // Launched on Monday 12-07 with 3 working days to answer: due Thursday 12-10. 区商务局 answers at once.
      const { root, result } = await launch();
      const taskId = Number(cardText(root.card).match(/任务 #(\d+)/)![1]);
      expect((await h.store.tasks.get(taskId))!.acceptanceDue).toBe('2026-12-10');
      await h.click(dmsTo(users.liaison, result.sent)[0]!, '接受', users.liaison);
      const mine = (messages: SentMessage[]) => messages.filter((m) => m.text?.includes(`（#${taskId}）`));
      // Three working days ahead is the launch day itself: the review card says the deadline already.
      expect(mine(await remind())).toEqual([]);
      at('2026-12-08');
      expect(mine(await remind())).toEqual([]);
      at('2026-12-09', '08:59');
      expect(mine(await remind())).toEqual([]);
      at('2026-12-09', '09:00');
      const ahead = mine(await remind());
      expect(dmsTo(users.otherLiaison, ahead).map((m) => m.text)).toEqual([
        `任务“2027 年食品经营单位联合抽查（第一批）”（#${taskId}）：本部门答复是否参加（会审）的期限是 2026-12-10（周四），还有 1 个工作日。会审卡片在您与机器人的单聊中；逾期未答复的，将报联席会议办公室裁定。`,
      ]);
      // 区商务局 has answered: neither of its liaisons hears of it again.
      expect(dmsTo(users.liaison, ahead)).toEqual([]);
      expect(dmsTo(he, ahead)).toEqual([]);
      expect(mine(await remind())).toEqual([]);
      at('2026-12-10');
      expect(dmsTo(users.otherLiaison, mine(await remind()))[0]?.text).toContain(
        '今天 2026-12-10（周四）是本部门答复是否参加（会审）的最后期限',
      );
      // Past the deadline the office rules: no more reminders.
      at('2026-12-11');
      expect(mine(await remind())).toEqual([]);
    } finally {
      h.services.clock.now = real;
    }
  });
});
