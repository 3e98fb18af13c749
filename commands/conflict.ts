// /conflict 回避 — an inspector's declared conflict with a target (seed 000 art. 19: 回避): never drawn to check it.
import { z } from 'zod';
import { declareConflict } from '../src/app/inspector-status.ts';
import { card, defineCommand, subcommand } from '../src/bot/define-command.ts';
import { md, note } from '../src/cards/card.ts';
import { acting } from './inspectors.ts';

export const conflict = defineCommand({
  name: 'conflict',
  aliases: ['回避'],
  summary: '申报检查人员与检查对象的利害关系（回避）',
  subcommands: [
    subcommand({
      name: 'add',
      aliases: ['申报', '添加'],
      summary: '申报回避：抽取检查人员时，此人不会被派去检查该对象',
      usage: '/conflict add <姓名> <对象代码或名称> [原因]',
      examples: ['/conflict add 刘洋 913301007161035748 亲属任职'],
      access: ['inspector', 'liaison', 'office'],
      params: [
        { name: 'name', label: '姓名' },
        { name: 'target', label: '检查对象' },
        { name: 'reason', label: '原因' },
      ],
      args: z.object({ name: z.string(), target: z.string(), reason: z.string().optional() }),
      async handle({ args, actor, services, source }) {
        const { person, target, added } = await declareConflict(services.store, acting(actor), {
          name: args.name,
          target: args.target,
          ...(args.reason ? { reason: args.reason } : {}),
          source: source.messageId,
          at: services.clock.now(),
        });
        return card({
          header: { title: added ? '已申报回避' : '已申报过', color: added ? 'green' : 'grey' },
          elements: [
            md(
              `**${person.name}** 与 **${target.name}**（${target.code}）${added ? '已登记回避' : '的回避此前已登记'}。`,
            ),
            note('抽取检查人员时，回避的人员不会被派去检查该对象；抽取回执会记录排除原因。'),
          ],
        });
      },
    }),
  ],
});
