// /draw 抽取 — the verifiable target draw of a joint task (product.md §4; seed 000 art. 18–19): the lead
// liaison posts the notice, departments contribute to the seed, the draw is made after the reveal time and
// handed to every department; anyone bound can see a task's draws and have them re-checked.
import { z } from 'zod';
import { workingCalendar } from '../src/app/calendar.ts';
import {
  checkMembers,
  choiceCardOf,
  choiceSubject,
  decideChoice,
  requestChoice,
} from '../src/app/choices.ts';
import { delegateList } from '../src/app/delegations.ts';
import { checkBeacon, readReceipt } from '../src/app/draw-files.ts';
import {
  contributeToDraw,
  drawFiles,
  enterBeacon,
  requireDraw,
  verifyStoredDraw,
} from '../src/app/draw-protocol.ts';
import { actsFor, drawCardOf, drawSubject, takingPart, targetDrawView } from '../src/app/draw-views.ts';
import { commitTargetDraw, picksSheet, runTargetDraw } from '../src/app/draws.ts';
import { commitInspectorDraw, reselectInspector, runInspectorDraw } from '../src/app/inspector-draws.ts';
import type { Draw } from '../src/app/ports.ts';
import { decideRedraw, redrawCardOf, redrawSubject, requestRedraw } from '../src/app/redraws.ts';
import {
  type Cause,
  checkPicks,
  checkReplacements,
  decideReplacement,
  replacementCardOf,
  replacementSubject,
  requestReplacement,
} from '../src/app/replacements.ts';
import { type Services, today } from '../src/app/services.ts';
import { requireTask } from '../src/app/tasks.ts';
import { settingValue, WORKSPACE_SETTINGS } from '../src/app/workspace-settings.ts';
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
import { recordNumber } from '../src/bot/fields.ts';
import type { Card } from '../src/cards/card.ts';
import { handoverCard } from '../src/cards/draw-card.ts';
import { DomainError } from '../src/domain/errors.ts';
import { describeDeadline } from '../src/domain/working-days.ts';

const window = WORKSPACE_SETTINGS['draws.contributionMinutes'];
const minutesOption = z
  .string()
  .optional()
  .transform((v, c) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < window.min || n > window.max) {
      c.addIssue({ code: 'custom', message: `--minutes 应为 ${window.min}–${window.max} 之间的整数分钟` });
      return z.NEVER;
    }
    return n;
  });

const DrawClicked = z.object({
  id: z.coerce.number().int(),
  version: z.number().int(),
  contribution: z.string().optional(),
  noInputReason: z.string().optional(),
});
type DrawClick = z.infer<typeof DrawClicked>;

/** The office's decision on a request card. */
const Decision = z.object({
  id: z.coerce.number().int(),
  version: z.number().int(),
  decision: z.enum(['approve', 'reject'], { error: '请选择批准或驳回' }),
  note: z.string().optional(),
});

/** The office's decision on a request card (a redraw, a replacement): one shape for both. */
function decisionAction(o: {
  decide: typeof decideRedraw | typeof decideReplacement | typeof decideChoice;
  subject: (id: number) => string;
  approved: string;
  current: (store: Services['store'], id: number) => Promise<Card>;
}) {
  return action({
    access: ['office'],
    value: Decision,
    async handle(ctx) {
      const { card: shown } = await o.decide(ctx.services, {
        requestId: ctx.value.id,
        version: ctx.value.version,
        decision: ctx.value.decision,
        ...(ctx.value.note !== undefined ? { note: ctx.value.note } : {}),
        person: requirePerson(ctx, '抽取'),
        by: auditActor(ctx.actor),
      });
      return {
        toast: { type: 'success', text: ctx.value.decision === 'approve' ? o.approved : '已驳回' },
        card: shown,
        track: o.subject(ctx.value.id),
      };
    },
    refresh: (ctx) => o.current(ctx.services.store, ctx.value.id),
  });
}

const currentCard = async (ctx: Context & { value: DrawClick }) =>
  drawCardOf(ctx.services.store, await requireDraw(ctx.services.store, ctx.value.id), ctx.services.timeZone);

/** `/draw targets` and `/draw inspectors`: commit a draw; its notice goes to the task's chat (and liaisons). */
function commitSubcommand(o: {
  name: string;
  aliases: string[];
  summary: string;
  examples: string[];
  commit: typeof commitTargetDraw | typeof commitInspectorDraw;
  posted: string;
  /** Whether the notice may name a public beacon (`--beacon quicknet`). */
  beacon?: boolean;
  /** Who may type it (the use case checks the department): a delegated sub-unit's operators too, for inspectors. */
  access: ('liaison' | 'operator')[];
}) {
  return subcommand({
    name: o.name,
    aliases: o.aliases,
    summary: o.summary,
    usage: `/draw ${o.name} <任务编号> [--minutes 贡献随机数的分钟数]${o.beacon ? ' [--beacon quicknet]' : ''}`,
    examples: o.examples,
    access: o.access,
    params: [{ name: 'task', label: '任务编号' }],
    args: z.object({
      task: recordNumber('请写任务编号'),
      options: z.object({
        minutes: minutesOption,
        beacon: z
          .union([z.literal(true), z.string()])
          .optional()
          .transform((v, c) => {
            if (v === undefined) return undefined;
            if (!o.beacon) {
              c.addIssue({ code: 'custom', message: '选派检查人员不使用公开随机源' });
              return z.NEVER;
            }
            return v === true ? 'quicknet' : v;
          }),
      }),
    }),
    async handle(ctx) {
      const { args, services, source } = ctx;
      const { draw: committed, task } = await o.commit(services, {
        taskId: args.task,
        person: requirePerson(ctx, '抽取'),
        by: auditActor(ctx.actor),
        ...(args.options.minutes !== undefined ? { minutes: args.options.minutes } : {}),
        ...(args.options.beacon !== undefined ? { beacon: args.options.beacon } : {}),
      });
      // Typed elsewhere than the task's chat: say where the notice went.
      if (source.chatId === task.chatId) return [];
      return {
        kind: 'text',
        text: `已在任务“${task.name}”的群里发布${o.posted}（抽取 #${committed.id}），相关联络员也已收到公告卡片。`,
      };
    },
  });
}

/**
 * Where each department stands with its inspectors after the hand-over: deadline (and how far past it), who draws,
 * how far.
 */
async function staffingText(services: Services, target: Draw, draws: Draw[]): Promise<string> {
  const { store } = services;
  const names = new Map((await store.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
  const calendar = await workingCalendar(store);
  const day = today(services);
  const lines: string[] = [];
  for (const h of await store.draws.handovers(target.id)) {
    const own = draws.find(
      (d) => d.kind === 'inspectors' && d.departmentId === h.departmentId && d.state !== 'superseded',
    );
    const late =
      own?.state !== 'drawn' && h.inspectorsDue ? calendar.workingDaysBetween(day, h.inspectorsDue) : 0;
    const overdue = typeof late === 'number' && late < 0 ? `，已逾期 ${-late} 个工作日` : '';
    const state = !own
      ? `未发布选派公告，期限 ${h.inspectorsDueText}${overdue}`
      : own.state === 'committed'
        ? `已发布选派公告（抽取 #${own.id}），待抽取${overdue}`
        : `已选派（抽取 #${own.id}）`;
    lines.push(
      `- ${names.get(h.departmentId) ?? `#${h.departmentId}`}${h.delegatedTo ? `（委托${h.delegatedTo}，${h.delegatedOn} 派发）` : ''}：${state}`,
    );
  }
  return `各部门选派检查人员情况（抽取 #${target.id} 的名单）：\n${lines.join('\n')}`;
}

export const draw = defineCommand({
  name: 'draw',
  aliases: ['抽取'],
  summary: '抽取检查对象、选派检查人员（可复核的随机抽取），查看和复核抽取结果',
  subcommands: [
    commitSubcommand({
      name: 'targets',
      aliases: ['对象', '检查对象'],
      summary: '发布抽取公告，到揭示时间后抽取检查对象（牵头部门联络员）',
      examples: ['/draw targets 3', '/draw targets 3 --minutes 30', '/draw targets 3 --beacon quicknet'],
      commit: commitTargetDraw,
      posted: '抽取公告',
      beacon: true,
      access: ['liaison'],
    }),
    commitSubcommand({
      name: 'inspectors',
      aliases: ['人员', '检查人员'],
      summary: '发布本部门选派检查人员的公告，到揭示时间后抽取（参加任务的部门联络员，牵头部门也要抽取）',
      examples: ['/draw inspectors 3'],
      commit: commitInspectorDraw,
      posted: '本部门选派检查人员的公告',
      access: ['liaison', 'operator'],
    }),
    subcommand({
      name: 'redraw',
      aliases: ['重新抽取', '重抽'],
      summary: '申请重新抽取（写明原因，由另一位办公室成员批准；原抽取保留备查）',
      usage: '/draw redraw <抽取编号> <原因>',
      examples: ['/draw redraw 5 "对象池误用了上一年度的名录库"'],
      access: ['liaison', 'office'],
      params: [
        { name: 'draw', label: '抽取编号' },
        { name: 'reason', label: '原因' },
      ],
      args: z.object({
        draw: recordNumber('请写抽取编号（见抽取卡片上的“抽取 #编号”）'),
        reason: z.string({ error: '请写明重新抽取的原因' }),
      }),
      async handle(ctx) {
        const { request } = await requestRedraw(ctx.services, {
          drawId: ctx.args.draw,
          reason: ctx.args.reason,
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
        });
        return {
          kind: 'text',
          text: `已提交重新抽取申请（抽取 #${request.drawId}），等待联席会议办公室另一位成员审批。`,
        };
      },
    }),
    subcommand({
      name: 'replace',
      aliases: ['递补'],
      summary:
        '申请递补抽中的检查对象（抽取日名录库登记有误或回避无法满足；办公室批准，由递补顺序中的下一个对象递补）',
      usage: '/draw replace <抽取编号> <对象代码> <登记|回避> <理由和依据>',
      examples: ['/draw replace 5 91370105MA00000011 登记 "抽取日前已于 2027-02-10 注销，名录库未更新"'],
      access: ['liaison', 'office'],
      params: [
        { name: 'draw', label: '抽取编号' },
        { name: 'code', label: '对象代码' },
        { name: 'cause', label: '理由类别' },
        { name: 'note', label: '理由和依据' },
      ],
      args: z.object({
        draw: recordNumber('请写抽取编号（见抽取卡片上的“抽取 #编号”）'),
        code: z.string({ error: '请写要递补的对象代码' }),
        cause: z.string({ error: '请写理由类别：登记 或 回避' }).transform((v, c) => {
          const cause = { 登记: 'registry', registry: 'registry', 回避: 'recusal', recusal: 'recusal' }[v];
          if (!cause) {
            c.addIssue({ code: 'custom', message: `理由类别应为“登记”或“回避”，收到“${v}”` });
            return z.NEVER;
          }
          return cause as Cause;
        }),
        note: z.string({ error: '请写明理由和依据' }),
      }),
      async handle(ctx) {
        const { request } = await requestReplacement(ctx.services, {
          drawId: ctx.args.draw,
          code: ctx.args.code,
          cause: ctx.args.cause,
          note: ctx.args.note,
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
        });
        return {
          kind: 'text',
          text: `已提交 ${request.code} 的递补申请（抽取 #${request.drawId}），等待联席会议办公室审批。`,
        };
      },
    }),
    subcommand({
      name: 'reselect',
      aliases: ['重新选派'],
      summary: '重新选派不能参加检查的人员：按本次抽取的排名顺延（本部门联络员）',
      usage: '/draw reselect <抽取编号> <姓名> <原因>',
      examples: ['/draw reselect 7 张建国 突发疾病住院'],
      access: ['liaison', 'operator', 'office'],
      params: [
        { name: 'draw', label: '抽取编号' },
        { name: 'name', label: '姓名' },
        { name: 'reason', label: '原因' },
      ],
      args: z.object({
        draw: recordNumber('请写抽取编号（见选派卡片上的“抽取 #编号”）'),
        name: z.string({ error: '请写要重新选派的人员姓名' }),
        reason: z.string({ error: '请写明重新选派的原因' }),
      }),
      async handle(ctx) {
        const { changes } = await reselectInspector(ctx.services, {
          drawId: ctx.args.draw,
          name: ctx.args.name,
          reason: ctx.args.reason,
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
        });
        return { kind: 'text', text: `已重新选派：${changes.join('；')}。` };
      },
    }),
    subcommand({
      name: 'choose',
      aliases: ['指定选派', '指定'],
      summary: '申请指定某人顶替不能参加检查的人员（不按排名顺延；须符合选派条件，由另一位办公室成员批准）',
      usage: '/draw choose <抽取编号> <不能参加的人员> <指定人员> <理由>',
      examples: ['/draw choose 7 张建国 李卫东 "本组检查对象涉及特种设备，排名中无人具备相应资格"'],
      access: ['liaison', 'operator', 'office'],
      params: [
        { name: 'draw', label: '抽取编号' },
        { name: 'out', label: '不能参加的人员' },
        { name: 'in', label: '指定人员' },
        { name: 'reason', label: '理由' },
      ],
      args: z.object({
        draw: recordNumber('请写抽取编号（见选派卡片上的“抽取 #编号”）'),
        out: z.string({ error: '请写不能参加检查的人员姓名' }),
        in: z.string({ error: '请写指定人员的姓名' }),
        reason: z.string({ error: '请写明指定选派的理由' }),
      }),
      async handle(ctx) {
        const { request, chosen } = await requestChoice(ctx.services, {
          drawId: ctx.args.draw,
          out: ctx.args.out,
          in: ctx.args.in,
          reason: ctx.args.reason,
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
        });
        return {
          kind: 'text',
          text: `已提交指定选派申请 #${request.id}（${chosen}顶替${ctx.args.out.trim()}），等待联席会议办公室另一位成员审批。`,
        };
      },
    }),
    subcommand({
      name: 'delegate',
      aliases: ['委托', '派发'],
      summary: '把本部门的检查委托给下属单位（所、队）：派发名单，由该单位选派检查人员（本部门联络员）',
      usage: '/draw delegate <任务编号> <下属单位|收回>',
      examples: ['/draw delegate 3 城关市场监管所', '/draw delegate 3 收回'],
      access: ['liaison'],
      params: [
        { name: 'task', label: '任务编号' },
        { name: 'unit', label: '下属单位' },
      ],
      args: z.object({
        task: recordNumber('请写任务编号'),
        unit: z.string({ error: '请写下属单位名称（所、队）' }),
      }),
      async handle(ctx) {
        const r = await delegateList(ctx.services, {
          taskId: ctx.args.task,
          unit: ctx.args.unit,
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
        });
        if (!r.unit) {
          return {
            kind: 'text',
            text: `已收回委托${r.previous}的检查：本部门在 ${r.due} 前选派检查人员。`,
          };
        }
        return {
          kind: 'text',
          text:
            `已将任务“${r.task.name}”的检查对象名单派发至${r.unit}，由其在 ${r.due} 前选派检查人员` +
            (r.reached
              ? `；已发送给该单位 ${r.reached} 位联络员、经办人。`
              : '。该单位没有绑定账号的联络员或经办人，名单未能在线送达，请线下送达或为其绑定账号后由其发送 /draw show。') +
            (r.late ? `\n注意：已超过派发期限 ${r.dispatchDue}，联席会议办公室已收到提示。` : ''),
        };
      },
    }),
    subcommand({
      name: 'show',
      aliases: ['查看'],
      summary:
        '查看一项任务的抽取公告、结果、收据和各部门选派检查人员的进展（参加部门的联络员同时收到本部门的名单）',
      usage: '/draw show <任务编号>',
      examples: ['/draw show 3'],
      access: 'bound',
      params: [{ name: 'task', label: '任务编号' }],
      args: z.object({ task: recordNumber('请写任务编号') }),
      async handle(ctx) {
        const person = requirePerson(ctx, '抽取');
        const { store, timeZone } = ctx.services;
        const task = await requireTask(ctx.services.store, ctx.args.task);
        const draws = await store.draws.forTask(task.id);
        if (draws.length === 0) {
          return {
            kind: 'text',
            text: `任务 #${task.id} 还没有抽取。会审完成后，牵头部门联络员发送 /draw targets ${task.id} 发布抽取公告。`,
          };
        }
        const replies: Reply[] = [];
        for (const d of draws) {
          replies.push(card(await drawCardOf(store, d, timeZone), { track: drawSubject(d.id) }));
          for (const file of await drawFiles(store, d)) replies.push({ kind: 'file', file });
        }
        // A liaison of a department in the task gets its list (one bound after the hand-over included), and so
        // does the sub-unit the department delegated its part to.
        const current = draws.findLast((d) => d.kind === 'targets' && d.state === 'drawn');
        if (current) replies.push({ kind: 'text', text: await staffingText(ctx.services, current, draws) });
        const found =
          current && (await takingPart(store, task)).includes(person.departmentId)
            ? (await store.draws.handovers(current.id)).find((h) => h.departmentId === person.departmentId)
            : undefined;
        const department = ctx.actor.department;
        if (current && found && department && actsFor(person, found.departmentId, found.delegatedTo)) {
          const name = department.shortName ?? department.name;
          const forUnit = !!found.delegatedTo && person.unit === found.delegatedTo;
          replies.push(
            card(
              handoverCard(
                await targetDrawView(store, current, timeZone),
                forUnit ? `${name} · ${found.delegatedTo}` : name,
                {
                  text: found.inspectorsDueText,
                  days: (await settingValue(store, 'draws.inspectorDays'))!,
                  ...(forUnit ? { delegatedBy: name } : {}),
                  ...(!found.delegatedTo && found.dispatchDue
                    ? { dispatch: describeDeadline({ ok: true, date: found.dispatchDue }) }
                    : {}),
                },
              ),
            ),
          );
          if (found.delegatedTo && !forUnit) {
            replies.push({
              kind: 'text',
              text: `本部门已于 ${found.delegatedOn} 将名单派发至${found.delegatedTo}，由其在 ${found.inspectorsDueText} 前选派检查人员。`,
            });
          }
          if (ctx.services.sheets) {
            replies.push({ kind: 'file', file: await picksSheet(ctx.services, store, current, task.name) });
          }
        }
        return replies;
      },
    }),
    subcommand({
      name: 'verify',
      aliases: ['复核'],
      summary: '按保存的收据和对象池重新计算一项任务的抽取，核对是否一致',
      usage: '/draw verify <任务编号>',
      examples: ['/draw verify 3'],
      access: 'bound',
      params: [{ name: 'task', label: '任务编号' }],
      args: z.object({ task: recordNumber('请写任务编号') }),
      async handle(ctx) {
        const { store } = ctx.services;
        const task = await requireTask(ctx.services.store, ctx.args.task);
        const drawn = (await store.draws.forTask(task.id)).filter((d) => d.receipt !== null);
        if (drawn.length === 0) {
          throw new DomainError('DRAW_NOT_DRAWN', `任务 #${task.id} 还没有抽取结果可以复核。`);
        }
        const lines: string[] = [];
        for (const d of drawn) {
          const problems = [
            ...(await verifyStoredDraw(store, d)),
            ...(await checkBeacon(readReceipt(d.receipt!), ctx.services.beacons)),
            ...(d.kind === 'targets'
              ? [...(await checkReplacements(store, d)), ...(await checkPicks(store, d))]
              : await checkMembers(store, d)),
          ];
          lines.push(
            problems.length === 0
              ? `抽取 #${d.id}：一致。按收据中的种子输入和对象池重新计算，抽中对象、分组和递补顺序与收据相同。`
              : `抽取 #${d.id}：不一致。\n${problems.map((p) => `- ${p}`).join('\n')}`,
          );
        }
        return { kind: 'text', text: lines.join('\n') };
      },
    }),
  ],
  actions: {
    'decide-choice': decisionAction({
      decide: decideChoice,
      subject: choiceSubject,
      approved: '已批准指定选派',
      current: async (store, id) => {
        const request = await store.draws.choice(id);
        if (!request) throw new DomainError('CHOICE_NOT_FOUND', `找不到指定选派申请 #${id}。`);
        return choiceCardOf(store, request);
      },
    }),
    'decide-replacement': decisionAction({
      decide: decideReplacement,
      subject: replacementSubject,
      approved: '已批准递补',
      current: async (store, id) => {
        const request = await store.draws.replacement(id);
        if (!request) throw new DomainError('REPLACEMENT_NOT_FOUND', `找不到递补申请 #${id}。`);
        return replacementCardOf(store, request);
      },
    }),
    decide: decisionAction({
      decide: decideRedraw,
      subject: redrawSubject,
      approved: '已批准重新抽取',
      current: async (store, id) => {
        const request = await store.draws.redraw(id);
        if (!request) throw new DomainError('REDRAW_NOT_FOUND', `找不到重新抽取申请 #${id}。`);
        return redrawCardOf(store, request);
      },
    }),
    beacon: action({
      access: ['office'],
      value: DrawClicked.extend({ signature: z.string({ error: '请填写该轮的 signature' }) }),
      async handle(ctx) {
        const { card: shown } = await enterBeacon(ctx.services, {
          drawId: ctx.value.id,
          signature: ctx.value.signature,
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
        });
        return {
          toast: { type: 'success', text: '已录入并核验公开随机源' },
          card: shown,
          track: drawSubject(ctx.value.id),
        };
      },
      refresh: currentCard,
    }),
    contribute: action({
      access: ['liaison', 'operator'],
      value: DrawClicked,
      async handle(ctx) {
        const { hash, card: shown } = await contributeToDraw(ctx.services, {
          drawId: ctx.value.id,
          value: ctx.value.contribution ?? '',
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
        });
        return {
          toast: { type: 'success', text: `已收到本部门的随机数，哈希 ${hash.slice(0, 16)}…` },
          card: shown,
          track: drawSubject(ctx.value.id),
          replies: [
            {
              kind: 'text',
              to: { userId: ctx.actor.userId },
              text: `您为抽取 #${ctx.value.id} 贡献的随机数已记录，其 SHA-256 哈希为 ${hash}。抽取后可在收据中核对。`,
            },
          ],
        };
      },
      refresh: currentCard,
    }),
    run: action({
      access: ['liaison', 'operator', 'office'],
      value: DrawClicked,
      async handle(ctx) {
        const found = await requireDraw(ctx.services.store, ctx.value.id);
        const run = found.kind === 'targets' ? runTargetDraw : runInspectorDraw;
        const { draw: drawn, card: shown } = await run(ctx.services, {
          drawId: ctx.value.id,
          version: ctx.value.version,
          person: requirePerson(ctx, '抽取'),
          by: auditActor(ctx.actor),
          ...(ctx.value.noInputReason !== undefined ? { noInputReason: ctx.value.noInputReason } : {}),
        });
        return {
          toast: {
            type: 'success',
            text:
              drawn.kind === 'targets'
                ? `已抽取，名单已分送各部门（抽取 #${drawn.id}）`
                : `已选派检查人员（抽取 #${drawn.id}）`,
          },
          card: shown,
          track: drawSubject(drawn.id),
        };
      },
      refresh: currentCard,
    }),
  },
});
