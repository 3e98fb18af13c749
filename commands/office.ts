// /office 办公室 — the office designates its group chat once: filing cards, compile results and digests go there.
import { z } from 'zod';
import { officeChat } from '../src/app/card-copies.ts';
import { designateOfficeChat } from '../src/app/plans.ts';
import { auditActor, card, defineCommand, subcommand } from '../src/bot/define-command.ts';
import { md, note } from '../src/cards/card.ts';
import { DomainError } from '../src/domain/errors.ts';

export const office = defineCommand({
  name: 'office',
  aliases: ['办公室'],
  summary: '设定联席会议办公室的工作群',
  subcommands: [
    subcommand({
      name: 'here',
      aliases: ['这里', '本群'],
      summary: '把当前群设为办公室工作群（在群里发送）',
      usage: '/office here',
      examples: ['/office here'],
      access: ['office'],
      args: z.object({}),
      async handle({ actor, source, services }) {
        if (source.chatType !== 'group') {
          throw new DomainError('OFFICE_NOT_GROUP', '请在办公室的工作群里发送这条命令（需要先 @机器人）。');
        }
        const before = await officeChat(services.store, services.platform);
        await designateOfficeChat(services, source.chatId, auditActor(actor));
        return card({
          header: { title: '已设为办公室工作群', color: 'green' },
          elements: [
            md('计划备案、年度计划汇编结果和每周进度汇总将发到这个群。'),
            ...(before && before !== source.chatId ? [note('此前设定的工作群不再接收这些消息。')] : []),
          ],
        });
      },
    }),
  ],
});
