// /plan 计划 — draft a plan in a form, submit it for filing (备案), file or return it (office), list, show and
// revise plans (seed 000 art. 13–15; seed 001 (五)(六)).
import { z } from 'zod';
import {
  actOnJointPlan,
  compileAndRecord,
  jointPlanCardOf,
  jointPlanSubject,
  jointPlanTitle,
} from '../src/app/joint-plan.ts';
import { actOnPlan, createPlan, planCardOf, planSubject, revisePlan } from '../src/app/plans.ts';
import type { Plan } from '../src/app/ports.ts';
import { requireDepartment } from '../src/app/registers.ts';
import { today } from '../src/app/services.ts';
import {
  action,
  auditActor,
  type Context,
  card,
  defineCommand,
  requirePerson,
  subcommand,
} from '../src/bot/define-command.ts';
import { dateField, recordNumber } from '../src/bot/fields.ts';
import { type Card, type Input, md, note } from '../src/cards/card.ts';
import { splitCellList } from '../src/domain/columns.ts';
import { DomainError } from '../src/domain/errors.ts';
import {
  type Counts,
  kindLabels,
  type PlanDraft,
  type Quota,
  type Ratios,
  RISK_CLASSES,
  roundingLabels,
  STRATA,
} from '../src/domain/plan-record.ts';
import { planMachine } from '../src/domain/workflow.ts';

/** A card stays well under Lark's 30 KB with this many matters to choose from. */
const MATTER_OPTIONS = 60;

/** The form for a new plan; matters narrowed by a keyword when the lists are long. */
async function planForm(ctx: Context, keyword: string): Promise<Card> {
  const person = requirePerson(ctx, '计划');
  const { store } = ctx.services;
  const departments = await store.departments.list();
  const now = today(ctx.services);
  const year = Number(now.slice(0, 4)) + (Number(now.slice(5, 7)) >= 10 ? 1 : 0);
  const all = (await store.matters.list())
    .filter((m) => m.active && (!keyword || m.name.includes(keyword) || (m.category ?? '').includes(keyword)))
    // The lead department's own matters first.
    .sort(
      (a, b) =>
        Number(b.departmentId === person.departmentId) - Number(a.departmentId === person.departmentId),
    );
  const short = new Map(departments.map((d) => [d.id, d.shortName ?? d.name]));
  const options = all.slice(0, MATTER_OPTIONS).map((m) => ({
    value: String(m.id),
    label: `${short.get(m.departmentId)}｜${m.name}（${m.targetType || '—'}，${m.level === 'key' ? '重点' : '一般'}）`,
  }));
  const text = (
    name: string,
    label: string,
    extra: Partial<Extract<Input, { type: 'text' }>> = {},
  ): Input => ({
    type: 'text',
    name,
    label,
    ...extra,
  });
  return {
    header: { title: '新建抽查计划', subtitle: `牵头部门：${short.get(person.departmentId)}`, color: 'blue' },
    elements: [
      {
        type: 'form',
        name: 'plan',
        inputs: [
          {
            type: 'select',
            name: 'kind',
            label: '计划类型',
            required: true,
            initial: 'joint',
            options: [
              { value: 'joint', label: kindLabels.joint },
              { value: 'department', label: kindLabels.department },
            ],
          },
          text('year', '年度', { required: true, initial: String(year) }),
          text('name', '计划名称', {
            required: true,
            placeholder: `例如：${year} 年食品经营单位部门联合抽查`,
          }),
          {
            type: 'multi_select',
            name: 'participants',
            label: '参与部门（联合抽查计划）',
            options: departments
              .filter((d) => d.id !== person.departmentId)
              .map((d) => ({ value: String(d.id), label: d.name })),
          },
          { type: 'multi_select', name: 'matters', label: '抽查事项', required: true, options },
          text('objectTypes', '对象类型（可多个，用顿号分隔；空为不限）'),
          text('industries', '行业（空为不限）'),
          text('areas', '片区（空为不限）'),
          text('tags', '专项库（空为不限）'),
          text('ratioAll', '抽查比例 % 或户数（全部对象，或未分类对象）', {
            placeholder: '如 5 表示 5%，或 30户',
          }),
          ...RISK_CLASSES.map((k) => text(`ratio${k}`, `${k} 类比例 % 或户数（按信用风险分类时填写）`)),
          {
            type: 'select',
            name: 'rounding',
            label: '取整规则',
            required: true,
            initial: 'up',
            options: (['up', 'nearest', 'down'] as const).map((r) => ({
              value: r,
              label: roundingLabels[r],
            })),
          },
          {
            type: 'date',
            name: 'periodStart',
            label: '检查开始日期',
            required: true,
            initial: `${year}-03-01`,
          },
          {
            type: 'date',
            name: 'periodEnd',
            label: '检查结束日期',
            required: true,
            initial: `${year}-11-30`,
          },
          text('batches', '批次', { initial: '1' }),
        ],
        submit: { label: '保存草稿', style: 'primary', value: { cmd: 'plan', action: 'create' } },
      },
      note(
        all.length > MATTER_OPTIONS
          ? `共 ${all.length} 项事项，只列出前 ${MATTER_OPTIONS} 项（本部门的在前）。发送 /plan new 关键词 缩小范围。`
          : '每个比例（填户数时按其占名录库的比例）须不低于所选事项的下限；含一般事项时不高于其上限（重点事项不设上限）。',
      ),
    ],
  };
}

const ids = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((v) =>
    v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(Number).filter(Number.isInteger),
  );
/** A stratum's quota as typed: a percent (`5`, `5%`) or a number of targets (`30户`, `30 家`). */
const quota = z
  .string()
  .optional()
  .transform((v, ctx): Quota | undefined => {
    const t = (v ?? '').replace(/\s/g, '');
    if (!t) return undefined;
    const count = /^(\d+)(户|家|个)$/.exec(t);
    if (count) return { stratum: 'all', count: Number(count[1]) };
    const n = Number(t.replace(/[%％]$/, ''));
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `“${v}”不是比例或户数，请填写如 5（表示 5%）或 30户` });
      return z.NEVER;
    }
    return { stratum: 'all', ratio: n };
  });
const day = dateField('请填写检查期间');

const PlanForm = z.object({
  kind: z.enum(['joint', 'department'], { error: '请选择计划类型' }),
  year: z.coerce.number({ error: '年度应为数字' }).int(),
  name: z.string({ error: '请填写计划名称' }).trim(),
  participants: ids,
  matters: ids,
  objectTypes: z.string().optional(),
  industries: z.string().optional(),
  areas: z.string().optional(),
  tags: z.string().optional(),
  ratioAll: quota,
  ratioA: quota,
  ratioB: quota,
  ratioC: quota,
  ratioD: quota,
  rounding: z.enum(['up', 'nearest', 'down']).default('up'),
  periodStart: day,
  periodEnd: day,
  batches: z.coerce.number().int().default(1),
});

function draftOf(form: z.infer<typeof PlanForm>, leadDepartmentId: number): PlanDraft {
  const ratios: Ratios = {};
  const counts: Counts = {};
  for (const stratum of STRATA) {
    const q = stratum === 'all' ? form.ratioAll : form[`ratio${stratum}` as const];
    if (q && 'ratio' in q) ratios[stratum] = q.ratio;
    if (q && 'count' in q) counts[stratum] = q.count;
  }
  return {
    kind: form.kind,
    year: form.year,
    name: form.name,
    leadDepartmentId,
    participantIds: form.participants,
    matterIds: form.matters,
    scope: {
      objectTypes: splitCellList(form.objectTypes),
      industries: splitCellList(form.industries),
      areas: splitCellList(form.areas),
      tags: splitCellList(form.tags),
    },
    ratios,
    counts,
    rounding: form.rounding,
    periodStart: form.periodStart,
    periodEnd: form.periodEnd,
    batches: form.batches,
  };
}

const planId = recordNumber();

const Clicked = z.object({
  id: z.coerce.number().int(),
  version: z.number().int(),
  reason: z.string().optional(),
});

/** The plan as it is now, for a card clicked after it changed. */
async function current(ctx: Context & { value: { id: number } }): Promise<Card> {
  const plan = await ctx.services.store.plans.get(ctx.value.id);
  if (!plan)
    return { header: { title: '计划已不存在', color: 'grey' }, elements: [md('发送 /plan list 查看计划。')] };
  return planCardOf(ctx.services.store, plan);
}

function stateAction(event: 'submit' | 'withdraw' | 'file' | 'return', done: string) {
  return action({
    access: event === 'file' || event === 'return' ? ['office'] : ['liaison'],
    value: Clicked,
    async handle(ctx) {
      const { plan, card: shown } = await actOnPlan(ctx.services, {
        planId: ctx.value.id,
        version: ctx.value.version,
        event,
        by: auditActor(ctx.actor),
        person: requirePerson(ctx, '计划'),
        ...(ctx.value.reason !== undefined ? { reason: ctx.value.reason } : {}),
      });
      return { toast: { type: 'success', text: done }, card: shown, track: planSubject(plan.id) };
    },
    refresh: current,
  });
}

const AnnualClicked = z.object({
  id: z.coerce.number().int(),
  version: z.number().int(),
  docNo: z.string().optional(),
  date: z.string().optional(),
  where: z.string().optional(),
  reason: z.string().optional(),
});

function annualAction(event: 'submit' | 'approve' | 'reject' | 'publish', done: string) {
  return action({
    access: ['office'],
    value: AnnualClicked,
    async handle(ctx) {
      const { docNo, date, where, reason } = ctx.value;
      const { record, card: shown } = await actOnJointPlan(ctx.services, {
        id: ctx.value.id,
        version: ctx.value.version,
        event,
        by: auditActor(ctx.actor),
        person: requirePerson(ctx, '计划'),
        ...(docNo !== undefined ? { docNo } : {}),
        ...(date !== undefined ? { date } : {}),
        ...(where !== undefined ? { where } : {}),
        ...(reason !== undefined ? { reason } : {}),
      });
      return { toast: { type: 'success', text: done }, card: shown, track: jointPlanSubject(record.id) };
    },
    async refresh(ctx) {
      const record = await ctx.services.store.jointPlans.get(ctx.value.id);
      return record
        ? jointPlanCardOf(record)
        : { header: { title: '年度计划已不存在', color: 'grey' }, elements: [] };
    },
  });
}

function planRow(p: Plan, short: Map<number, string>) {
  return {
    id: `#${p.id}`,
    year: String(p.year),
    name: `${p.name}${p.revision > 1 ? `（第 ${p.revision} 版）` : ''}`,
    lead: short.get(p.leadDepartmentId) ?? '',
    state: planMachine.states[p.state],
  };
}

export const plan = defineCommand({
  name: 'plan',
  aliases: ['计划'],
  summary: '起草、报送、备案和查看抽查计划',
  subcommands: [
    subcommand({
      name: 'new',
      aliases: ['新建'],
      summary: '打开新建计划的表单（可附事项关键词缩小可选事项）',
      usage: '/plan new [事项关键词]',
      examples: ['/plan new', '/plan new 食品'],
      access: ['liaison', 'operator', 'office'],
      params: [{ name: 'keyword', label: '关键词' }],
      args: z.object({ keyword: z.string().optional() }),
      async handle(ctx) {
        return card(await planForm(ctx, ctx.args.keyword?.trim() ?? ''));
      },
    }),
    subcommand({
      name: 'list',
      aliases: ['列表'],
      summary: '查看计划（可按年度、部门筛选）',
      usage: '/plan list [年份] [部门]',
      examples: ['/plan list', '/plan list 2027', '/plan list 2027 市场监管局'],
      access: 'bound',
      params: [
        { name: 'year', label: '年份' },
        { name: 'department', label: '部门' },
      ],
      args: z.object({
        year: z.coerce.number({ error: '年份应为数字，如 2027' }).int().optional(),
        department: z.string().optional(),
      }),
      async handle({ args, services }) {
        const { store } = services;
        const department = args.department ? await requireDepartment(store, args.department) : undefined;
        const plans = await store.plans.list({
          ...(args.year !== undefined ? { year: args.year } : {}),
          ...(department ? { departmentId: department.id } : {}),
        });
        const short = new Map((await store.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
        return card({
          header: {
            title: `抽查计划${args.year ? ` · ${args.year} 年` : ''}${department ? ` · ${department.name}` : ''}`,
            color: 'blue',
          },
          elements: [
            {
              type: 'table',
              columns: [
                { key: 'id', label: '编号' },
                { key: 'year', label: '年度' },
                { key: 'name', label: '名称' },
                { key: 'lead', label: '牵头部门' },
                { key: 'state', label: '状态' },
              ],
              rows: plans.slice(0, 50).map((p) => planRow(p, short)),
              empty: '还没有计划。联络员发送 /plan new 新建。',
            },
            ...(plans.length > 50 ? [note(`共 ${plans.length} 份，只列出 50 份；请按年度或部门筛选。`)] : []),
            note('发送 /plan show 编号 查看一份计划。'),
          ],
        });
      },
    }),
    subcommand({
      name: 'show',
      aliases: ['查看'],
      summary: '查看一份计划',
      usage: '/plan show <编号>',
      examples: ['/plan show 3'],
      access: 'bound',
      params: [{ name: 'id', label: '编号' }],
      args: z.object({
        id: planId,
      }),
      async handle({ args, services }) {
        const found = await services.store.plans.get(args.id);
        if (!found)
          throw new DomainError('PLAN_NOT_FOUND', `找不到计划 #${args.id}。`, '发送 /plan list 查看计划。');
        return card(await planCardOf(services.store, found), { track: planSubject(found.id) });
      },
    }),
    subcommand({
      name: 'compile',
      aliases: ['汇编'],
      summary: '汇编年度部门联合抽查计划（办公室）：导出公示表，提示联合抽查占比不足 10% 的部门',
      usage: '/plan compile <年份>',
      examples: ['/plan compile 2027'],
      access: ['office'],
      params: [{ name: 'year', label: '年份' }],
      args: z.object({ year: z.coerce.number({ error: '年份应为数字，如 2027' }).int() }),
      async handle(ctx) {
        const { args, services } = ctx;
        const {
          compiled,
          record,
          card: shown,
        } = await compileAndRecord(services, {
          year: args.year,
          by: auditActor(ctx.actor),
          person: requirePerson(ctx, '计划'),
          chatId: ctx.source.chatId,
        });
        const summary = card(shown, { track: jointPlanSubject(record.id) });
        if (!services.sheets || compiled.plans.length === 0) return summary;
        const title = jointPlanTitle(args.year);
        const bytes = await services.sheets.write(`${args.year}年`, compiled.rows, { title });
        return [summary, { kind: 'file', file: { name: `${title}.xlsx`, base64: bytes.toString('base64') } }];
      },
    }),
    subcommand({
      name: 'annual',
      aliases: ['年度'],
      summary: '查看年度部门联合抽查计划的汇编、批准和公布情况',
      usage: '/plan annual <年份>',
      examples: ['/plan annual 2027'],
      access: 'bound',
      params: [{ name: 'year', label: '年份' }],
      args: z.object({ year: z.coerce.number({ error: '年份应为数字，如 2027' }).int() }),
      async handle({ args, services }) {
        const [latest] = await services.store.jointPlans.list(args.year);
        if (!latest) {
          throw new DomainError(
            'JOINT_PLAN_NOT_FOUND',
            `${jointPlanTitle(args.year)}还没有汇编。`,
            `办公室发送 /plan compile ${args.year} 汇编。`,
          );
        }
        return card(jointPlanCardOf(latest), { track: jointPlanSubject(latest.id) });
      },
    }),
    subcommand({
      name: 'revise',
      aliases: ['调整'],
      summary: '调整已备案的计划：生成新版本，10 个工作日内重新备案公示',
      usage: '/plan revise <编号> <调整原因>',
      examples: ['/plan revise 3 增加消防安全检查事项'],
      access: ['liaison'],
      params: [
        { name: 'id', label: '编号' },
        { name: 'reason', label: '调整原因' },
      ],
      args: z.object({
        id: planId,
        reason: z.string({ error: '请写明调整原因' }),
      }),
      async handle(ctx) {
        const revised = await revisePlan(ctx.services, {
          planId: ctx.args.id,
          reason: ctx.args.reason,
          by: auditActor(ctx.actor),
          person: requirePerson(ctx, '计划'),
          today: today(ctx.services),
        });
        return card(await planCardOf(ctx.services.store, revised), { track: planSubject(revised.id) });
      },
    }),
  ],
  actions: {
    create: action({
      access: ['liaison', 'operator', 'office'],
      value: PlanForm,
      async handle(ctx) {
        const person = requirePerson(ctx, '计划');
        const created = await createPlan(ctx.services, {
          by: auditActor(ctx.actor),
          person,
          draft: draftOf(ctx.value, person.departmentId),
          today: today(ctx.services),
        });
        return {
          toast: { type: 'success', text: `已保存草稿（计划 #${created.id}）` },
          card: await planCardOf(ctx.services.store, created),
          track: planSubject(created.id),
        };
      },
    }),
    'annual-submit': annualAction('submit', '已报批'),
    'annual-approve': annualAction('approve', '已登记批准，可以发起联合抽查任务'),
    'annual-reject': annualAction('reject', '已退回修改'),
    'annual-publish': annualAction('publish', '已登记公布'),
    submit: stateAction('submit', '已报送，等待办公室备案'),
    withdraw: stateAction('withdraw', '已撤回'),
    file: stateAction('file', '已备案'),
    return: stateAction('return', '已退回'),
  },
});
