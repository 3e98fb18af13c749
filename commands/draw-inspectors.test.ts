// Each department's inspector draw after the target list is handed over (product.md §4.5; seed 000 art. 19 回避;
// seed 002 art. 13 组长): too few people draws nothing and says why; leave and conflicts entered after the hand-over
// are counted and flagged; a conflicted inspector never checks that target; every team gets a leader from the
// lead department, two certificate holders and someone from every department; the receipt re-checks offline.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsInUse } from '../src/app/choices.ts';
import { verifyReceiptFile } from '../src/app/draw-files.ts';
import type { InspectorRow } from '../src/app/ports.ts';
import { chaseInspectorDraws } from '../src/app/reminders.ts';
import { setSetting } from '../src/app/workspace-settings.ts';
import { runCli } from '../src/cli.ts';
import { parseConfig } from '../src/config.ts';
import type { InspectorReceipt, TeamsInUse } from '../src/domain/inspector-receipt.ts';
import type { SentMessage } from '../src/platform/memory/memory-platform.ts';
import { type As, cardText, createHarness, type Harness, users } from '../test/support/harness.ts';
import {
  approvedJointPlan,
  departmentIds,
  dmsTo,
  inChat,
  readyTask,
  said,
  targetRows,
} from '../test/support/workflow.ts';

let h: Harness;
let planId: number;
let ids: { scjgj: number; swj: number; wjj: number };
const lin = users.marketLiaison;
const wang = users.liaison;
const li = users.otherLiaison;
const GROUP = { chatId: 'oc_food', chatType: 'group' as const };
let now = new Date('2026-12-01T02:00:00Z');
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

const inGroup = (messages: SentMessage[]) => inChat(GROUP.chatId, messages);

function inspector(departmentId: number, name: string, extra: Partial<InspectorRow> = {}): InspectorRow {
  return {
    name,
    unit: '执法一队',
    position: '科员',
    certificateNo: `3701${departmentId}${name.length}${name.charCodeAt(1)}`,
    certificateValidUntil: '2028-12-31',
    qualificationTags: [],
    expertise: [],
    area: null,
    isExpert: false,
    departmentId,
    registerKey: `${departmentId}:${name}`,
    rowHash: name,
    ...extra,
  };
}

beforeAll(async () => {
  h = await createHarness();
  h.services.clock.now = () => now;
  planId = await approvedJointPlan(h, ['swj', 'wjj']);
  const [scjgj, swj, wjj] = await departmentIds(h, 'scjgj', 'swj', 'wjj');
  ids = { scjgj: scjgj!, swj: swj!, wjj: wjj! };
  // 190 more targets: 200 in all, 10 drawn (5%), two teams of five.
  const rows = targetRows('IN', '济南检查测试有限公司', 190, (i) => ({
    industry: '餐饮业',
    area: ['北园片区', '泺口片区'][i % 2]!,
  }));
  await h.store.transaction((tx) => tx.targets.upsertMany(rows));
  await h.store.transaction((tx) =>
    tx.inspectors.upsertMany([
      // 刘洋 is the market regulator's bound inspector: the import adopts his person record.
      inspector(ids.scjgj, '刘洋'),
      inspector(ids.scjgj, '张建国'),
      inspector(ids.scjgj, '赵文'),
      inspector(ids.scjgj, '钱立'),
      inspector(ids.scjgj, '孙明', { certificateNo: null, certificateValidUntil: null }),
      inspector(ids.swj, '周宁'),
      inspector(ids.swj, '吴越'),
    ]),
  );
}, 60_000);
afterAll(() => h.close());

const recheck = (months: string) =>
  h.store.transaction((tx) => setSetting(tx, 'draws.recheckMonths', months, { kind: 'system', id: 'test' }));

async function drawnTask(): Promise<number> {
  const taskId = await readyTask(h, planId, {
    chatId: GROUP.chatId,
    name: '2027 年餐饮服务单位联合抽查',
    teams: 2,
  });
  const [early] = await h.send(`/draw inspectors ${taskId}`, lin);
  expect(said(early)).toContain('还没有抽取检查对象');
  const notice = inGroup(await h.send(`@机器人 /draw targets ${taskId}`, lin, GROUP))[0]!;
  for (const [who, value] of [
    [lin, 'a'],
    [wang, 'b'],
    [li, 'c'],
  ] as const) {
    await h.click(notice, '提交随机数', who, { contribution: value });
  }
  expect((await h.click(notice, '抽取', lin)).toast?.type).toBe('success');
  return taskId;
}

/** Commits a department's inspector draw, everyone contributes, the reveal passes, its liaison draws. */
async function drawPeople(taskId: number, liaison: As) {
  const sent = await h.send(`@机器人 /draw inspectors ${taskId}`, liaison, GROUP);
  const notice = inGroup(sent).find((m) => cardText(m.card).includes('选派检查人员公告'));
  if (!notice) throw new Error(sent.map(said).join('\n'));
  const noticeText = cardText(notice.card);
  await h.click(notice, '提交随机数', liaison, { contribution: `${liaison.userId} 2027` });
  later(61);
  const drawn = await h.click(notice, '抽取', liaison);
  expect(drawn.toast?.type).toBe('success');
  const file = inGroup(drawn.sent).find((m) => m.file?.name.endsWith('.json'))!.file!;
  const text = Buffer.from(file.base64, 'base64').toString('utf8');
  return { noticeText, notice, drawn, text };
}

describe('/draw inspectors', () => {
  it('staffs every team from every department, with 回避 applied, a lead leader and two certificate holders', async () => {
    const taskId = await drawnTask();
    const target = (await h.store.draws.forTask(taskId)).find((d) => d.kind === 'targets')!;
    const picks = await h.store.draws.picks(target.id);
    const teamOne = picks.filter((p) => p.team === 1).map((p) => p.id);

    // 区卫健局 has nobody in the library: refused with what is missing, and nothing is committed.
    const [short] = await h.send(`/draw inspectors ${taskId}`, li);
    expect(said(short)).toContain('区卫健局的检查人员不足，未抽取');
    expect(said(short)).toContain('第 1 组：人数还差 1 人（需 1 人）；可选 0 人');
    expect((await h.store.draws.forTask(taskId)).filter((d) => d.kind === 'inspectors')).toHaveLength(0);
    await h.store.transaction((tx) => tx.inspectors.upsertMany([inspector(ids.wjj, '郑和')]));

    // After the hand-over: 赵文 takes leave in the window, 钱立 declares a conflict with a target of team 1.
    later(10);
    await h.send('/inspectors leave 赵文 2027-05-06 2027-05-20 年休假', lin);
    await h.send(`/conflict add 钱立 ${teamOne[0]} 配偶任该公司财务`, lin);

    const lead = await drawPeople(taskId, lin);
    expect(lead.noticeText).toContain('候选人员\n5 人');
    expect(lead.noticeText).toContain('检查期间休假：1 人');
    expect(lead.noticeText).toContain('申报回避（与本组检查对象有利害关系）：1 人');
    expect(lead.noticeText).toContain('赵文：休假 2027-05-06 至 2027-05-20');
    expect(lead.noticeText).toContain(`钱立：回避 ${teamOne[0]}`);
    const { receipt: read, problems } = verifyReceiptFile(lead.text);
    expect(problems).toEqual([]);
    const receipt = read as InspectorReceipt;
    expect(receipt.lateEdits.map((e) => [e.name, e.what])).toEqual([
      ['赵文', 'leave'],
      ['钱立', 'conflict'],
    ]);
    const name = (id: string) => receipt.pool.candidates.find((c) => c.id === id)!.name;
    // Team 1 needs two certificate holders: with 赵文 on leave, 钱立 recused and 孙明 holding none, exactly
    // 刘洋 and 张建国 are left — whatever the seed.
    const one = receipt.teams.find((t) => t.team === 1)!;
    expect(one.members.map((m) => name(m.id)).sort()).toEqual(['刘洋', '张建国'].sort());
    expect(receipt.exclusions).toContainEqual(
      expect.objectContaining({ team: 1, reason: 'conflict', detail: teamOne[0] }),
    );
    for (const t of receipt.teams) {
      expect(t.members.filter((m) => m.certified)).toHaveLength(2);
      expect(t.members.map((m) => name(m.id))).not.toContain('赵文');
      // The leader: the lead department's top-ranked (lowest score) certificate holder of the team.
      const holders = t.members.filter((m) => m.certified).sort((a, b) => (a.score < b.score ? -1 : 1));
      expect(t.leader).toBe(holders[0]!.id);
    }
    // 刘洋 is bound to a chat account: he is told his team.
    expect(dmsTo(users.marketInspector, lead.drawn.sent).map((m) => m.text)).toContainEqual(
      expect.stringContaining('第 1 组'),
    );
    expect((await h.store.tasks.get(taskId))!.state).toBe('drawn');

    await drawPeople(taskId, wang);
    const last = await drawPeople(taskId, li);
    // Every department has drawn: the task is staffed and its teams are posted in the group.
    expect((await h.store.tasks.get(taskId))!.state).toBe('staffed');
    const roster = inGroup(last.drawn.sent).find((m) => cardText(m.card).includes('检查组名单'))!;
    const rows = roster.card!.elements.find((e) => e.type === 'table');
    expect(rows?.type === 'table' && rows.rows).toHaveLength(2);
    if (rows?.type === 'table') {
      for (const row of rows.rows) {
        expect(row.leader).not.toBe('');
        for (const d of ['区市场监管局', '区商务局', '区卫健局']) expect(row.members).toContain(d);
      }
    }
    // One department draws once.
    const [again] = await h.send(`/draw inspectors ${taskId}`, wang);
    expect(said(again)).toContain('本部门已选派检查人员');
    const [verified] = await h.send(`/draw verify ${taskId}`, users.office);
    expect(said(verified).match(/：一致。/g)).toHaveLength(4);

    // 重新选派 (seed 000 art. 19): 钱立 falls ill. On team 2 the next certificate holder in that team's ranking
    // takes his place; the leader is recomputed. 张建国 cannot be replaced on team 1: nobody certified is left
    // there, and nothing changes.
    const leadDraw = (await h.store.draws.forTask(taskId)).find(
      (d) => d.kind === 'inspectors' && d.departmentId === ids.scjgj,
    )!;
    const [refusedTeamOne] = await h.send(`/draw reselect ${leadDraw.id} 张建国 借调外单位`, lin);
    expect(said(refusedTeamOne)).toContain('第 1 组已没有可以按排名顺延的人员（须持有效执法证）');
    const before = await h.store.draws.members(leadDraw.id);
    expect(before.some((m) => m.withdrawn)).toBe(false);
    const reselected = await h.send(`/draw reselect ${leadDraw.id} 钱立 突发疾病住院`, lin);
    expect(reselected.map(said).join('\n')).toContain('第 2 组：钱立 →');
    // The task's chat gets the roster as it now stands.
    const roster2 = inGroup(reselected).find((m) => cardText(m.card).includes('检查组名单'));
    expect(cardText(roster2?.card)).toContain('检查组已调整：重新选派 第 2 组：钱立 →');
    expect(cardText(roster2?.card).split('以下为调整后的名单')[1]).not.toContain('钱立');
    const teamTwo = (await h.store.draws.members(leadDraw.id)).filter((m) => m.team === 2 && !m.withdrawn);
    const names = await Promise.all(teamTwo.map(async (m) => (await h.store.people.get(m.personId))!.name));
    expect(names.sort()).toEqual(['刘洋', '张建国'].sort());
    expect(teamTwo.filter((m) => m.leader)).toHaveLength(1);
    const [again2] = await h.send(`/draw verify ${taskId}`, users.office);
    expect(said(again2).match(/：一致。/g)).toHaveLength(4);

    // A department's draw redone (product.md §4.7): the task goes back to drawn; the new result lists the old teams.
    const swjDraw = (await h.store.draws.forTask(taskId)).find(
      (d) => d.kind === 'inspectors' && d.departmentId === ids.swj,
    )!;
    const asked = await h.send(`/draw redraw ${swjDraw.id} 选派时名录中两人的所属部门登记错误`, wang);
    const request = dmsTo(users.office, asked).find((m) => cardText(m.card).includes('重新抽取申请'))!;
    expect((await h.click(request, '提交审批', users.office, { decision: 'approve' })).toast?.type).toBe(
      'success',
    );
    expect((await h.store.tasks.get(taskId))!.state).toBe('drawn');
    const redone = await drawPeople(taskId, wang);
    expect(cardText(redone.notice.card)).toContain(`原抽取 #${swjDraw.id} 已作废`);
    expect((await h.store.tasks.get(taskId))!.state).toBe('staffed');
    // Staffed again: the teams are posted again.
    expect(inGroup(redone.drawn.sent).some((m) => cardText(m.card).includes('检查组名单'))).toBe(true);
  });
});

describe('/draw delegate', () => {
  // seed 000 art. 18: a department may delegate its part to a sub-unit, dispatching the list within 5 working
  // days of the draw; the sub-unit then has its own 5 working days (art. 19) and draws from its own people.
  it('dispatches the list to a sub-unit, whose operator draws from that unit alone; a late dispatch is flagged', async () => {
    const sun = { userId: 'sun.li', name: '孙丽' };
    const qian = { userId: 'qian.qi', name: '钱七' };
    await h.store.transaction(async (tx) => {
      await tx.departments.addNames(ids.swj, 'units', ['城关所', '开发区所', '东城所']);
      await tx.inspectors.upsertMany([
        inspector(ids.swj, '冯涛', { unit: '城关所' }),
        inspector(ids.swj, '韩梅', { unit: '城关所' }),
        inspector(ids.swj, '邓超', { unit: '东城所' }),
        inspector(ids.swj, '蔡明', { unit: '东城所' }),
        inspector(ids.wjj, '卫一', { unit: '卫生监督所' }),
      ]);
      await tx.people.create({
        departmentId: ids.swj,
        name: qian.name,
        roles: ['operator'],
        chatPlatform: 'memory',
        chatUserId: qian.userId,
        unit: '东城所',
      });
      await tx.departments.addNames(ids.wjj, 'units', ['卫生监督所']);
      await tx.people.create({
        departmentId: ids.swj,
        name: sun.name,
        roles: ['operator'],
        chatPlatform: 'memory',
        chatUserId: sun.userId,
        unit: '城关所',
      });
    });
    const taskId = await drawnTask();
    const target = (await h.store.draws.forTask(taskId)).find((d) => d.kind === 'targets')!;
    const handedOver = (await h.store.draws.handovers(target.id)).find((h) => h.departmentId === ids.swj)!;
    expect(handedOver.dispatchDue).not.toBeNull();

    // Before the dispatch the sub-unit's operator may not draw for the department.
    const [notYet] = await h.send(`/draw inspectors ${taskId}`, sun);
    expect(said(notYet)).toContain('受委托下属单位的经办人');
    // A unit the department does not have is refused, naming the ones it has; nothing is recorded.
    const [unknown] = await h.send(`/draw delegate ${taskId} 西城所`, wang);
    expect(said(unknown)).toContain('没有名为“西城所”的下属单位');
    expect(said(unknown)).toContain('城关所、开发区所');
    // A unit that could not staff the teams is refused with what it lacks: its draw would fail whatever the seed.
    const [empty] = await h.send(`/draw delegate ${taskId} 开发区所`, wang);
    expect(said(empty)).toContain('区商务局 · 开发区所的检查人员不足，未抽取');
    expect(
      (await h.store.draws.handovers(target.id)).find((x) => x.departmentId === ids.swj)!.delegatedTo,
    ).toBe(null);

    later(24 * 60);
    const sent = await h.send(`/draw delegate ${taskId} 城关所`, wang);
    const reply = said(sent.find((m) => said(m).startsWith('已将任务')));
    expect(reply).toContain('已发送给该单位 1 位联络员、经办人');
    const toSun = dmsTo(sun, sent);
    expect(cardText(toSun.find((m) => m.card)?.card)).toContain('区商务局已将本任务的检查委托给本单位');
    expect(toSun.some((m) => m.file?.name.endsWith('.xlsx'))).toBe(true);
    expect(inGroup(sent).map((m) => m.text)).toContainEqual(expect.stringContaining('派发至城关所'));
    const delegated = (await h.store.draws.handovers(target.id)).find((x) => x.departmentId === ids.swj)!;
    expect(delegated).toMatchObject({ delegatedTo: '城关所', delegatedOn: '2026-12-02' });
    // Five working days from the day the unit received the list (2026-12-02 is a Wednesday).
    expect(delegated.inspectorsDue).toBe('2026-12-09');

    // Moved to 东城所 and back: each unit hears of it, and 城关所 gets the list again.
    const moved = await h.send(`/draw delegate ${taskId} 东城所`, wang);
    expect(dmsTo(sun, moved).map(said)).toContainEqual(
      expect.stringContaining('的检查改由东城所实施，城关所不再为本任务选派检查人员'),
    );
    expect(cardText(dmsTo(qian, moved).find((m) => m.card)?.card)).toContain('委托给本单位');
    const back = await h.send(`/draw delegate ${taskId} 城关所`, wang);
    expect(dmsTo(qian, back).map(said)).toContainEqual(expect.stringContaining('东城所不再为本任务选派'));
    expect(cardText(dmsTo(sun, back).find((m) => m.card)?.card)).toContain('委托给本单位');
    // 东城所's operator no longer acts for the department.
    const [notTheirs] = await h.send(`/draw inspectors ${taskId}`, qian);
    expect(said(notTheirs)).toContain('受委托下属单位的经办人');

    // The operator draws for the department, from 城关所's people only.
    const drawn = await drawPeople(taskId, sun);
    expect(drawn.noticeText).toContain('区商务局 · 城关所（受委托）');
    const receipt = verifyReceiptFile(drawn.text).receipt as InspectorReceipt;
    expect(receipt.department.unit).toBe('城关所');
    // The unit is under the pool's hash: a receipt relabelled to another unit no longer re-checks.
    expect(receipt.pool.unit).toBe('城关所');
    const relabelled = structuredClone(receipt);
    relabelled.department.unit = '开发区所';
    expect(verifyReceiptFile(JSON.stringify(relabelled)).problems).toContain(
      '收据中的受委托单位与候选人员所属单位不一致。',
    );
    relabelled.pool.unit = '开发区所';
    expect(verifyReceiptFile(JSON.stringify(relabelled)).problems.join('\n')).toContain(
      '候选人员、检查组或每组要求不一致',
    );
    expect(receipt.pool.candidates.map((c) => c.name).sort()).toEqual(['冯涛', '韩梅'].sort());
    const [again] = await h.send(`/draw delegate ${taskId} 开发区所`, wang);
    expect(said(again)).toContain('不能再委托或收回');
    // The unit's operator re-selects within the unit's ranking; another unit's operator may not.
    const unitDraw = (await h.store.draws.forTask(taskId)).find(
      (d) => d.kind === 'inspectors' && d.departmentId === ids.swj,
    )!;
    const [refusedOther] = await h.send(`/draw reselect ${unitDraw.id} 冯涛 临时抽调`, qian);
    expect(said(refusedOther)).toContain('只有本部门的联络员（或受委托下属单位的经办人）');
    const reselected = await h.send(`/draw reselect ${unitDraw.id} 冯涛 临时抽调`, sun);
    expect(reselected.map(said).join('\n')).toMatch(/第 \d 组：冯涛 → 韩梅/);

    // 区卫健局 dispatches after its 5 working days: done, and the office is told.
    later(10 * 24 * 60);
    const lateSent = await h.send(`/draw delegate ${taskId} 卫生监督所`, li);
    expect(said(lateSent.find((m) => said(m).startsWith('已将任务')))).toContain('已超过派发期限');
    expect(dmsTo(users.office, lateSent).map(said).join('\n')).toMatch(
      /将任务“.*”（#\d+）的名单派发至卫生监督所，超过派发期限 2026-12-08/,
    );
    // 区卫健局 takes its part back: its own deadline, from the hand-over, applies again.
    const [takenBack] = await h.send(`/draw delegate ${taskId} 收回`, li);
    expect(said(takenBack)).toContain('已收回委托卫生监督所的检查');
    expect((await h.store.draws.handovers(target.id)).find((x) => x.departmentId === ids.wjj)).toMatchObject({
      delegatedTo: null,
      inspectorsDue: '2026-12-08',
    });
    // /draw show tells where every department stands.
    const shown = (await h.send(`/draw show ${taskId}`, users.office)).map(said);
    const staffing = shown.find((t) => t.startsWith('各部门选派检查人员情况'))!;
    expect(staffing).toContain(`区商务局（委托城关所，2026-12-02 派发）：已选派（抽取 #${unitDraw.id}）`);
    expect(staffing).toContain('区卫健局：未发布选派公告，期限 2026-12-08（周二）');
  });
});

describe('/draw choose', () => {
  // seed 000 art. 19 重新选派: a hand-picked person takes a drawn member's place only with another office member's
  // approval, logged with its reason, and only if the draw's own rules would have allowed them on that team.
  it('puts a named, eligible person in a drawn member’s place once the office approves', async () => {
    // Five people serve every task of this file: the same-target 回避 (tested below) is off here.
    await recheck('0');
    const taskId = await drawnTask();
    await drawPeople(taskId, lin);
    const draw = (await h.store.draws.forTask(taskId)).find(
      (d) => d.kind === 'inspectors' && d.state === 'drawn',
    )!;
    const target = (await h.store.draws.forTask(taskId)).find((d) => d.kind === 'targets')!;
    const teamOneCode = (await h.store.draws.picks(target.id)).find((p) => p.team === 1)!.id;
    const before = await h.store.draws.members(draw.id);
    const leaving = before.find((m) => m.team === 1 && m.certified)!;
    const outName = (await h.store.people.get(leaving.personId))!.name;
    const teams = before.filter((m) => m.personId === leaving.personId).map((m) => m.team);
    // Three people join the library after the draw: one on leave in the window, one with a declared conflict with
    // a target of team 1, one free.
    await h.store.transaction((tx) =>
      tx.inspectors.upsertMany([
        inspector(ids.scjgj, '周密'),
        inspector(ids.scjgj, '韦正'),
        inspector(ids.scjgj, '高远'),
      ]),
    );
    await h.send('/inspectors leave 周密 2027-05-06 2027-05-20 年休假', lin);
    await h.send(`/conflict add 韦正 ${teamOneCode} 近亲属任该公司法定代表人`, lin);

    const [onLeave] = await h.send(`/draw choose ${draw.id} ${outName} 周密 熟悉本行业的检查要点`, lin);
    expect(said(onLeave)).toContain('不能指定周密：第 1 组：检查期间休假');
    const [conflicted] = await h.send(`/draw choose ${draw.id} ${outName} 韦正 熟悉本行业的检查要点`, lin);
    expect(said(conflicted)).toContain(`申报回避（与本组检查对象有利害关系）（${teamOneCode}）`);
    const [stranger] = await h.send(`/draw choose ${draw.id} ${outName} 王二 熟悉本行业的检查要点`, lin);
    expect(said(stranger)).toContain('本部门检查人员名录中没有“王二”');
    expect(await h.store.draws.choices(draw.id)).toEqual([]);

    const asked = await h.send(
      `/draw choose ${draw.id} ${outName} 高远 "本组对象涉及冷链食品，高远有相关检查经验"`,
      lin,
    );
    expect(said(asked.find((m) => said(m).startsWith('已提交指定选派申请')))).toContain(`高远顶替${outName}`);
    // Nothing changes before the decision.
    expect(await h.store.draws.members(draw.id)).toEqual(before);
    const card = dmsTo(users.office, asked).find((m) => cardText(m.card).includes('指定选派申请'))!;
    expect(cardText(card.card)).toContain('本组对象涉及冷链食品');
    const stale = structuredClone(card);
    // A liaison cannot decide it; the office can.
    expect((await h.click(card, '提交审批', lin, { decision: 'approve' })).toast?.type).toBe('error');
    const approved = await h.click(card, '提交审批', users.office, { decision: 'approve' });
    expect(approved.toast?.type).toBe('success');

    const after = await h.store.draws.members(draw.id);
    const [request] = await h.store.draws.choices(draw.id);
    expect(request).toMatchObject({ state: 'approved', decidedBy: expect.any(Number) });
    const gao = (await h.store.inspectors.candidates(ids.scjgj)).find((p) => p.name === '高远')!;
    for (const team of teams) {
      const now = after.filter((m) => m.team === team);
      expect(now.find((m) => m.personId === leaving.personId)?.withdrawn).toContain('指定选派');
      expect(now.find((m) => m.personId === gao.id)).toMatchObject({
        choiceId: request!.id,
        replaces: leaving.personId,
        certified: true,
        withdrawn: null,
      });
      // Still a leader from the lead department and two certificate holders.
      const current = now.filter((m) => !m.withdrawn);
      expect(current.filter((m) => m.leader)).toHaveLength(1);
      expect(current.filter((m) => m.certified).length).toBeGreaterThanOrEqual(2);
    }
    expect(inGroup(approved.sent).map((m) => m.text ?? '')).toContainEqual(
      expect.stringContaining(`指定选派检查人员（经联席会议办公室批准`),
    );
    expect(cardText(card.card)).toContain('**已批准**（周明远）');
    // Someone withdrawn from this draw does not come back by hand.
    const stays = after.find((m) => m.team === teams[0] && !m.withdrawn && m.personId !== gao.id)!;
    const staysName = (await h.store.people.get(stays.personId))!.name;
    const [back] = await h.send(`/draw choose ${draw.id} ${staysName} ${outName} 原人员已能参加检查`, lin);
    expect(said(back)).toContain(`${outName}已从本次选派中退出`);
    // A copy of the card from before the decision cannot decide it again.
    const rejected = await h.click(stale, '提交审批', users.office2, {
      decision: 'reject',
      note: '重复申请',
    });
    expect(rejected.toast?.text).toContain('已经审批过');
    expect((await h.store.draws.choices(draw.id))[0]!.state).toBe('approved');

    // /draw verify holds the teams in use to the receipt, the ranking and the approved hand-pick.
    const verdict = async () => said((await h.send(`/draw verify ${taskId}`, users.office))[0]);
    expect(await verdict()).toContain(`抽取 #${draw.id}：一致。`);

    // The same, offline: the receipt and the teams-in-use file `draw export` writes, with no database.
    const drawn = (await h.store.draws.get(draw.id))!;
    const dir = mkdtempSync(join(tmpdir(), 'teams-'));
    const receiptPath = join(dir, 'receipt.json');
    writeFileSync(receiptPath, drawn.receipt!);
    const inUse = await teamsInUse(h.store, drawn);
    const offline = async (teams: TeamsInUse) => {
      const teamsPath = join(dir, 'teams.json');
      writeFileSync(teamsPath, JSON.stringify(teams));
      const out: string[] = [];
      const code = await runCli(
        ['draw', 'verify', receiptPath, '--teams', teamsPath],
        parseConfig({}),
        { out: (s) => out.push(s), err: (s) => out.push(s) },
        async () => {
          throw new Error('draw verify must not open a database');
        },
      );
      return { code, out: out.join('\n') };
    };
    expect(await offline(inUse)).toMatchObject({ code: 0, out: expect.stringContaining('一致') });
    // Who holds a certificate is the receipt's to say for everyone in its pool: marking them all uncertified in the
    // file changes nothing (only 高远, hand-picked from outside the pool, is taken from the file).
    const uncertified = structuredClone(inUse);
    for (const m of uncertified.members) if (m.name !== '高远') m.certified = false;
    expect(await offline(uncertified)).toMatchObject({ code: 0 });
    const unapproved = structuredClone(inUse);
    for (const m of unapproved.members) if (m.name === '高远') m.choice = null;
    expect(await offline(unapproved)).toMatchObject({
      code: 1,
      out: expect.stringContaining('高远 不在本组的顺延排名中，也不是经批准的指定选派'),
    });
    await h.db.execute(
      sql`update draw_team_members set choice_id = null where draw_id = ${draw.id} and person_id = ${gao.id}`,
    );
    expect(await verdict()).toContain(
      `第 ${teams[0]} 组：高远 不在本组的顺延排名中，也不是经批准的指定选派。`,
    );
    await h.db.execute(
      sql`update draw_team_members set choice_id = ${request!.id} where draw_id = ${draw.id} and person_id = ${gao.id}`,
    );
    await h.db.execute(
      sql`update draw_team_members set leader = not leader where draw_id = ${draw.id} and team = ${teams[0]} and withdrawn is null`,
    );
    expect(await verdict()).toContain(`第 ${teams[0]} 组的组长不是本组排名最前的持证人员。`);
  });
});

describe('/draw reselect', () => {
  // seed 000 art. 19: the next person in the ranking takes the place — unless they can no longer serve. Leave entered
  // after the draw counts: someone now on leave in the window is passed over, as the draw itself would have.
  it('passes over a ranked person whose leave was entered after the draw', async () => {
    await recheck('0');
    const taskId = await drawnTask();
    const lead = await drawPeople(taskId, lin);
    const receipt = verifyReceiptFile(lead.text).receipt as InspectorReceipt;
    const draw = (await h.store.draws.forTask(taskId)).find(
      (d) => d.kind === 'inspectors' && d.state === 'drawn',
    )!;
    const q = receipt.pool.quota;
    const team = receipt.teams.find((t) => t.team === 1)!;
    const leaving = team.members[0]!;
    const person = (id: string) => receipt.pool.candidates.find((c) => c.id === id)!;
    const needsCertificate =
      leaving.certified && team.members.filter((m) => m.certified).length - 1 < q.certificateHolders;
    const usable = team.reserve.filter(
      (id) => !team.members.some((m) => m.id === id) && (!needsCertificate || person(id).certificateNo),
    );
    // Without new leave, the ranking has someone for this place: the refusal below is the leave's doing.
    expect(usable.length).toBeGreaterThan(0);
    for (const id of team.reserve) {
      await h.send(`/inspectors leave ${person(id).name} 2027-05-06 2027-05-20 新登记的年休假`, lin);
    }
    const before = await h.store.draws.members(draw.id);
    const [refused] = await h.send(`/draw reselect ${draw.id} ${person(leaving.id).name} 临时抽调`, lin);
    expect(said(refused)).toContain('第 1 组已没有可以按排名顺延的人员');
    expect(await h.store.draws.members(draw.id)).toEqual(before);
  });
});

describe('回避: the same target twice running', () => {
  // product.md §4.5: nobody checks a target they checked lately. What each person checked is what the teams of
  // earlier tasks gave them (within draws.recheckMonths); it is frozen with the candidates, under the pool's hash.
  it('freezes what each candidate checked on earlier tasks, and never puts them on those targets again', async () => {
    await recheck('12');
    // Enough people that the 回避 never starves a team, whatever the earlier tasks of this file drew.
    await h.store.transaction((tx) =>
      tx.inspectors.upsertMany(
        ['甲一', '乙二', '丙三', '丁四', '戊五', '己六'].map((n) => inspector(ids.scjgj, n)),
      ),
    );
    const first = await drawnTask();
    const a = verifyReceiptFile((await drawPeople(first, lin)).text).receipt as InspectorReceipt;
    const second = await drawnTask();
    const drawn = await drawPeople(second, lin);
    const { receipt: read, problems } = verifyReceiptFile(drawn.text);
    expect(problems).toEqual([]);
    const b = read as InspectorReceipt;
    const codes = (r: InspectorReceipt, team: number) =>
      r.pool.teams.find((t) => t.team === team)!.targets.map((t) => t.code);
    for (const team of a.teams) {
      for (const m of team.members) {
        const checked = b.pool.candidates.find((c) => c.id === m.id)?.checked ?? [];
        expect(checked).toEqual(expect.arrayContaining(codes(a, team.team)));
      }
    }
    for (const team of b.teams) {
      for (const m of team.members) {
        const checked = b.pool.candidates.find((c) => c.id === m.id)!.checked ?? [];
        expect(checked.filter((code) => codes(b, team.team).includes(code))).toEqual([]);
      }
    }
    // Changing what someone checked changes the pool's hash: the receipt no longer re-checks.
    const someone = b.pool.candidates.findIndex((c) => c.checked?.length);
    const tampered = structuredClone(b);
    tampered.pool.candidates[someone]!.checked = [];
    expect(verifyReceiptFile(JSON.stringify(tampered)).problems.join('\n')).toContain('不一致');
  });
});

describe('chasing the inspector draws (seed 000 art. 19; product.md §3)', () => {
  // 2026-12-07 is a Monday: the list handed over that day is due five working days later, Monday 12-14.
  const at = (day: string, time = '10:00') => {
    now = new Date(`${day}T${time}:00+08:00`);
  };
  const chase = async () => {
    const before = h.platform.sent.length;
    const chased = await chaseInspectorDraws(h.services);
    await h.sender.drain();
    return { chased, sent: h.platform.sent.slice(before) };
  };

  it('reminds whoever owes one 3 and 1 working days ahead and on the day, then daily, and tells the office once', async () => {
    at('2026-12-07');
    const taskId = await drawnTask();
    const mine = (messages: SentMessage[]) => messages.filter((m) => m.text?.includes(`（#${taskId}）`));
    const target = (await h.store.draws.forTask(taskId)).find((d) => d.kind === 'targets')!;
    const handovers = await h.store.draws.handovers(target.id);
    expect(handovers.map((x) => x.inspectorsDue)).toEqual(['2026-12-14', '2026-12-14', '2026-12-14']);
    // The lead department draws its own people at once: nobody reminds it.
    await drawPeople(taskId, lin);
    // A deadline the calendar could not compute at the hand-over is computed when it can, then chased.
    await h.store.draws.updateHandover(target.id, ids.wjj, {
      inspectorsDue: null,
      inspectorsDueText: '待节假日安排录入后计算',
    });

    // Three working days ahead, but before nine in the morning: nothing yet.
    at('2026-12-09', '08:30');
    expect(mine((await chase()).sent)).toEqual([]);
    // From nine, once, even with two schedulers at once.
    at('2026-12-09', '09:30');
    const before = h.platform.sent.length;
    await Promise.all([chaseInspectorDraws(h.services), chaseInspectorDraws(h.services)]);
    await h.sender.drain();
    const ahead = mine(h.platform.sent.slice(before));
    expect(dmsTo(wang, ahead).map((m) => m.text)).toEqual([
      `任务“2027 年餐饮服务单位联合抽查”（#${taskId}）：本部门选派检查人员的期限是 2026-12-14（周一），还有 3 个工作日。请发送 /draw inspectors ${taskId} 发布选派公告并抽取。`,
    ]);
    expect(dmsTo(li, ahead)).toHaveLength(1);
    expect(dmsTo(lin, ahead)).toEqual([]);
    expect((await h.store.draws.handovers(target.id)).find((x) => x.departmentId === ids.wjj)).toMatchObject({
      inspectorsDue: '2026-12-14',
      inspectorsDueText: '2026-12-14（周一）',
    });
    expect(mine((await chase()).sent)).toEqual([]);

    // Two working days ahead: no reminder. One ahead (Friday) and on the day (Monday): one each.
    at('2026-12-10');
    expect(mine((await chase()).sent)).toEqual([]);
    at('2026-12-11');
    expect(dmsTo(wang, mine((await chase()).sent))[0]?.text).toContain('还有 1 个工作日');
    at('2026-12-12');
    expect(mine((await chase()).sent)).toEqual([]);
    at('2026-12-14');
    expect(dmsTo(wang, mine((await chase()).sent))[0]?.text).toContain(
      '今天 2026-12-14（周一）是本部门选派检查人员的最后期限',
    );

    // Overdue: the owers every working day, the office once.
    at('2026-12-15');
    const late = mine((await chase()).sent);
    expect(dmsTo(wang, late)[0]?.text).toContain(
      '已逾期 1 个工作日（期限 2026-12-14（周一）），已报联席会议办公室',
    );
    const office = late.filter((m) => m.text?.includes('未在期限'));
    expect(office.map((m) => m.text)).toContainEqual(
      `任务“2027 年餐饮服务单位联合抽查”（#${taskId}）：区商务局未在期限 2026-12-14（周一）前选派检查人员（尚未发布选派公告），请督促。`,
    );
    expect(dmsTo(users.office, office)).toHaveLength(2);
    // 区商务局 posts its notice and contributes, but does not draw yet: the next reminder says what is left to do;
    // the office hears nothing more.
    const posted = inGroup(await h.send(`@机器人 /draw inspectors ${taskId}`, wang, GROUP));
    const notice = posted.find((m) => cardText(m.card).includes('选派检查人员公告'))!;
    await h.click(notice, '提交随机数', wang, { contribution: '区商务局 1215' });
    const noticeId = (await h.store.draws.forTask(taskId)).find(
      (d) => d.kind === 'inspectors' && d.departmentId === ids.swj && d.state === 'committed',
    )!.id;
    at('2026-12-16');
    const next = mine((await chase()).sent);
    expect(dmsTo(wang, next)[0]?.text).toContain(
      `已逾期 2 个工作日（期限 2026-12-14（周一）），已报联席会议办公室。选派公告已发布（抽取 #${noticeId}），请在揭示时间后点击公告卡片上的“抽取”。`,
    );
    expect(dmsTo(li, next)[0]?.text).toContain('已逾期 2 个工作日');
    expect(next.filter((m) => m.text?.includes('未在期限'))).toEqual([]);
    // /draw show says how far past the deadline each department is.
    const staffing = (await h.send(`/draw show ${taskId}`, users.office))
      .map(said)
      .find((t) => t.startsWith('各部门选派检查人员情况'))!;
    expect(staffing).toContain(`区商务局：已发布选派公告（抽取 #${noticeId}），待抽取，已逾期 2 个工作日`);
    expect(staffing).toContain('区卫健局：未发布选派公告，期限 2026-12-14（周一），已逾期 2 个工作日');
    expect(staffing).not.toContain('区市场监管局：未');
    // Drawn: 区商务局 is no longer chased.
    expect((await h.click(notice, '抽取', wang)).toast?.type).toBe('success');
    at('2026-12-17');
    expect(dmsTo(wang, mine((await chase()).sent))).toEqual([]);

    // A redraw of its inspectors, once approved, gives it the working days again (art. 19; here 3), from the
    // approval: no reminder that day, though it is 3 working days ahead.
    const inspectorDays = (days: string) =>
      h.store.transaction((tx) =>
        setSetting(tx, 'draws.inspectorDays', days, { kind: 'system', id: 'test' }),
      );
    await inspectorDays('3');
    try {
      const swjDraw = (await h.store.draws.forTask(taskId)).find(
        (d) => d.kind === 'inspectors' && d.departmentId === ids.swj && d.state === 'drawn',
      )!;
      const asked = await h.send(`/draw redraw ${swjDraw.id} 选派时名录中一人的执法证已过期`, wang);
      const request = dmsTo(users.office, asked).find((m) => cardText(m.card).includes('重新抽取申请'))!;
      const approved = await h.click(request, '提交审批', users.office2, { decision: 'approve' });
      expect(approved.toast?.type).toBe('success');
      expect(dmsTo(wang, approved.sent).map((m) => m.text)).toContainEqual(
        expect.stringContaining(
          `请在 2026-12-22（周二）前发送 /draw inspectors ${taskId} 重新发布选派公告并抽取`,
        ),
      );
      expect(dmsTo(wang, mine((await chase()).sent))).toEqual([]);
      at('2026-12-18');
      const after = mine((await chase()).sent);
      expect(dmsTo(wang, after)).toEqual([]);
      expect(dmsTo(li, after)[0]?.text).toContain('已逾期 4 个工作日');
      at('2026-12-21');
      expect(dmsTo(wang, mine((await chase()).sent))[0]?.text).toContain(
        '本部门选派检查人员的期限是 2026-12-22（周二），还有 1 个工作日',
      );
    } finally {
      await inspectorDays('5');
    }
  });

  it('reminds the sub-unit a department delegated to, by its own deadline', async () => {
    // 城关所 and its operator 孙丽 were put on record by the delegation test above.
    const sun = { userId: 'sun.li', name: '孙丽' };
    at('2026-12-21');
    const taskId = await drawnTask();
    const dispatched = await h.send(`/draw delegate ${taskId} 城关所`, wang);
    expect(dispatched.some((m) => said(m).startsWith('已将任务'))).toBe(true);
    at('2026-12-23', '09:30');
    const sent = (await chase()).sent.filter((m) => m.text?.includes(`（#${taskId}）`));
    expect(dmsTo(sun, sent).map((m) => m.text)).toEqual([
      `任务“2027 年餐饮服务单位联合抽查”（#${taskId}）：区商务局委托本单位选派检查人员的期限是 2026-12-28（周一），还有 3 个工作日。请发送 /draw inspectors ${taskId} 发布选派公告并抽取。`,
    ]);
    expect(dmsTo(wang, sent)).toEqual([]);
  });
});
