// The target draw of a joint task as people do it in the chat (product.md §4; seed 000 art. 18–19): the lead
// liaison posts the notice (pool frozen and hashed, the bot's entropy committed), departments contribute until the
// reveal time, the draw is made and handed to every department with its deadline, and the receipt downloaded
// from the chat re-checks with no database — and names what was changed in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBeacon, targetReceipt, verifyReceiptFile } from '../src/app/draw-files.ts';
import { drandBeacons } from '../src/beacon/drand.ts';
import { canonicalPool, type PoolEntry, poolHash, sha256 } from '../src/domain/draw.ts';
import type { DrawReceipt } from '../src/domain/draw-receipt.ts';
import type { RiskClass, Stratum } from '../src/domain/plan-record.ts';
import type { SentMessage } from '../src/platform/memory/memory-platform.ts';
import { type Db, rowsOf, sql } from '../src/store/db.ts';
import { drawRepo } from '../src/store/draw-repo.ts';
import { ROUND_38, WALKTHROUGH } from '../test/support/beacon-vectors.ts';
import { cardText, createHarness, type Harness, users } from '../test/support/harness.ts';
import {
  approvedJointPlan,
  dmsTo,
  inChat,
  readyTask as ready,
  said,
  targetRows,
} from '../test/support/workflow.ts';

let h: Harness;
let planId: number;
const lin = users.marketLiaison;
const wang = users.liaison;
const li = users.otherLiaison;
const GROUP = { chatId: 'oc_food', chatType: 'group' as const };
/** Tuesday 2026-12-01, 10:00 in Shanghai; moved on by each test as it needs. */
let now = new Date('2026-12-01T02:00:00Z');
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

/** 10,000 fictional targets of every credit class (and none), beside the demo's ten. */
async function fillLibrary(n: number) {
  const classes = ['A', 'B', 'C', 'D', null] as const;
  const rows = targetRows('TS', '济南测试商贸有限公司', n, (i) => ({
    area: ['北园片区', '泺口片区', '药山片区'][i % 3]!,
    address: `济南市天桥区测试路${i}号`,
    riskClass: classes[i % 5]!,
    status: i % 97 === 0 ? '注销' : '存续',
  }));
  // Codes whose order differs by UTF-16 units, by locale or by line: the pool must still come out in byte order.
  const odd = ['个体工商户-张三', '𠀀号商行', '\uFFFD号商行', '91370105TS0000001'];
  rows.push(
    ...odd.map((code, i) => ({
      ...targetRows('TS', '济南测试个体户', 1)[0]!,
      code,
      name: `济南测试个体户${i}`,
    })),
  );
  for (let i = 0; i < rows.length; i += 2000) {
    await h.store.transaction((tx) => tx.targets.upsertMany(rows.slice(i, i + 2000)));
  }
}

beforeAll(async () => {
  h = await createHarness();
  h.services.clock.now = () => now;
  planId = await approvedJointPlan(h, ['swj', 'wjj']);
  await fillLibrary(10_000);
}, 120_000);
afterAll(() => h.close());

const inGroup = (messages: SentMessage[]) => inChat(GROUP.chatId, messages);
const readyTask = async () => ({
  taskId: await ready(h, planId, { chatId: GROUP.chatId, name: '2027 年食品经营单位联合抽查', teams: 4 }),
});

/** Posts the notice; returns the copy in the task's group and everything sent. */
async function commit(taskId: number, extra = '') {
  const sent = await h.send(`@机器人 /draw targets ${taskId}${extra}`, lin, GROUP);
  const notice = inGroup(sent).find((m) => cardText(m.card).includes('抽取公告'));
  if (!notice) throw new Error(`no notice:\n${sent.map((m) => m.text ?? cardText(m.card)).join('\n')}`);
  return { notice, sent };
}

const receiptIn = (messages: SentMessage[]) => {
  const file = inGroup(messages).find((m) => m.file?.name.endsWith('.json'))?.file;
  if (!file) throw new Error('no receipt in the group');
  return Buffer.from(file.base64, 'base64').toString('utf8');
};

describe('/draw targets: notice, contributions, draw, hand-over, receipt', () => {
  let taskId: number;
  let receiptText: string;

  it('draws 5% of a 10,000-target library in the task’s chat and hands the list to every department', async () => {
    ({ taskId } = await readyTask());
    // Only the lead department's liaison may draw.
    const [refused] = await h.send(`/draw targets ${taskId}`, li);
    expect(said(refused)).toContain('只有任务牵头部门的联络员可以抽取检查对象');

    const { notice, sent } = await commit(taskId);
    const text = cardText(notice.card);
    // The pool: active 存续 targets of the library (the plan's scope is the whole library), hashed canonically.
    const library = rowsOf<{ code: string }>(
      await h.db.execute(sql`select code from targets where active and status = '存续'`),
    );
    const expected: PoolEntry[] = library.map((r) => ({ id: r.code, stratum: 'all' }));
    expect(expected.length).toBe(10_000 + 4 + 10 - 104);
    expect(text).toContain(`${expected.length} 个，哈希 ${poolHash(expected)}`);
    // 5%, rounded up as the plan says.
    const n = Math.ceil(expected.length * 0.05);
    expect(text).toContain(String(n));
    expect(text).toContain('5%（向上取整）');
    expect(text).toContain('jointcheck-draw/1');
    const commitment = text.match(/机器人熵值的哈希\n([0-9a-f]{64})/)![1]!;
    expect(text).toContain('12-01 11:00');
    // Every department's liaisons got the notice too.
    for (const who of [lin, wang, li]) {
      expect(dmsTo(who, sent).some((m) => cardText(m.card).includes('抽取公告'))).toBe(true);
    }

    // A department contributes and sees the hash of what it gave at once; once only.
    const given = await h.click(notice, '提交随机数', wang, { contribution: '8317 2209 5561' });
    expect(given.toast).toMatchObject({
      type: 'success',
      text: `已收到本部门的随机数，哈希 ${sha256('8317 2209 5561').slice(0, 16)}…`,
    });
    expect(dmsTo(wang, given.sent).map((m) => m.text)).toContainEqual(
      expect.stringContaining(sha256('8317 2209 5561')),
    );
    expect(cardText(notice.card)).toContain(`区商务局：${sha256('8317 2209 5561').slice(0, 16)}…`);
    const again = await h.click(notice, '提交随机数', wang, { contribution: 'another' });
    expect(again.toast?.text).toContain('本部门已贡献过随机数');
    const operator = await h.click(notice, '提交随机数', users.operator, { contribution: '1' });
    expect(operator.toast?.type).toBe('error');

    // Too early, by the lead: refused with the reveal time; by a participant: refused.
    const early = await h.click(notice, '抽取', lin);
    expect(early.toast?.text).toContain('揭示时间 12-01 11:00 之前不能抽取');
    later(61);
    const late = await h.click(notice, '提交随机数', li, { contribution: '42' });
    expect(late.toast?.text).toContain('已过揭示时间');
    const notLead = await h.click(notice, '抽取', wang);
    expect(notLead.toast?.text).toContain('只有牵头部门的联络员或联席会议办公室可以抽取');

    const drawn = await h.click(notice, '抽取', lin);
    expect(drawn.toast?.type).toBe('success');
    expect(cardText(notice.card)).toContain('抽取结果');
    expect(cardText(notice.card)).toContain(`共抽中 ${n} 个检查对象`);

    // The receipt in the chat re-checks with no database, and holds what the notice committed to.
    receiptText = receiptIn(drawn.sent);
    const { receipt: read, problems } = verifyReceiptFile(receiptText);
    const receipt = targetReceipt(read);
    expect(problems).toEqual([]);
    expect(receipt.picks).toHaveLength(n);
    expect(new Set(receipt.picks.map((p) => p.id)).size).toBe(n);
    expect(receipt.pool.hash).toBe(poolHash(expected));
    expect(receipt.seed.botCommitment).toBe(commitment);
    expect(receipt.seed.inputs.map((i) => [i.kind, i.label, i.value])).toContainEqual([
      'contribution',
      'swj',
      '8317 2209 5561',
    ]);
    expect(receipt.auditHead?.hash).toMatch(/^[0-9a-f]{64}$/);
    // How the pool was frozen travels with it, as the notice said it.
    expect(receipt.filters).toContainEqual(
      expect.stringContaining(`登记状态为存续（范围内 ${expected.length} 个）`),
    );
    // Teams: 4, dealt round-robin.
    expect(receipt.picks.slice(0, 5).map((p) => p.team)).toEqual([1, 2, 3, 4, 1]);

    // Hand-over: every department of the task, the lead included, gets the list and its deadline at once
    // (5 working days after 12-01: 12-08), with the spreadsheet.
    for (const [who, department] of [
      [lin, '区市场监管局'],
      [wang, '区商务局'],
      [li, '区卫健局'],
    ] as const) {
      const mine = dmsTo(who, drawn.sent);
      const card = mine.find((m) => cardText(m.card).includes('检查对象名单'));
      expect(cardText(card?.card)).toContain(`请**${department}**在 **2026-12-08（周二）** 前选派`);
      expect(mine.some((m) => m.file?.name.endsWith('.xlsx'))).toBe(true);
    }
    const task = (await h.store.tasks.get(taskId))!;
    expect(task.state).toBe('drawn');
  });

  it('names what was changed in a downloaded receipt: a pick, a contribution, a pool id', () => {
    const tampered = (change: (r: DrawReceipt) => void) => {
      const r = JSON.parse(receiptText) as DrawReceipt;
      change(r);
      return verifyReceiptFile(JSON.stringify(r)).problems;
    };
    const original = JSON.parse(receiptText) as DrawReceipt;
    const outsider = original.pool.entries!.find(([id]) => !original.picks.some((p) => p.id === id))![0];
    expect(
      tampered((r) => {
        r.picks[3]!.id = outsider;
      }),
    ).toContainEqual(expect.stringContaining(`第 4 个抽中对象不一致：收据为 ${outsider}`));
    expect(
      tampered((r) => {
        r.seed.inputs.find((i) => i.label === 'swj')!.value = '8317 2209 5562';
      }),
    ).toContainEqual('“swj”的贡献的内容与收据记载的哈希不一致。');
    expect(
      tampered((r) => {
        r.pool.entries![10]![0] = '91370105MA9999999X';
      }),
    ).toContainEqual(expect.stringContaining('对象池不一致'));
  });

  it('re-checks from the stored copy, shows the draw again, and never draws a task twice', async () => {
    const [verified] = await h.send(`/draw verify ${taskId}`, wang);
    expect(said(verified)).toMatch(/^抽取 #\d+：一致。/);
    const shown = await h.send(`/draw show ${taskId}`, li);
    expect(cardText(shown[0]!.card)).toContain('抽取结果');
    expect(shown.some((m) => m.file?.name.endsWith('.json'))).toBe(true);
    // The participant's liaison gets the department's list again.
    expect(shown.some((m) => cardText(m.card).includes('请**区卫健局**'))).toBe(true);
    const [twice] = await h.send(`/draw targets ${taskId}`, lin);
    expect(said(twice)).toContain('已抽取检查对象');
  });
});

describe('/draw targets: the seed’s other inputs', () => {
  it('draws before the reveal time once every department has contributed', async () => {
    const { taskId } = await readyTask();
    const { notice } = await commit(taskId, ' --minutes 120');
    // The first task's picks stay in the pool, flagged (seed 000 art. 18; the setting may exclude them).
    expect(cardText(notice.card)).toContain('已被其他未结束任务抽中的对象：496 个（留在池中，仅作提示）');
    for (const [who, value] of [
      [lin, 'lead'],
      [wang, 'commerce'],
      [li, 'health'],
    ] as const) {
      expect((await h.click(notice, '提交随机数', who, { contribution: value })).toast?.type).toBe('success');
    }
    const drawn = await h.click(notice, '抽取', lin);
    expect(drawn.toast?.type).toBe('success');
    const { receipt: read, problems } = verifyReceiptFile(receiptIn(drawn.sent));
    const receipt = targetReceipt(read);
    expect(problems).toEqual([]);
    expect(receipt.seed.inputs.map((i) => i.label).sort()).toEqual(['entropy', 'scjgj', 'swj', 'wjj']);
  });

  it('with no contribution, draws only when the office writes why', async () => {
    const { taskId } = await readyTask();
    await h.store.settings.set('draws.excludeOpenTasks', 1);
    const { notice } = await commit(taskId, ' --minutes 5');
    await h.store.settings.set('draws.excludeOpenTasks', 0);
    // Left out: the targets the two open tasks drew.
    const open = rowsOf<{ n: number }>(
      await h.db.execute(sql`select count(distinct code)::int as n from draw_picks`),
    )[0]!.n;
    expect(cardText(notice.card)).toContain(`排除已被其他未结束任务抽中的对象：${open} 个`);
    expect(cardText(notice.card)).toContain(`${9910 - Number(open)} 个，哈希`);
    later(6);
    const lead = await h.click(notice, '抽取', lin, { noInputReason: '无' });
    expect(lead.toast?.text).toContain('还没有任何部门贡献随机数');
    const silent = await h.click(notice, '抽取', users.office);
    expect(silent.toast?.text).toContain('还没有任何部门贡献随机数');
    expect((await h.store.tasks.get(taskId))!.state).toBe('drawing');
    const drawn = await h.click(notice, '抽取', users.office, {
      noInputReason: '各部门联络员均在外地执法，无法及时提交。',
    });
    expect(drawn.toast?.type).toBe('success');
    expect(cardText(notice.card)).toContain('各部门联络员均在外地执法');
    const { receipt: read, problems } = verifyReceiptFile(receiptIn(drawn.sent));
    const receipt = targetReceipt(read);
    expect(problems).toEqual([]);
    expect(receipt.seed.inputs.map((i) => i.kind)).toEqual(['bot']);
  });
});

describe('/draw redraw', () => {
  it('redoes a draw only with a reason and a second office member’s approval; the old one is kept beside the new', async () => {
    const { taskId } = await readyTask();
    const drawAll = async () => {
      const { notice } = await commit(taskId, ' --minutes 120');
      for (const [who, value] of [
        [lin, 'x'],
        [wang, 'y'],
        [li, 'z'],
      ] as const) {
        await h.click(notice, '提交随机数', who, { contribution: value });
      }
      const drawn = await h.click(notice, '抽取', lin);
      expect(drawn.toast?.type).toBe('success');
      return { notice, drawn };
    };
    const first = await drawAll();
    const old = (await h.store.draws.forTask(taskId)).find((d) => d.kind === 'targets')!;
    const oldPicks = await h.store.draws.picks(old.id, 1);

    const [participant] = await h.send(`/draw redraw ${old.id} 参与部门认为不妥`, wang);
    expect(said(participant)).toContain('只有该次抽取所属部门的联络员或联席会议办公室可以申请重新抽取');
    const [short] = await h.send(`/draw redraw ${old.id} 错`, lin);
    expect(said(short)).toContain('请写明重新抽取的原因（至少 4 个字）');

    // 周明远 of the office asks; the request goes to the other office members, not to him.
    const asked = await h.send(`/draw redraw ${old.id} 对象池误用了上一年度的名录库`, users.office);
    expect(asked.map(said).join('\n')).toContain('已提交重新抽取申请');
    expect(dmsTo(users.office, asked).some((m) => cardText(m.card).includes('重新抽取申请'))).toBe(false);
    const request = dmsTo(users.office2, asked).find((m) => cardText(m.card).includes('重新抽取申请'))!;
    const [twice] = await h.send(`/draw redraw ${old.id} 对象池误用了上一年度的名录库`, lin);
    expect(said(twice)).toContain('已有待审批的重新抽取申请');
    // Not the one who asked, even through the card; a rejection needs a reason.
    const self = await h.click(request, '提交审批', users.office, { decision: 'approve' });
    expect(self.toast?.text).toContain('重新抽取须由申请人以外的另一位办公室成员审批');
    const bare = await h.click(request, '提交审批', users.office2, { decision: 'reject' });
    expect(bare.toast?.text).toContain('驳回时请写明理由');
    expect((await h.store.draws.get(old.id))!.state).toBe('drawn');

    const approved = await h.click(request, '提交审批', users.office2, { decision: 'approve' });
    expect(approved.toast?.type).toBe('success');
    expect((await h.store.draws.get(old.id))!.state).toBe('superseded');
    expect((await h.store.tasks.get(taskId))!.state).toBe('ready');
    expect(cardText(first.notice.card)).toContain(
      '已作废**：办公室已批准重新抽取，原因：对象池误用了上一年度的名录库',
    );
    expect(dmsTo(lin, approved.sent).map((m) => m.text)).toContainEqual(
      expect.stringContaining(`请发送 /draw targets ${taskId} 重新发布抽取公告`),
    );

    // The new draw goes through the whole protocol again; its result shows the old picks beside its own.
    const second = await drawAll();
    expect(cardText(second.notice.card)).toContain(`原抽取 #${old.id} 已作废`);
    expect(cardText(second.notice.card)).toContain(oldPicks[0]!.id);
    const shown = await h.send(`/draw show ${taskId}`, users.office);
    expect(shown.filter((m) => cardText(m.card).includes('抽取结果'))).toHaveLength(2);
    const [verified] = await h.send(`/draw verify ${taskId}`, users.office);
    expect(said(verified).match(/：一致。/g)).toHaveLength(2);
  });
});

describe('/draw replace', () => {
  it('replaces a drawn target by the next reserve of its stratum, only with the office’s approval, before inspectors are drawn', async () => {
    const taskId = (await readyTask()).taskId;
    const { notice } = await commit(taskId, ' --minutes 120');
    for (const [who, value] of [
      [lin, '1'],
      [wang, '2'],
      [li, '3'],
    ] as const) {
      await h.click(notice, '提交随机数', who, { contribution: value });
    }
    const drawn = await h.click(notice, '抽取', lin);
    const receipt = targetReceipt(verifyReceiptFile(receiptIn(drawn.sent)).receipt);
    const draw = (await h.store.draws.forTask(taskId)).find((d) => d.kind === 'targets')!;
    const gone = receipt.picks[2]!;

    const [bad] = await h.send(`/draw replace ${draw.id} ${gone.id} 停业 已经停业`, lin);
    expect(said(bad)).toContain('理由类别应为“登记”或“回避”');
    const [notPicked] = await h.send(`/draw replace ${draw.id} 91370105TS9999999X 登记 名录库有误`, lin);
    expect(said(notPicked)).toContain('不在抽取');
    const asked = await h.send(
      `/draw replace ${draw.id} ${gone.id} 登记 "抽取日前已注销，名录库未更新"`,
      lin,
    );
    expect(asked.map(said).join('\n')).toContain('已提交');
    const card = dmsTo(users.office, asked).find((m) => cardText(m.card).includes('递补申请'))!;
    const approved = await h.click(card, '提交审批', users.office, { decision: 'approve' });
    expect(approved.toast?.type).toBe('success');

    // The first reserve target of the same stratum takes its place, in its team; everyone is told.
    // A receipt written now lists the reserve by id.
    const reserve = receipt.reserve[gone.stratum]![0] as string;
    const picks = await h.store.draws.picks(draw.id);
    expect(picks.find((p) => p.id === gone.id)!.withdrawn).toContain('抽取日前已注销');
    expect(picks.find((p) => p.id === reserve)).toMatchObject({ team: gone.team, replaces: gone.id });
    expect(await h.store.draws.pickCount(draw.id)).toBe(receipt.picks.length);
    expect(cardText(notice.card)).toContain(`${gone.id} → ${reserve}`);
    expect(dmsTo(wang, approved.sent).map((m) => m.text)).toContainEqual(
      expect.stringContaining(`由递补顺序中的 ${reserve}`),
    );
    // The list goes out again: the withdrawn target gone, its replacement marked.
    const sheet = dmsTo(wang, approved.sent).find((m) => m.file?.name.endsWith('.xlsx'))!.file!;
    const { table, dispose } = await h.services.tables!.read(Buffer.from(sheet.base64, 'base64'), {
      isHeader: (cells) => cells[0] === '序号',
    });
    const rows: string[][] = [];
    for await (const batch of table.batches) rows.push(...batch.map((r) => r.cells));
    await dispose();
    expect(rows.some((r) => r.includes(gone.id))).toBe(false);
    expect(rows.find((r) => r.includes(reserve))).toContain(`递补（替换 ${gone.id}）`);
    const [verified] = await h.send(`/draw verify ${taskId}`, wang);
    expect(said(verified)).toMatch(/一致。/);
    // A replacement record altered afterwards no longer follows the reserve order, and the check says so.
    const other = receipt.reserve[gone.stratum]![1] as string;
    await h.db.execute(
      sql`update draw_replacements set replacement_code = ${other} where draw_id = ${draw.id}`,
    );
    const [altered] = await h.send(`/draw verify ${taskId}`, wang);
    expect(said(altered)).toContain(`由 ${other} 递补，按递补顺序应为 ${reserve}`);
    await h.db.execute(
      sql`update draw_replacements set replacement_code = ${reserve} where draw_id = ${draw.id}`,
    );
    // So does a list in use edited behind the receipt's back.
    await h.db.execute(
      sql`update draw_picks set team = team % 4 + 1 where draw_id = ${draw.id} and position = 1`,
    );
    const [edited] = await h.send(`/draw verify ${taskId}`, wang);
    expect(said(edited)).toContain(`名单中 ${receipt.picks[0]!.id} 的检查组`);
    await h.db.execute(
      sql`update draw_picks set team = ${receipt.picks[0]!.team} where draw_id = ${draw.id} and position = 1`,
    );

    // Once a department starts drawing its inspectors, the list is in the teams' hands: no more replacements.
    const scjgj = (await h.store.departments.find('scjgj'))!.id;
    await h.store.transaction((tx) =>
      tx.inspectors.upsertMany(
        ['张建国', '赵文'].map((name, i) => ({
          name,
          unit: '执法一队',
          position: null,
          certificateNo: `370100${i}`,
          certificateValidUntil: '2028-12-31',
          qualificationTags: [],
          expertise: [],
          area: null,
          isExpert: false,
          departmentId: scjgj,
          registerKey: `${scjgj}:${name}`,
          rowHash: name,
        })),
      ),
    );
    const started = await h.send(`@机器人 /draw inspectors ${taskId}`, lin, GROUP);
    expect(started.map(said).join('\n')).toContain('选派检查人员公告');
    const [late] = await h.send(`/draw replace ${draw.id} ${receipt.picks[0]!.id} 回避 无法回避`, lin);
    expect(said(late)).toContain('各部门已开始选派检查人员，检查对象不能再递补');
  });
});

describe('/draw targets --beacon', () => {
  it('names a drand round before it exists, waits for the office to enter it, and checks it against the chain’s key', async () => {
    const { taskId } = await readyTask();
    // drand's walkthrough chain, its genesis moved so that its round 38 is the first produced after this notice's
    // reveal time. The round's published signature signs the round number alone, so it still verifies.
    const reveal = Math.floor(now.getTime() / 1000) + 60;
    h.services.beacons = drandBeacons({ walkthrough: { ...WALKTHROUGH, genesis_time: reveal - 110 } });
    try {
      const { notice } = await commit(taskId, ' --minutes 1 --beacon walkthrough');
      expect(cardText(notice.card)).toContain('公开随机源 drand walkthrough 第 38 轮');
      later(2);
      const waiting = await h.click(notice, '抽取', lin);
      expect(waiting.toast?.text).toContain('drand walkthrough 第 38 轮还没有录入');
      const byLead = await h.click(notice, '录入公开随机源', lin, { signature: ROUND_38 });
      expect(byLead.toast?.type).toBe('error');
      const forged = `${ROUND_38.slice(0, -2)}27`;
      const wrong = await h.click(notice, '录入公开随机源', users.office, { signature: forged });
      expect(wrong.toast?.text).toContain('这不是 drand walkthrough 第 38 轮的签名');
      const entered = await h.click(notice, '录入公开随机源', users.office, { signature: ROUND_38 });
      expect(entered.toast?.type).toBe('success');
      // The beacon is an input beyond the bot's entropy: no contribution is needed.
      const drawn = await h.click(notice, '抽取', lin);
      expect(drawn.toast?.type).toBe('success');
      const text = receiptIn(drawn.sent);
      const { receipt: read, problems } = verifyReceiptFile(text);
      const receipt = targetReceipt(read);
      expect(problems).toEqual([]);
      expect(receipt.beacon).toEqual({ chain: 'walkthrough', round: 38, signature: ROUND_38 });
      expect(receipt.seed.inputs.find((i) => i.kind === 'beacon')).toMatchObject({
        label: 'drand:walkthrough:38',
        value: 'b2fc21325a24904a6a9e81a6c63f65f6cec3f0b2400df3f4a56b214770e9ccca',
      });
      expect(await checkBeacon(receipt, h.services.beacons)).toEqual([]);
      const tampered = { ...receipt, beacon: { ...receipt.beacon!, signature: forged } };
      expect(verifyReceiptFile(JSON.stringify(tampered)).problems).toContainEqual(
        '公开随机源 drand walkthrough 第 38 轮的签名与种子输入不一致。',
      );
    } finally {
      h.services.beacons = drandBeacons();
    }
  });
});

describe('freezing the pool', () => {
  it('keeps exactly the targets each filter keeps, counts what the notice reports, in canonical order', async () => {
    const { taskId } = await readyTask();
    // Some targets checked lately; the library already mixes classes A–D and none, and 注销 targets.
    await h.db.execute(
      sql`update targets set last_inspected = '2026-09-01' where code like '91370105TS%' and right(code, 3) like '%7_'`,
    );
    const library = rowsOf<{ code: string; risk_class: string | null; last_inspected: string | null }>(
      await h.db.execute(
        sql`select code, risk_class, last_inspected::text from targets where active and status = '存续'`,
      ),
    );
    // Drawn in another open task: the picks of the earlier tests' drawn tasks.
    const open = new Set(
      rowsOf<{ code: string }>(
        await h.db.execute(sql`select p.code from draw_picks p join draws d on d.id = p.draw_id
          join tasks k on k.id = d.task_id where d.state = 'drawn' and d.kind = 'targets'
          and k.state <> 'cancelled' and p.withdrawn is null`),
      ).map((r) => r.code),
    );
    expect(open.size).toBeGreaterThan(0);
    const scope = { objectTypes: [], industries: [], areas: [], tags: [] };
    for (const filters of [
      {
        scope,
        classes: ['A', 'B'] as RiskClass[],
        withAll: false,
        checkedSince: '2026-06-01',
        excludeOpen: false,
      },
      { scope, classes: ['D'] as RiskClass[], withAll: true, checkedSince: null, excludeOpen: true },
      { scope, classes: [] as RiskClass[], withAll: true, checkedSince: '2026-06-01', excludeOpen: true },
    ]) {
      const stratum = (r: (typeof library)[number]) =>
        (filters.classes as string[]).includes(r.risk_class ?? '') ? (r.risk_class as Stratum) : 'all';
      const recent = (r: (typeof library)[number]) =>
        filters.checkedSince !== null &&
        r.last_inspected !== null &&
        r.last_inspected >= filters.checkedSince;
      const kept = library.filter(
        (r) =>
          !recent(r) &&
          !(filters.excludeOpen && open.has(r.code)) &&
          (filters.withAll || stratum(r) !== 'all'),
      );
      const expected = canonicalPool(kept.map((r) => ({ id: r.code, stratum: stratum(r) }))).toString('utf8');
      const [draw] = rowsOf<{ id: number }>(
        await h.db.execute(sql`insert into draws (task_id, kind, department_id, state, algorithm, filters,
            strata, split, pool_size, pool_hash, bot_entropy, bot_commitment, reveal_at)
          select ${taskId}, 'targets', lead_department_id, 'superseded', 'jointcheck-draw/1', '{}', '[]', '{}', 0,
            '', '', '', now() from tasks where id = ${taskId}
          returning id`),
      );
      const frozen = await h.store.transaction((tx) => tx.draws.freezeTargets(draw!.id, taskId, filters));
      expect((await h.store.draws.poolBytes(draw!.id)).toString()).toBe(expected);
      expect(frozen.hash).toBe(sha256(expected));
      // Read as a draw reads it, a slice at a time: 7 bytes cut ids and characters anywhere.
      const sliced = await h.store.draws.poolSlices(draw!.id, 7);
      const slices: Uint8Array[] = [];
      for await (const slice of sliced.slices) slices.push(slice);
      expect(slices.length).toBe(Math.ceil(Buffer.byteLength(expected) / 7));
      expect(sliced.size).toBe(Buffer.byteLength(expected));
      expect(Buffer.concat(slices).toString()).toBe(expected);
      const sizes: Record<string, number> = {};
      for (const r of kept) sizes[stratum(r)] = (sizes[stratum(r)] ?? 0) + 1;
      expect(frozen.sizes).toEqual(sizes);
      expect(frozen.counts).toEqual({
        inScope: library.length,
        excludedRecent: library.filter(recent).length,
        openElsewhere: library.filter((r) => open.has(r.code)).length,
        noQuota: filters.withAll ? 0 : library.filter((r) => stratum(r) === 'all').length,
      });
      expect(frozen.counts.excludedRecent + frozen.counts.noQuota).toBeGreaterThanOrEqual(
        filters.withAll && !filters.checkedSince ? 0 : 1,
      );
    }
    // With no other task open, nothing is flagged or left out for it: the same pool as if none had been drawn —
    // with a class quota, and with none (every line then kept, in one stratum).
    for (const classes of [['C'], []] as RiskClass[][]) {
      const filters = { scope, classes, withAll: true, checkedSince: null, excludeOpen: true };
      const stratum = (r: (typeof library)[number]) =>
        (classes as string[]).includes(r.risk_class ?? '') ? (r.risk_class as Stratum) : 'all';
      const alone = canonicalPool(library.map((r) => ({ id: r.code, stratum: stratum(r) }))).toString('utf8');
      const sizes: Record<string, number> = {};
      for (const r of library) sizes[stratum(r)] = (sizes[stratum(r)] ?? 0) + 1;
      await expect(
        h.db.transaction(async (tx) => {
          const draws = drawRepo(tx as unknown as Db);
          await tx.execute(sql`update tasks set state = 'cancelled' where id <> ${taskId}`);
          const [draw] = rowsOf<{ id: number }>(
            await tx.execute(sql`insert into draws (task_id, kind, department_id, state, algorithm, filters,
                strata, split, pool_size, pool_hash, bot_entropy, bot_commitment, reveal_at)
              select ${taskId}, 'targets', lead_department_id, 'superseded', 'jointcheck-draw/1', '{}', '[]', '{}',
                0, '', '', '', now() from tasks where id = ${taskId}
              returning id`),
          );
          const frozen = await draws.freezeTargets(draw!.id, taskId, filters);
          expect((await draws.poolBytes(draw!.id)).toString()).toBe(alone);
          expect(frozen.hash).toBe(sha256(alone));
          expect(frozen.sizes).toEqual(sizes);
          expect(frozen.counts).toEqual({
            inScope: library.length,
            excludedRecent: 0,
            openElsewhere: 0,
            noQuota: 0,
          });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
    }
  });
});
