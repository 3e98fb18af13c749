import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText, createHarness, type Harness, users } from '../test/support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('/help and the command core', () => {
  it('shows the office every command and an unbound user only what they may use', async () => {
    const office = h.only(await h.send('/help', users.office));
    expect(cardText(office.card)).toContain('/member');
    const stranger = h.only(await h.send('帮助', users.unbound));
    expect(cardText(stranger.card)).toContain('/whoami');
    expect(cardText(stranger.card)).not.toContain('/member');
  });

  it('opens a command’s usage from the help card’s button', async () => {
    const card = h.only(await h.send('/help', users.office));
    const clicked = await h.click(card, '/member', users.office);
    expect(cardText(clicked.card)).toContain('/member add @用户 <部门> <角色>');
  });

  it('answers a misspelt command with the closest command', async () => {
    const reply = h.only(await h.send('/memeber list', users.office));
    expect(cardText(reply.card)).toContain('您是不是要找 **/member 成员**');
    const sub = h.only(await h.send('/member lsit', users.office));
    expect(cardText(sub.card)).toContain('您是不是要用 list');
  });

  it('tells an unbound user who can bind them', async () => {
    const reply = h.only(await h.send('/member list', users.unbound));
    expect(cardText(reply.card)).toContain('请联系联席会议办公室为您绑定：周明远（天桥区市场监督管理局）');
  });

  it('strips the bot mention in a group and answers there', async () => {
    const reply = h.only(
      await h.send('@机器人 /whoami', users.liaison, { chatId: 'group:office', chatType: 'group' }),
    );
    expect(reply.to).toEqual({ chatId: 'group:office' });
    expect(cardText(reply.card)).toContain('我是 王晓明');
  });

  it('handles a repeated delivery of the same message once', async () => {
    const msg = {
      kind: 'message' as const,
      platform: 'memory',
      eventKey: 'om_dup',
      messageId: 'om_dup',
      chatId: 'dm:x',
      chatType: 'p2p' as const,
      sender: users.office,
      text: '/whoami',
      mentions: [],
    };
    expect(await h.dispatcher.handleMessage(msg)).toBe('processed');
    expect(await h.dispatcher.handleMessage(msg)).toBe('duplicate');
    await h.sender.drain();
    expect(h.platform.sent.filter((m) => m.replyTo === 'om_dup')).toHaveLength(1);
  });

  it('answers a message whose process died after accepting it, once', async () => {
    const msg = {
      kind: 'message' as const,
      platform: 'memory',
      eventKey: 'om_crashed',
      messageId: 'om_crashed',
      chatId: 'dm:x',
      chatType: 'p2p' as const,
      sender: users.office,
      text: '/whoami',
      mentions: [],
    };
    // The process accepted (and acknowledged) the event, then died before handling it.
    await h.store.inbound.accept('memory:msg:om_crashed', msg);
    expect(await h.dispatcher.handleMessage(msg)).toBe('duplicate');
    expect(await h.dispatcher.recoverStale(new Date(Date.now() - 60_000))).toBe(0);
    expect(await h.dispatcher.recoverStale(new Date(Date.now() + 1_000))).toBe(1);
    expect(await h.dispatcher.recoverStale(new Date(Date.now() + 1_000))).toBe(0);
    await h.sender.drain();
    expect(h.platform.sent.filter((m) => m.replyTo === 'om_crashed')).toHaveLength(1);
  });

  it('shows a generic card with an error id when something unexpected breaks', async () => {
    const original = h.store.people.findByChatAccount;
    h.store.people.findByChatAccount = async () => {
      throw new Error('database went away');
    };
    try {
      const reply = h.only(await h.send('/whoami', users.office));
      const id = /编号 ([0-9A-F]{8})/.exec(cardText(reply.card))?.[1];
      expect(id).toBeDefined();
      expect(h.logs.find((l) => l.level === 'error' && l.fields?.errorId === id)?.fields?.stack).toContain(
        'database went away',
      );
    } finally {
      h.store.people.findByChatAccount = original;
    }
  });
});
