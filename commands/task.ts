// /task 任务 — launch a joint task from a filed joint plan of the approved joint annual plan, review it (会审) as a
// participating department, rule on declines (office), list and show tasks (seed 002 art. 12–13).
import { z } from 'zod';
import { today } from '../src/app/services.ts';
import {
  answerTask,
  launchableFrom,
  launchTask,
  partCardOf,
  partSubject,
  requireTask,
  ruleOnTask,
  rulingCardOf,
  rulingSubject,
  taskCardOf,
  taskSubject,
} from '../src/app/tasks.ts';
import { settingValue } from '../src/app/workspace-settings.ts';
import {
  action,
  auditActor,
  type Context,
  card,
  defineCommand,
  type Reply,
  requirePerson,
  subcommand,
} from '../src/bot/define-command.ts';
import { dateField, recordNumber } from '../src/bot/fields.ts';
import { type Card, type Input, note } from '../src/cards/card.ts';
import { DomainError } from '../src/domain/errors.ts';
import { MIN_CERTIFICATE_HOLDERS, type TaskDraft } from '../src/domain/task-record.ts';
import { assignmentMachine, settled, taskMachine } from '../src/domain/workflow.ts';

/** The launch form, pre-filled from the plan; refused up front when this person cannot launch from it. */
async function taskForm(ctx: Context, planId: number): Promise<Card> {
  const person = requirePerson(ctx, '任务');
  const { store } = ctx.services;
  const { plan } = await launchableFrom(store, planId, person);
  const departments = new Map((await store.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
  const now = today(ctx.services);
  const text = (name: string, label: string, initial?: string, placeholder?: string): Input => ({
    type: 'text',
    name,
    label,
    ...(initial !== undefined ? { initial } : {}),
    ...(placeholder ? { placeholder } : {}),
  });
  return {
    header: { title: '发起联合抽查任务', subtitle: `计划 #${plan.id} ${plan.name}`, color: 'blue' },
    elements: [
      {
        type: 'form',
        name: 'task',
        inputs: [
          { ...text('name', '任务名称', plan.name), required: true },
          {
            type: 'date',
            name: 'windowStart',
            label: '检查开始日期',
            required: true,
            // The later of the plan's start and today (dates compare as text).
            initial: [plan.periodStart, now].sort()[1]!,
          },
          { type: 'date', name: 'windowEnd', label: '检查结束日期', required: true, initial: plan.periodEnd },
          text('teams', '检查组数（与每组对象数二选一）', undefined, '例如：5'),
          text('targetsPerTeam', '每组检查对象数（与检查组数二选一）', undefined, '例如：10'),
          ...[plan.leadDepartmentId, ...plan.participantIds].map((id) =>
            text(
              `per_${id}`,
              `${departments.get(id)}每组人数${id === plan.leadDepartmentId ? '（组长从牵头部门产生）' : ''}`,
              id === plan.leadDepartmentId ? '2' : '1',
            ),
          ),
          text('certificateHolders', '每组持执法证人数（至少 2 人）', String(MIN_CERTIFICATE_HOLDERS)),
          text(
            'acceptanceDays',
            '会审期限（工作日）',
            String(await settingValue(store, 'tasks.acceptanceDays')),
          ),
        ],
        submit: {
          label: '发起任务',
          style: 'primary',
          value: { cmd: 'task', action: 'create', plan: plan.id },
        },
      },
      note('发起后，各参与部门的联络员会收到会审卡片；会审截止日按工作日计算（节假日和调休已计入）。'),
    ],
  };
}

const count = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const t = (v ?? '').trim();
    if (!t) return null;
    const n = Number(t);
    if (!Number.isInteger(n)) {
      ctx.addIssue({ code: 'custom', message: `“${v}”不是整数` });
      return z.NEVER;
    }
    return n;
  });
const day = dateField('请填写检查时间');

const TaskForm = z.looseObject({
  plan: z.coerce.number().int(),
  name: z.string({ error: '请填写任务名称' }),
  windowStart: day,
  windowEnd: day,
  teams: count,
  targetsPerTeam: count,
  certificateHolders: count,
  acceptanceDays: count,
});

function draftOf(
  form: z.infer<typeof TaskForm>,
): Omit<TaskDraft, 'acceptanceDays'> & { acceptanceDays: number | null } {
  const perTeam: Record<string, number> = {};
  for (const [key, v] of Object.entries(form)) {
    const m = /^per_(\d+)$/.exec(key);
    if (m && typeof v === 'string' && v.trim()) perTeam[m[1]!] = Number(v.trim());
  }
  return {
    planId: form.plan,
    name: form.name,
    windowStart: form.windowStart,
    windowEnd: form.windowEnd,
    teams: form.teams,
    targetsPerTeam: form.targetsPerTeam,
    perTeam,
    certificateHolders: form.certificateHolders ?? MIN_CERTIFICATE_HOLDERS,
    acceptanceDays: form.acceptanceDays,
  };
}

const PartClicked = z.object({
  id: z.coerce.number().int(),
  department: z.coerce.number().int(),
  version: z.number().int(),
  reason: z.string().optional(),
  decision: z.enum(['keep', 'release'], { error: '请选择裁定结果' }).optional(),
  ruling: z.string().optional(),
});
type PartClick = z.infer<typeof PartClicked>;

async function currentPart(ctx: Context & { value: PartClick }, ruling: boolean): Promise<Card> {
  const task = await requireTask(ctx.services.store, ctx.value.id);
  const cardOf = ruling ? rulingCardOf : partCardOf;
  return cardOf(ctx.services.store, task, ctx.value.department, ctx.services.timeZone);
}

function answerAction(event: 'accept' | 'decline', done: string) {
  return action({
    access: ['liaison'],
    value: PartClicked,
    async handle(ctx) {
      const { card: shown } = await answerTask(ctx.services, {
        taskId: ctx.value.id,
        departmentId: ctx.value.department,
        version: ctx.value.version,
        event,
        ...(ctx.value.reason !== undefined ? { reason: ctx.value.reason } : {}),
        by: auditActor(ctx.actor),
        person: requirePerson(ctx, '任务'),
      });
      return {
        toast: { type: 'success', text: done },
        card: shown,
        track: partSubject(ctx.value.id, ctx.value.department),
      };
    },
    refresh: (ctx) => currentPart(ctx, false),
  });
}

export const task = defineCommand({
  name: 'task',
  aliases: ['任务'],
  summary: '发起联合抽查任务、会审答复、查看任务',
  subcommands: [
    subcommand({
      name: 'new',
      aliases: ['新建', '发起'],
      summary: '从已批准的联合抽查计划发起任务（牵头部门联络员）',
      usage: '/task new <计划编号>',
      examples: ['/task new 3'],
      access: ['liaison'],
      params: [{ name: 'plan', label: '计划编号' }],
      args: z.object({ plan: recordNumber('请写计划编号') }),
      async handle(ctx) {
        return card(await taskForm(ctx, ctx.args.plan));
      },
    }),
    subcommand({
      name: 'list',
      aliases: ['列表'],
      summary: '查看本部门牵头或参与的任务（办公室查看全部）',
      usage: '/task list',
      examples: ['/task list'],
      access: 'bound',
      args: z.object({}),
      async handle(ctx) {
        const person = requirePerson(ctx, '任务');
        const { store } = ctx.services;
        const office = person.roles.includes('office');
        const tasks = await store.tasks.list({
          ...(office ? {} : { departmentId: person.departmentId }),
          limit: 51,
        });
        const short = new Map((await store.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
        const rows = [];
        for (const t of tasks.slice(0, 50)) {
          const parts = await store.tasks.departments(t.id);
          const mine = parts.find((p) => p.departmentId === person.departmentId);
          rows.push({
            id: `#${t.id}`,
            name: t.name,
            lead: short.get(t.leadDepartmentId) ?? '',
            state: taskMachine.states[t.state],
            review: `${parts.filter((p) => settled(p.state)).length}/${parts.length}${
              mine ? `（本部门：${assignmentMachine.states[mine.state]}）` : ''
            }`,
          });
        }
        return card({
          header: { title: office ? '联合抽查任务（全部）' : '本部门的联合抽查任务', color: 'blue' },
          elements: [
            {
              type: 'table',
              columns: [
                { key: 'id', label: '编号' },
                { key: 'name', label: '名称' },
                { key: 'lead', label: '牵头部门' },
                { key: 'state', label: '状态' },
                { key: 'review', label: '会审' },
              ],
              rows,
              empty: '还没有任务。牵头部门联络员发送 /task new 计划编号 发起。',
            },
            ...(tasks.length > 50 ? [note('只列出最近 50 项。')] : []),
            note('发送 /task show 编号 查看一项任务。'),
          ],
        });
      },
    }),
    subcommand({
      name: 'show',
      aliases: ['查看'],
      summary: '查看一项任务（参与部门的联络员同时收到本部门的会审卡片）',
      usage: '/task show <编号>',
      examples: ['/task show 1'],
      access: 'bound',
      params: [{ name: 'id', label: '任务编号' }],
      args: z.object({ id: recordNumber('请写任务编号') }),
      async handle(ctx) {
        const person = requirePerson(ctx, '任务');
        const { store, timeZone } = ctx.services;
        const found = await requireTask(ctx.services.store, ctx.args.id);
        const replies: Reply[] = [
          card(await taskCardOf(store, found, timeZone), { track: taskSubject(found.id) }),
        ];
        const mine = (await store.tasks.departments(found.id)).find(
          (p) => p.departmentId === person.departmentId,
        );
        // A liaison who joined after the launch gets the department's acceptance card here.
        if (mine && person.roles.includes('liaison')) {
          replies.push(
            card(await partCardOf(store, found, mine.departmentId, timeZone), {
              track: partSubject(found.id, mine.departmentId),
            }),
          );
        }
        return replies;
      },
    }),
  ],
  actions: {
    create: action({
      access: ['liaison'],
      value: TaskForm,
      async handle(ctx) {
        const { task: launched, card: root } = await launchTask(ctx.services, {
          draft: draftOf(ctx.value),
          by: auditActor(ctx.actor),
          person: requirePerson(ctx, '任务'),
          chatId: ctx.source.chatId,
          launchedFrom: `${ctx.source.platform}:${ctx.source.messageId}`,
          today: today(ctx.services),
        });
        return {
          toast: { type: 'success', text: `已发起任务 #${launched.id}，会审卡片已发送给各参与部门` },
          card: root,
          track: taskSubject(launched.id),
        };
      },
      // A second click on a form that launched its task shows the task.
      async refresh(ctx) {
        const launched = await ctx.services.store.tasks.findLaunchedFrom(
          `${ctx.source.platform}:${ctx.source.messageId}`,
        );
        return launched
          ? taskCardOf(ctx.services.store, launched, ctx.services.timeZone)
          : taskForm(ctx, ctx.value.plan);
      },
    }),
    accept: answerAction('accept', '已接受'),
    decline: answerAction('decline', '已拒绝，已报办公室裁定'),
    rule: action({
      access: ['office'],
      value: PartClicked,
      async handle(ctx) {
        if (!ctx.value.decision) throw new DomainError('TASK_RULING', '请选择裁定结果。');
        const { card: shown } = await ruleOnTask(ctx.services, {
          taskId: ctx.value.id,
          departmentId: ctx.value.department,
          version: ctx.value.version,
          decision: ctx.value.decision,
          ...(ctx.value.ruling !== undefined ? { ruling: ctx.value.ruling } : {}),
          by: auditActor(ctx.actor),
          person: requirePerson(ctx, '任务'),
        });
        return {
          toast: { type: 'success', text: '已裁定' },
          card: shown,
          track: rulingSubject(ctx.value.id, ctx.value.department),
        };
      },
      refresh: (ctx) => currentPart(ctx, true),
    }),
  },
});
