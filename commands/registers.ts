// /registers 名录 — the office's check of the registers (一单两库) before draws rely on them.
import { z } from 'zod';
import { EXPIRY_WARNING_DAYS, registerWarnings } from '../src/app/register-warnings.ts';
import { card, defineCommand, subcommand } from '../src/bot/define-command.ts';
import { type Element, md, note } from '../src/cards/card.ts';
import { localDate } from '../src/domain/local-date.ts';

const MAX_ROWS = 15;

function section(title: string, lines: string[], empty: string): Element[] {
  if (lines.length === 0) return [md(`**${title}**：${empty}`)];
  const shown = lines.slice(0, MAX_ROWS).join('\n');
  return [
    md(
      `**${title}**（${lines.length}）\n${shown}${lines.length > MAX_ROWS ? `\n……另有 ${lines.length - MAX_ROWS} 条` : ''}`,
    ),
  ];
}

export const registers = defineCommand({
  name: 'registers',
  aliases: ['名录', '名录检查'],
  summary: '检查一单两库：证件到期、缺资格标签、非存续对象、无人可查的事项',
  subcommands: [
    subcommand({
      name: '',
      summary: '列出名录中需要办公室处理的问题',
      usage: '/registers',
      access: ['office'],
      args: z.object({}),
      async handle({ services }) {
        const today = localDate(services.clock.now(), services.timeZone);
        const w = await registerWarnings(services.store, today);
        const problems = w.expiring.length + w.untagged.length + w.unstaffed.length;
        return card({
          header: { title: '名录检查', subtitle: today, color: problems > 0 ? 'orange' : 'green' },
          elements: [
            ...section(
              `执法证已过期或 ${EXPIRY_WARNING_DAYS} 天内到期`,
              w.expiring.map(
                (e) =>
                  `${e.department} ${e.name}：${e.expired ? '已于' : '将于'} ${e.until} ${e.expired ? '过期' : '到期'}`,
              ),
              '没有',
            ),
            ...section(
              '没有执法类别（资格标签）的检查人员',
              w.untagged.map((u) => `${u.department} ${u.name}`),
              '没有',
            ),
            ...section(
              '本部门无人具备资格的抽查事项',
              w.unstaffed.map(
                (u) =>
                  `${u.department}：${u.matter}${u.tags.length ? `（需要 ${u.tags.join('、')}）` : '（该部门没有检查人员）'}`,
              ),
              '没有',
            ),
            ...section(
              '状态不是“存续”的检查对象（不会被抽取）',
              w.notOperating.map((s) => `${s.status}：${s.count} 户`),
              '没有',
            ),
            note('导入新名录后可再次检查。'),
          ],
        });
      },
    }),
  ],
});
