// /whoami 我是谁 — the account, its binding, and the roles the bot sees.
import { z } from 'zod';
import { card, defineCommand, subcommand } from '../src/bot/define-command.ts';
import { fields, note } from '../src/cards/card.ts';
import { formatRoles } from '../src/domain/roles.ts';

export const whoami = defineCommand({
  name: 'whoami',
  aliases: ['我是谁'],
  summary: '查看您的账号绑定和角色',
  subcommands: [
    subcommand({
      name: '',
      summary: '显示您的账号、所属部门和角色',
      usage: '/whoami',
      access: 'anyone',
      args: z.object({}),
      async handle({ actor }) {
        const bound = actor.person;
        return card({
          header: { title: bound ? `我是 ${bound.name}` : '尚未绑定', color: bound ? 'green' : 'orange' },
          elements: [
            fields([
              { label: '账号', value: `${actor.name}（${actor.userId}）` },
              { label: '部门', value: actor.department?.name ?? '未绑定' },
              { label: '角色', value: bound ? formatRoles(bound.roles) : '无' },
            ]),
            ...(bound ? [] : [note('请联系联席会议办公室绑定您的部门和角色；发送 /help 查看可用命令。')]),
          ],
        });
      },
    }),
  ],
});
