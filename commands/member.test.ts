import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText, createHarness, type Harness, users } from '../test/support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('/member', () => {
  it('lets the office bind an unbound user to a department and role', async () => {
    const reply = h.only(await h.send('/member add @钱多多 区商务局 经办人', users.office));
    expect(cardText(reply.card)).toContain('钱多多（天桥区商务局）现在的角色：经办人');
    const who = h.only(await h.send('/whoami', users.unbound));
    expect(cardText(who.card)).toContain('天桥区商务局');
    const entries = await h.store.audit.list({ action: 'member.bind' });
    expect(entries.at(-1)?.details).toMatchObject({ department: 'swj', role: 'operator' });
  });

  it('opens a form when /member add is typed alone, and binds from it', async () => {
    const form = h.only(await h.send('/member add', users.office));
    expect(cardText(form.card)).toContain('聊天账号');
    const missing = await h.click(form, '绑定', users.office, { userId: users.unbound2.userId });
    expect(missing.toast).toMatchObject({ type: 'warning', text: expect.stringContaining('请选择部门') });
    const done = await h.click(form, '绑定', users.office, {
      userId: users.unbound2.userId,
      department: 'wjj',
      role: 'inspector',
    });
    expect(done.toast?.type).toBe('success');
    expect(cardText(form.card)).toContain('冯小雨（天桥区卫生健康局）现在的角色：检查人员');
    expect((await h.store.people.findByChatAccount('memory', users.unbound2.userId))?.roles).toEqual([
      'inspector',
    ]);
  });

  it('accepts the Chinese command and subcommand names', async () => {
    const reply = h.only(await h.send('成员 列表 区商务局', users.office));
    expect(cardText(reply.card)).toContain('王晓明');
    expect(cardText(reply.card)).not.toContain('林海');
  });

  it('refuses a liaison who tries /member add, changes nothing, and audits the refusal', async () => {
    const before = await h.store.people.listBound();
    const reply = h.only(await h.send('/member add @冯小雨 区商务局 联络员', users.liaison));
    expect(cardText(reply.card)).toContain('没有权限');
    expect(await h.store.people.listBound()).toEqual(before);
    const refused = await h.store.audit.list({ action: 'command.refused' });
    expect(refused.at(-1)).toMatchObject({ outcome: 'refused', subject: '/member add' });
    expect(refused.at(-1)?.actor.id).toBe(`memory:${users.liaison.userId}`);
  });

  it('answers bad arguments with the usage and the first problem', async () => {
    const noUser = h.only(await h.send('/member add 区商务局 联络员', users.office));
    expect(cardText(noUser.card)).toContain('请 @ 要操作的用户');
    expect(cardText(noUser.card)).toContain('/member add @用户 <部门> <角色>');
    const badRole = h.only(await h.send('/member add @冯小雨 区商务局 局长', users.office));
    expect(cardText(badRole.card)).toContain('“局长”不是角色');
    const badDept = h.only(await h.send('/member add @冯小雨 区外交局 联络员', users.office));
    expect(cardText(badDept.card)).toContain('未找到部门“区外交局”');
  });

  it('asks for a successor before removing a department’s last liaison', async () => {
    // 区商务局 has one liaison (王晓明) and, from the first test, an operator (钱多多).
    const ask = h.only(await h.send('/member remove @王晓明 联络员', users.office));
    expect(cardText(ask.card)).toContain('唯一的联络员');
    expect((await h.store.people.findByChatAccount('memory', users.liaison.userId))?.roles).toContain(
      'liaison',
    );

    const stale = structuredClone(ask);
    const successor = (await h.store.people.findByChatAccount('memory', users.unbound.userId))!;
    const done = await h.click(ask, '指定继任者并移除', users.office, { successorId: String(successor.id) });
    expect(done.toast?.type).toBe('success');
    expect(cardText(ask.card)).toContain('钱多多** 已成为 天桥区商务局 的联络员');
    expect((await h.store.people.findByChatAccount('memory', users.unbound.userId))?.roles).toContain(
      'liaison',
    );
    // 王晓明 had no other role, so the binding itself is gone.
    expect(await h.store.people.findByChatAccount('memory', users.liaison.userId)).toBeUndefined();

    // The same card clicked again acts on a stale version and is refused.
    const again = await h.click(stale, '仍然移除', users.office);
    expect(again.toast?.text).toContain('已不再绑定');
    expect(cardText(stale.card)).toContain('王晓明** 已不再绑定');
  });

  it('refuses a card click by someone without the role, even on a card shown to the office', async () => {
    const ask = h.only(await h.send('/member remove @李娜', users.office));
    const click = await h.click(ask, '仍然移除', { userId: 'zhao.qiang', name: '赵强' });
    expect(click.toast?.text).toContain('没有权限');
    expect((await h.store.people.findByChatAccount('memory', 'li.na'))?.roles).toContain('liaison');
  });

  it('never removes the last office member', async () => {
    h.only(await h.send('/member remove @陈静 办公室', users.office));
    const reply = h.only(await h.send('/member remove @周明远 办公室', users.office));
    expect(cardText(reply.card)).toContain('最后一位联席会议办公室成员');
  });
});
