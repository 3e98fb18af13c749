// /targets 对象 — search the target library by a piece of the name (two characters are enough) or by code.
import { z } from 'zod';
import { searchTargets, TARGET_RESULTS } from '../src/app/registers.ts';
import { card, defineCommand, subcommand } from '../src/bot/define-command.ts';
import { note } from '../src/cards/card.ts';

const riskLabels: Record<string, string> = { A: 'A（低）', B: 'B（一般）', C: 'C（较高）', D: 'D（高）' };

export const targets = defineCommand({
  name: 'targets',
  aliases: ['对象', '检查对象'],
  summary: '在检查对象名录库中按名称或代码查找',
  subcommands: [
    subcommand({
      name: '',
      summary: '按名称中的任意两个以上的字或统一社会信用代码/注册号查找检查对象',
      usage: '/targets <名称或代码>',
      examples: ['/targets 潘天寿', '/targets 913301007161035748'],
      access: 'bound',
      params: [{ name: 'query', label: '名称或代码' }],
      args: z.object({ query: z.string({ error: '请输入名称中的两个字或代码' }) }),
      async handle({ args, services }) {
        const { targets: found, more } = await searchTargets(services.store, args.query);
        return card({
          header: { title: `检查对象 · “${args.query}”`, color: found.length > 0 ? 'blue' : 'grey' },
          elements: [
            {
              type: 'table',
              columns: [
                { key: 'name', label: '名称' },
                { key: 'code', label: '代码' },
                { key: 'area', label: '片区/管辖' },
                { key: 'risk', label: '信用风险' },
                { key: 'status', label: '状态' },
              ],
              rows: found.map((t) => ({
                name: t.name,
                code: t.code,
                area: t.area ?? t.jurisdiction ?? '',
                risk: t.riskClass ? (riskLabels[t.riskClass] ?? t.riskClass) : '',
                status: t.active ? t.status : `${t.status}（已停用）`,
              })),
              empty: '没有找到。可以换名称中的另外两个字，或输入完整代码。',
            },
            ...(more ? [note(`结果较多，只显示前 ${TARGET_RESULTS} 条；请输入更多的字缩小范围。`)] : []),
          ],
        });
      },
    }),
  ],
});
