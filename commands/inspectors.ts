// /inspectors 检查人员 — a department's inspector library: who is available today, certificates masked.
import { z } from 'zod';
import { type Acting, addLeave } from '../src/app/inspector-status.ts';
import type { Department } from '../src/app/ports.ts';
import { departmentOrOwn } from '../src/app/registers.ts';
import type { Services } from '../src/app/services.ts';
import {
  type Actor,
  action,
  auditActor,
  card,
  defineCommand,
  subcommand,
} from '../src/bot/define-command.ts';
import { type Card, md, note } from '../src/cards/card.ts';
import { pager } from '../src/cards/common.ts';
import { availability } from '../src/domain/availability.ts';
import { maskCertificate } from '../src/domain/inspector-record.ts';
import { localDate } from '../src/domain/local-date.ts';
import { paginate } from '../src/domain/paginate.ts';

/** People per card page: keeps a large department's list well under Lark's 30 KB card limit. */
const PER_PAGE = 20;

async function inspectorsCard(services: Services, department: Department, page: number): Promise<Card> {
  const today = localDate(services.clock.now(), services.timeZone);
  const list = await services.store.inspectors.list(department.id);
  const rows = list.map((p) => {
    const a = availability(p, { from: today, to: today });
    const status = !a.available
      ? `休假至 ${a.until}`
      : p.certificateNo && !a.certified
        ? '执法证已过期'
        : '可用';
    return {
      name: `${p.name}${p.isExpert ? '（专家）' : ''}`,
      unit: p.unit ?? '',
      certificate: p.certificateNo
        ? `${maskCertificate(p.certificateNo)}（至 ${p.certificateValidUntil ?? '?'}）`
        : '无',
      tags: p.qualificationTags.join('、'),
      status,
    };
  });
  const { items, page: current, pages } = paginate(rows, page, PER_PAGE);
  const expired = rows.filter((r) => r.status === '执法证已过期').length;
  return {
    header: {
      title: `检查人员 · ${department.name}`,
      subtitle: `共 ${rows.length} 人${pages > 1 ? `，第 ${current}/${pages} 页` : ''}`,
      color: 'blue',
    },
    elements: [
      {
        type: 'table',
        columns: [
          { key: 'name', label: '姓名' },
          { key: 'unit', label: '单位' },
          { key: 'certificate', label: '执法证' },
          { key: 'tags', label: '执法类别' },
          { key: 'status', label: '今天' },
        ],
        rows: items,
        empty: '该部门还没有检查人员。可以用 jointcheck import inspectors 导入名录。',
      },
      ...pager('inspectors', department.id, current, pages),
      ...(expired > 0 ? [note(`${expired} 人的执法证已过期：抽取时不计为持证人员。`)] : []),
    ],
  };
}

export const acting = (actor: Actor): Acting => ({
  ...(actor.person ? { personId: actor.person.id } : {}),
  roles: actor.person?.roles ?? [],
  ...(actor.department ? { department: actor.department } : {}),
  audit: auditActor(actor),
});

export const inspectors = defineCommand({
  name: 'inspectors',
  aliases: ['检查人员', '人员'],
  summary: '查看部门的执法检查人员名录，登记休假',
  subcommands: [
    subcommand({
      name: 'leave',
      aliases: ['休假', '请假'],
      summary: '登记检查人员的休假（不在岗）期间：期间内不会被抽中',
      usage: '/inspectors leave <姓名> <开始日期> <结束日期> [原因]',
      examples: ['/inspectors leave 刘洋 2026-12-01 2026-12-05 年假'],
      access: ['liaison', 'office'],
      params: [
        { name: 'name', label: '姓名' },
        { name: 'from', label: '开始日期' },
        { name: 'to', label: '结束日期' },
        { name: 'reason', label: '原因' },
      ],
      args: z.object({ name: z.string(), from: z.string(), to: z.string(), reason: z.string().optional() }),
      async handle({ args, actor, services, source }) {
        const { person, from, to } = await addLeave(services.store, acting(actor), {
          name: args.name,
          from: args.from,
          to: args.to,
          ...(args.reason ? { reason: args.reason } : {}),
          source: source.messageId,
          at: services.clock.now(),
        });
        return card({
          header: { title: '已登记休假', color: 'green' },
          elements: [
            md(
              `**${person.name}**：${from} 至 ${to}${args.reason ? `（${args.reason}）` : ''}。期间内抽取检查人员时不会抽中。`,
            ),
          ],
        });
      },
    }),
    subcommand({
      name: '',
      summary: '查看一个部门的检查人员和今天是否可用；不写部门时查看本部门',
      usage: '/inspectors [部门]',
      examples: ['/inspectors', '/inspectors 区市场监管局'],
      access: 'bound',
      params: [{ name: 'department', label: '部门' }],
      args: z.object({ department: z.string().optional() }),
      async handle({ args, actor, services }) {
        const department = await departmentOrOwn(services.store, args.department, actor.department);
        return card(await inspectorsCard(services, department, 1));
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
        return { card: await inspectorsCard(services, department, value.page) };
      },
    }),
  },
});
