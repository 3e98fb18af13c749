// /matters 事项 — a department's matters list (随机抽查事项清单), a page at a time.
import { z } from 'zod';
import type { Department, Store } from '../src/app/ports.ts';
import { departmentOrOwn, pageOfMatters } from '../src/app/registers.ts';
import { action, card, defineCommand, subcommand } from '../src/bot/define-command.ts';
import { type Card, note } from '../src/cards/card.ts';
import { pager } from '../src/cards/common.ts';

async function mattersCard(store: Store, department: Department, page: number): Promise<Card> {
  const p = await pageOfMatters(store, department, page);
  return {
    header: {
      title: `抽查事项 · ${department.name}`,
      subtitle: `共 ${p.total} 项（重点 ${p.keyCount} 项），第 ${p.page}/${p.pages} 页`,
      color: 'blue',
    },
    elements: [
      {
        type: 'table',
        columns: [
          { key: 'seq', label: '序号' },
          { key: 'name', label: '抽查事项' },
          { key: 'target', label: '检查对象' },
          { key: 'level', label: '类别' },
          { key: 'ratio', label: '比例' },
          { key: 'needs', label: '人员要求' },
        ],
        rows: p.matters.map((m) => ({
          seq: m.seq ?? '',
          name: m.category && m.category !== m.name ? `${m.category} / ${m.name}` : m.name,
          target: m.targetType,
          level: m.level === 'key' ? '重点' : '一般',
          ratio: ratioText(m.ratioFloor, m.ratioCeiling),
          needs: [...m.qualificationTags, ...(m.needsExpert ? ['需专家'] : [])].join('、'),
        })),
        empty: '该部门还没有抽查事项。办公室可以用 jointcheck import matters 导入事项清单。',
      },
      ...pager('matters', department.id, p.page, p.pages),
      note('事项类别属于“事项 + 检查对象”：同一事项对不同检查对象可能一个重点、一个一般。'),
    ],
  };
}

/** The bounds read from the list's 抽查比例 (its full text stays in the register). */
function ratioText(floor: number | null, ceiling: number | null): string {
  if (floor !== null && ceiling !== null) return `${floor}%–${ceiling}%`;
  if (floor !== null) return `≥${floor}%`;
  if (ceiling !== null) return `≤${ceiling}%`;
  return '';
}

export const matters = defineCommand({
  name: 'matters',
  aliases: ['事项', '抽查事项'],
  summary: '查看部门的抽查事项清单',
  subcommands: [
    subcommand({
      name: '',
      summary: '分页查看一个部门的抽查事项；不写部门时查看本部门',
      usage: '/matters [部门]',
      examples: ['/matters', '/matters 区市场监管局'],
      access: 'bound',
      params: [{ name: 'department', label: '部门' }],
      args: z.object({ department: z.string().optional() }),
      async handle({ args, actor, services }) {
        const department = await departmentOrOwn(services.store, args.department, actor.department);
        return card(await mattersCard(services.store, department, 1));
      },
    }),
  ],
  actions: {
    page: action({
      access: 'bound',
      value: z.object({ id: z.number().int(), page: z.number().int().min(1) }),
      async handle({ value, services }) {
        const department = await services.store.departments.get(value.id);
        if (!department) return { toast: { type: 'warning', text: '该部门已不存在。' } };
        return { card: await mattersCard(services.store, department, value.page) };
      },
    }),
  },
});
