// /help 帮助 — built from the registry: shows only what the asking user's roles allow.
import { z } from 'zod';
import {
  type Actor,
  action,
  type Command,
  card,
  defineCommand,
  isAllowed,
  subcommand,
} from '../src/bot/define-command.ts';
import { findCommand } from '../src/bot/dispatch.ts';
import { actions, type Card, md, note } from '../src/cards/card.ts';
import { usageCard } from '../src/cards/common.ts';
import { formatRoles } from '../src/domain/roles.ts';

function visible(command: Command, actor: Actor) {
  return command.subcommands.filter((s) => isAllowed(s.access, actor));
}

export function helpCard(commands: readonly Command[], actor: Actor): Card {
  const shown = commands.filter((c) => visible(c, actor).length > 0);
  const who = actor.person
    ? `${actor.person.name}（${actor.department?.name ?? ''}，${formatRoles(actor.person.roles)}）`
    : `${actor.name}（尚未绑定）`;
  return {
    header: { title: '联络员机器人 · 帮助', subtitle: who, color: 'blue' },
    elements: [
      md(shown.map((c) => `**/${c.name} ${c.aliases[0] ?? ''}** — ${c.summary}`).join('\n')),
      actions(
        ...shown.map((c) => ({
          label: `/${c.name} ${c.aliases[0] ?? ''}`.trim(),
          value: { cmd: 'help', action: 'show', command: c.name },
        })),
      ),
      note('命令可以用英文或中文，例如 /whoami 或 我是谁；在群里请先 @机器人。点按钮查看每个命令的用法。'),
    ],
  };
}

function commandHelpCard(command: Command, actor: Actor): Card {
  const lines = visible(command, actor);
  const usage = usageCard(`用法：/${command.name} ${command.aliases[0] ?? ''}`.trim(), lines);
  return {
    ...usage,
    elements: [
      ...usage.elements,
      actions({ label: '返回全部命令', value: { cmd: 'help', action: 'index' } }),
    ],
  };
}

export const help = defineCommand({
  name: 'help',
  aliases: ['帮助', '?', '？'],
  summary: '查看可以使用的命令',
  subcommands: [
    subcommand({
      name: '',
      summary: '列出您可以使用的命令；带命令名时显示该命令的用法',
      usage: '/help [命令]',
      examples: ['/help', '/help member'],
      access: 'anyone',
      params: [{ name: 'command', label: '命令' }],
      args: z.object({ command: z.string().optional() }),
      async handle({ args, actor, commands }) {
        if (args.command) {
          const found = findCommand(commands, args.command.replace(/^[/／]/, '').toLowerCase());
          if (found && visible(found, actor).length > 0) return card(commandHelpCard(found, actor));
        }
        return card(helpCard(commands, actor));
      },
    }),
  ],
  actions: {
    show: action({
      access: 'anyone',
      value: z.object({ command: z.string() }),
      async handle({ value, actor, commands }) {
        const found = findCommand(commands, value.command);
        if (!found || visible(found, actor).length === 0) return { card: helpCard(commands, actor) };
        return { card: commandHelpCard(found, actor) };
      },
    }),
    index: action({
      access: 'anyone',
      value: z.object({}),
      async handle({ actor, commands }) {
        return { card: helpCard(commands, actor) };
      },
    }),
  },
});
