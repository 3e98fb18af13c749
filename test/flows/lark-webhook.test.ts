// Lark end to end, in process: signed, encrypted pushes → hono webhook → dispatcher → database → outbox →
// the real Lark SDK → a fake Lark server on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/app/demo.ts';
import { parseConfig } from '../../src/config.ts';
import { type BuiltApp, buildApp } from '../../src/main.ts';
import { openDb } from '../../src/store/db.ts';
import { createStore } from '../../src/store/store.ts';
import { type FakeLark, startFakeLark } from '../support/fake-lark.ts';
import { captureLogger } from '../support/harness.ts';
import {
  BOT_OPEN_ID,
  cardActionEvent,
  challenge,
  ENCRYPT_KEY,
  encrypt,
  messageEvent,
  signedRequest,
  VERIFICATION_TOKEN,
} from '../support/lark-events.ts';
import { freshDb, onPostgres, type TestDb } from '../support/test-db.ts';
import { targetRows } from '../support/workflow.ts';

let fake: FakeLark;
let db: TestDb;
let built: BuiltApp;
let logs: ReturnType<typeof captureLogger>['lines'];

const config = () =>
  parseConfig({
    LARK_APP_ID: 'cli_a1b2c3d4e5f6a7b8',
    LARK_APP_SECRET: 'app-secret-value',
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    LARK_DOMAIN: fake.url,
  });

async function build(opened = db): Promise<BuiltApp> {
  const capture = captureLogger();
  logs = capture.lines;
  const app = await buildApp(config(), opened, { logger: capture.logger, retryMs: 20 });
  await app.start();
  return app;
}

beforeEach(async () => {
  fake = await startFakeLark({ botOpenId: BOT_OPEN_ID });
  db = await freshDb();
  await seedDemo(createStore(db.db), 'lark', { kind: 'system', id: 'test' });
  built = await build();
});
afterEach(async () => {
  await built.stop();
  await db.close();
  await fake.close();
});

async function push(payload: unknown, options: Parameters<typeof signedRequest>[1] = {}, app = built) {
  const { body, headers } = signedRequest(payload, options);
  return app.app.request('/webhook/lark', { method: 'POST', body, headers });
}

/** Waits for everything pushed so far to be processed and sent. */
async function settle(app = built) {
  await app.receiver!.idle();
  await app.flush();
}

const office = 'zhou.mingyuan';
const liaison = 'zhao.qiang';

function findButton(content: string, label: string): unknown {
  const stack: unknown[] = [JSON.parse(content)];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const o = node as Record<string, unknown>;
    if (o.tag === 'button' && String((o.text as { content?: string })?.content).includes(label)) {
      return (o.behaviors as { value: unknown }[])[0]!.value;
    }
    stack.push(...Object.values(o));
  }
  throw new Error(`no button ${label}`);
}

async function countRows(table: string) {
  const result = await db.db.execute(
    (await import('drizzle-orm')).sql.raw(`select count(*)::int as n from ${table}`),
  );
  const rows = Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows;
  return Number((rows[0] as { n: number }).n);
}

describe('the Lark webhook', () => {
  it('answers the URL challenge, plain and encrypted', async () => {
    const plain = await built.app.request('/webhook/lark', {
      method: 'POST',
      body: JSON.stringify(challenge('c1')),
    });
    expect(await plain.json()).toEqual({ challenge: 'c1' });
    const encrypted = await built.app.request('/webhook/lark', {
      method: 'POST',
      body: JSON.stringify({ encrypt: encrypt(challenge('c2')) }),
    });
    expect(await encrypted.json()).toEqual({ challenge: 'c2' });
  });

  it('refuses a forged signature, a tampered body and another key: 401, nothing stored, nothing sent', async () => {
    const event = messageEvent({ text: '/help', from: office });
    expect((await push(event, { signWith: 'not-the-key' })).status).toBe(401);
    const { body, headers } = signedRequest(event);
    const tampered = body.replace(/.{4}"}$/, 'AAAA"}');
    expect(
      (await built.app.request('/webhook/lark', { method: 'POST', body: tampered, headers })).status,
    ).toBe(401);
    expect((await push(event, { key: 'another-apps-key' })).status).toBe(401);
    const { headers: unsigned } = signedRequest(event);
    const noSignature = { ...unsigned, 'x-lark-signature': '' };
    expect(
      (await built.app.request('/webhook/lark', { method: 'POST', body, headers: noSignature })).status,
    ).toBe(401);
    await settle();
    expect(await countRows('inbound_events')).toBe(0);
    expect(await countRows('outbox')).toBe(0);
    expect(fake.messages).toHaveLength(0);
  });

  it('answers /help in a direct chat with one card, and a repeated push with nothing more', async () => {
    const event = messageEvent({ text: '/help', from: office });
    const first = await push(event);
    expect(first.status).toBe(200);
    await settle();
    expect(fake.messages).toHaveLength(1);
    const [reply] = fake.messages;
    expect(reply).toMatchObject({
      via: 'reply',
      replyTo: event.event.message.message_id,
      msgType: 'interactive',
    });
    expect(reply!.uuid).toBe(`${event.event.message.message_id}#0`);
    const card = JSON.parse(reply!.content);
    expect(card.schema).toBe('2.0');
    expect(card.config.update_multi).toBe(true);
    expect(card.header.title.content).toBe('联络员机器人 · 帮助');

    expect((await push(event)).status).toBe(200);
    await settle();
    expect(fake.messages).toHaveLength(1);
  });

  it('in a group answers only when mentioned', async () => {
    await push(messageEvent({ text: '/help', from: office, chatType: 'group' }));
    await push(
      messageEvent({ text: '@_user_1 /whoami', from: office, chatType: 'group', mentions: [{ bot: true }] }),
    );
    await settle();
    expect(fake.messages).toHaveLength(1);
    expect(JSON.parse(fake.messages[0]!.content).header.title.content).toBe('我是 周明远');
  });

  it('keeps replies to a thread in that thread', async () => {
    await push(messageEvent({ text: '/whoami', from: office, threadId: 'omt_1', rootId: 'om_root' }));
    await settle();
    expect(fake.messages[0]).toMatchObject({ via: 'reply', replyInThread: true });
  });

  it('updates the card when a button is clicked', async () => {
    const help = messageEvent({ text: '/help', from: office });
    await push(help);
    await settle();
    const sent = fake.messages[0]!;
    const value = findButton(sent.content, '/member');
    const response = await push(
      cardActionEvent({ operator: office, messageId: sent.messageId, chatId: 'oc_p2p', value }),
    );
    const body = (await response.json()) as {
      card?: { type: string; data: { header: { title: { content: string } } } };
    };
    expect(body.card?.type).toBe('raw');
    // Lark markdown reads `<…>` as markup, so the renderer escapes it.
    expect(JSON.stringify(body.card?.data)).toContain('/member add @用户 &lt;部门&gt; &lt;角色&gt;');
  });

  it('refuses a click by someone whose role does not allow it, and changes nothing', async () => {
    await push(
      messageEvent({
        text: '/member remove @_user_1',
        from: office,
        mentions: [{ openId: 'li.na', name: '李娜' }],
      }),
    );
    await settle();
    const card = fake.messages[0]!;
    const value = findButton(card.content, '仍然移除');
    // The card was forwarded to a liaison of another department, who clicks it.
    const response = await push(
      cardActionEvent({ operator: liaison, messageId: card.messageId, chatId: 'oc_p2p', value }),
    );
    expect(await response.json()).toMatchObject({
      toast: { type: 'error', content: expect.stringContaining('没有权限') },
    });
    await settle();
    const store = createStore(db.db);
    expect((await store.people.findByChatAccount('lark', 'li.na'))?.roles).toContain('liaison');
    expect((await store.audit.list({ action: 'command.refused' })).at(-1)?.actor.id).toBe(`lark:${liaison}`);
  });

  it('retries a rate-limited send after the reset time and delivers it once, always with the same uuid', async () => {
    fake.fail('rate-limit', 'rate-limit-230020');
    const event = messageEvent({ text: '/whoami', from: office });
    await push(event);
    await settle();
    expect(fake.messages).toHaveLength(0);
    for (let i = 0; i < 40 && fake.messages.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await built.flush();
    }
    expect(fake.messages).toHaveLength(1);
    const uuids = new Set(fake.attempts.map((a) => a.uuid));
    expect(fake.attempts.length).toBeGreaterThanOrEqual(3);
    expect([...uuids]).toEqual([`${event.event.message.message_id}#0`]);
  });

  it('sends a rejected card again as text', async () => {
    fake.fail('card-reject');
    await push(messageEvent({ text: '/whoami', from: office }));
    await settle();
    await built.flush();
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]!.msgType).toBe('text');
    expect(JSON.parse(fake.messages[0]!.content).text).toContain('【我是 周明远】');
  });

  it('fetches a new tenant token when Lark revokes it, and never logs a token', async () => {
    await push(messageEvent({ text: '/whoami', from: office }));
    await settle();
    const fetched = fake.tokenFetches;
    fake.revokeToken();
    fake.fail('server-error');
    await push(messageEvent({ text: '/whoami', from: office }));
    await settle();
    for (let i = 0; i < 40 && fake.messages.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await built.flush();
    }
    expect(fake.messages).toHaveLength(2);
    expect(fake.tokenFetches).toBe(fetched + 1);
    expect(JSON.stringify(logs)).not.toMatch(/t-fake[0-9a-f]{6}|app-secret-value/);
  });

  it('updates a card by its delayed-update token while it lasts, then by patching the message', async () => {
    const card = { header: { title: '已更新' }, elements: [] };
    for (let i = 0; i < 3; i++) await built.platform.updateCard('om_card', card, `k${i}`, 'c-token');
    expect(fake.tokenUpdates).toHaveLength(2);
    expect(fake.patches.map((p) => p.messageId)).toEqual(['om_card']);
  });

  it('keeps a file sent to the bot, once', async () => {
    const event = messageEvent({ text: '', from: office });
    event.event.message.message_type = 'file';
    event.event.message.content = JSON.stringify({ file_key: 'file_v2_1', file_name: '检查对象名录库.xlsx' });
    await push(event);
    await push(event);
    expect(await countRows('chat_files')).toBe(1);
  });

  it('imports a spreadsheet the user sent in the chat', async () => {
    fake.files.set(
      'file_v2_targets',
      Buffer.from('企业名称,统一社会信用代码\n比亚迪股份有限公司,91440300192317458F\n'),
    );
    const file = messageEvent({ text: '', from: office, chatId: 'oc_p2p_office' });
    file.event.message.message_type = 'file';
    file.event.message.content = JSON.stringify({ file_key: 'file_v2_targets', file_name: '名录库.csv' });
    await push(file);
    await push(messageEvent({ text: '/import targets', from: office, chatId: 'oc_p2p_office' }));
    await settle();
    // One card: sent as "正在导入", then patched into the report.
    const progress = fake.messages.at(-1)!;
    expect(JSON.parse(progress.content).header.title.content).toBe('正在导入 · 检查对象名录库');
    for (let i = 0; i < 30 && !fake.patches.some((p) => p.messageId === progress.messageId); i++) {
      await new Promise((r) => setTimeout(r, 100));
      await built.flush();
    }
    const report = fake.patches.filter((p) => p.messageId === progress.messageId).at(-1)!;
    expect(JSON.parse(report.content).header.title.content).toBe('导入完成 · 检查对象名录库');
    expect((await createStore(db.db).targets.findByCode('91440300192317458F'))?.name).toBe(
      '比亚迪股份有限公司',
    );
  });

  it('sends the error list of a refused import as a file, uploaded once and sent once', async () => {
    fake.files.set(
      'file_v2_bad',
      Buffer.from(
        '企业名称,统一社会信用代码\n比亚迪股份有限公司,91440300192317458F\n坏代码公司,91440300192317458A\n',
      ),
    );
    const file = messageEvent({ text: '', from: office, chatId: 'oc_p2p_office' });
    file.event.message.message_type = 'file';
    file.event.message.content = JSON.stringify({ file_key: 'file_v2_bad', file_name: '名录库-有错.csv' });
    await push(file);
    await push(messageEvent({ text: '/import targets', from: office, chatId: 'oc_p2p_office' }));
    let sent: (typeof fake.messages)[number] | undefined;
    for (let i = 0; i < 40 && !sent; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await built.flush();
      sent = fake.messages.find((m) => m.msgType === 'file');
    }
    const key = JSON.parse(sent!.content).file_key as string;
    const upload = fake.uploads.get(key)!;
    expect(upload.name).toBe('名录库-有错-错误.csv');
    expect(upload.type).toBe('stream');
    expect(upload.bytes.toString('utf8')).toContain('"3","统一社会信用代码/注册号"');
    expect(fake.messages.filter((m) => m.msgType === 'file')).toHaveLength(1);
    expect(await createStore(db.db).targets.findByCode('91440300192317458F')).toBeUndefined();
  });

  it('a liaison fills the plan form through the card callback and submits; the office files it; both cards follow', async () => {
    const store = createStore(db.db);
    const swj = (await store.departments.find('swj'))!;
    const [m1, m2] = await store.matters.list();
    await push(messageEvent({ text: '/plan new', from: 'lin.hai' }));
    await settle();
    const form = fake.messages[0]!;
    // Lark sends the form's fields as `form_value`: multi-selects as arrays, dates with their offset.
    const saved = await push(
      cardActionEvent({
        operator: 'lin.hai',
        messageId: form.messageId,
        chatId: 'oc_p2p_lin',
        value: findButton(form.content, '保存草稿'),
        form: {
          kind: 'joint',
          year: '2027',
          name: '2027 年食品经营单位部门联合抽查',
          participants: [String(swj.id)],
          matters: [String(m1!.id), String(m2!.id)],
          ratioA: '3',
          ratioD: '10',
          ratioAll: '5',
          rounding: 'up',
          periodStart: '2027-04-01 +0800',
          periodEnd: '2027-10-31 +0800',
          batches: '2',
        },
      }),
    );
    const draft = (await saved.json()) as { toast: { type: string }; card: { data: unknown } };
    expect(draft.toast.type).toBe('success');
    const draftCard = JSON.stringify(draft.card.data);
    expect(draftCard).toContain('草稿');
    await settle();

    const submitted = await push(
      cardActionEvent({
        operator: 'lin.hai',
        messageId: form.messageId,
        chatId: 'oc_p2p_lin',
        value: findButton(draftCard, '报送备案'),
      }),
    );
    expect(JSON.stringify(((await submitted.json()) as { card: { data: unknown } }).card.data)).toContain(
      '已报送',
    );
    await settle();
    // No office group chat yet: each office member gets the plan in a direct message.
    const toOffice = fake.messages.find((m) => m.receiveId === office)!;
    expect(toOffice.content).toContain('已报送');
    const filed = await push(
      cardActionEvent({
        operator: office,
        messageId: toOffice.messageId,
        chatId: 'oc_p2p_zhou',
        value: findButton(toOffice.content, '备案'),
      }),
    );
    expect(JSON.stringify(((await filed.json()) as { card: { data: unknown } }).card.data)).toContain(
      '已备案',
    );
    await settle();
    // The liaison's card (the form message) was patched in place to the filed plan.
    const liaisonCard = fake.patches.filter((p) => p.messageId === form.messageId).at(-1)!;
    expect(liaisonCard.content).toContain('已备案');
    const steps = (await store.audit.list({ limit: 50 }))
      .filter((e) => e.subject?.startsWith('plan:'))
      .map((e) => e.action);
    expect(steps).toEqual(['plan.create', 'plan.submit', 'plan.file']);
  });

  it('launches a task in a group through the card callback; a liaison declines; the office rules', async () => {
    const store = createStore(db.db);
    const scjgj = (await store.departments.find('scjgj'))!;
    const swj = (await store.departments.find('swj'))!;
    const [m1] = await store.matters.list();
    const lead = (await store.people.findByChatAccount('lark', 'lin.hai'))!;
    // A filed joint plan in an approved joint annual plan (their own steps are tested elsewhere).
    const plan = await store.plans.create({
      kind: 'joint',
      year: 2027,
      name: '2027 年食品经营单位部门联合抽查',
      leadDepartmentId: scjgj.id,
      participantIds: [swj.id],
      matterIds: [m1!.id],
      scope: { objectTypes: [], industries: [], areas: [], tags: [] },
      ratios: { all: 5 },
      counts: {},
      rounding: 'up',
      periodStart: '2027-03-01',
      periodEnd: '2027-11-30',
      batches: 1,
      createdBy: lead.id,
    });
    await store.plans.update(plan.id, plan.version, { state: 'filed' });
    const annual = await store.jointPlans.create({
      year: 2027,
      revision: 1,
      planIds: [plan.id],
      planVersions: `${plan.id}@v2`,
      rows: [],
      under: [],
      compiledBy: null,
    });
    await store.jointPlans.update(annual.id, annual.version, {
      state: 'approved',
      docNo: '天政字〔2027〕3号',
    });

    await push(
      messageEvent({
        text: `@_user_1 /task new ${plan.id}`,
        from: 'lin.hai',
        chatType: 'group',
        chatId: 'oc_food',
        mentions: [{ bot: true }],
      }),
    );
    await settle();
    const form = fake.messages[0]!;
    const launched = await push(
      cardActionEvent({
        operator: 'lin.hai',
        messageId: form.messageId,
        chatId: 'oc_food',
        value: findButton(form.content, '发起任务'),
        form: {
          name: '2027 年食品经营单位联合抽查',
          windowStart: '2027-04-01 +0800',
          windowEnd: '2027-06-30 +0800',
          teams: '2',
          [`per_${scjgj.id}`]: '2',
          [`per_${swj.id}`]: '1',
          certificateHolders: '2',
          acceptanceDays: '3',
        },
      }),
    );
    expect(JSON.stringify(((await launched.json()) as { card: { data: unknown } }).card.data)).toContain(
      '会审中',
    );
    await settle();
    const toWang = fake.messages.find((m) => m.receiveId === 'wang.xiaoming')!;
    expect(toWang.content).toContain('区商务局');
    const declined = await push(
      cardActionEvent({
        operator: 'wang.xiaoming',
        messageId: toWang.messageId,
        chatId: 'oc_p2p_wang',
        value: findButton(toWang.content, '拒绝'),
        form: { reason: '同期开展专项整治' },
      }),
    );
    expect(((await declined.json()) as { toast: { type: string } }).toast.type).toBe('success');
    // A second click on the answered card changes nothing.
    const again = await push(
      cardActionEvent({
        operator: 'wang.xiaoming',
        messageId: toWang.messageId,
        chatId: 'oc_p2p_wang',
        value: findButton(toWang.content, '接受'),
      }),
    );
    expect(((await again.json()) as { toast: { type: string } }).toast.type).toBe('warning');
    await settle();
    expect(fake.messages.some((m) => m.receiveId === 'lin.hai' && m.content.includes('拒绝参加任务'))).toBe(
      true,
    );
    const ruling = fake.messages.find((m) => m.receiveId === office && m.content.includes('请裁定'))!;
    const ruled = await push(
      cardActionEvent({
        operator: office,
        messageId: ruling.messageId,
        chatId: 'oc_p2p_zhou',
        value: findButton(ruling.content, '提交裁定'),
        form: { decision: 'keep', ruling: '请统筹安排' },
      }),
    );
    expect(((await ruled.json()) as { toast: { type: string } }).toast.type).toBe('success');
    await settle();
    // The root card in the group was patched in place: review finished.
    expect(fake.patches.filter((p) => p.messageId === form.messageId).at(-1)!.content).toContain(
      '待抽取检查对象',
    );
    const parts = await store.tasks.departments(1);
    expect(parts.map((p) => [p.state, p.reason, p.ruling])).toEqual([
      ['kept', '同期开展专项整治', '请统筹安排'],
    ]);

    // The target draw in the same group, on a library of 10,000 more targets: the notice, each department
    // contributes from its copy of the notice (so the lead may draw before the reveal time), the lead draws 5%;
    // the receipt and the lists go out as files.
    const rows = targetRows('LK', '飞书测试商贸有限公司', 10_000);
    await store.transaction((tx) => tx.targets.upsertMany(rows));
    await push(
      messageEvent({
        text: '@_user_1 /draw targets 1',
        from: 'lin.hai',
        chatType: 'group',
        chatId: 'oc_food',
        mentions: [{ bot: true }],
      }),
    );
    await settle();
    const notice = fake.messages.find((m) => m.receiveId === 'oc_food' && m.content.includes('抽取公告'))!;
    const wangNotice = fake.messages.find(
      (m) => m.receiveId === 'wang.xiaoming' && m.content.includes('抽取公告'),
    )!;
    for (const [operator, card, chatId] of [
      ['lin.hai', notice, 'oc_food'],
      ['wang.xiaoming', wangNotice, 'oc_p2p_wang'],
    ] as const) {
      const given = await push(
        cardActionEvent({
          operator,
          messageId: card.messageId,
          chatId,
          value: findButton(card.content, '提交随机数'),
          form: { contribution: `${operator} 20270301` },
        }),
      );
      expect(((await given.json()) as { toast: { content: string } }).toast.content).toContain('已收到');
    }
    const drawn = await push(
      cardActionEvent({
        operator: 'lin.hai',
        messageId: notice.messageId,
        chatId: 'oc_food',
        value: findButton(notice.content, '抽取'),
      }),
    );
    expect(JSON.stringify(await drawn.json())).toContain('抽取结果');
    await settle();
    const fileTo = (receiveId: string, suffix: string) => {
      const sent = fake.messages.find(
        (m) =>
          m.receiveId === receiveId &&
          m.msgType === 'file' &&
          fake.uploads.get(JSON.parse(m.content).file_key)!.name.endsWith(suffix),
      );
      return sent && fake.uploads.get(JSON.parse(sent.content).file_key)!.bytes;
    };
    const { targetReceipt, verifyReceiptFile } = await import('../../src/app/draw-files.ts');
    const { receipt: read, problems } = verifyReceiptFile(fileTo('oc_food', '.json')!.toString('utf8'));
    const receipt = targetReceipt(read);
    expect(problems).toEqual([]);
    expect(receipt.seed.inputs.map((i) => i.label).sort()).toEqual(['entropy', 'scjgj', 'swj']);
    expect(receipt.pool.size).toBe(10_010);
    expect(receipt.picks).toHaveLength(Math.ceil(10_010 * 0.05));
    expect(fileTo('wang.xiaoming', '.xlsx')).toBeDefined();
    expect(
      fake.messages.some((m) => m.receiveId === 'wang.xiaoming' && m.content.includes('检查对象名单')),
    ).toBe(true);
  });

  it('handles a repeated push once after a restart', async () => {
    const event = messageEvent({ text: '/whoami', from: office });
    await push(event);
    await settle();
    await built.stop();
    built = await build();
    await push(event);
    await settle();
    expect(fake.messages).toHaveLength(1);
  });

  it.runIf(onPostgres)(
    'with two instances on one database, handles each event once and sends each message once',
    async () => {
      const second = await openDb({ databaseUrl: db.url!, migrate: false });
      const other = await build(second);
      try {
        const event = messageEvent({ text: '/whoami', from: office });
        await Promise.all([push(event), push(event, {}, other)]);
        await Promise.all([settle(), settle(other)]);
        expect(fake.messages).toHaveLength(1);
      } finally {
        await other.stop();
        await second.close();
      }
    },
  );
});
