// Delegating a department's part of a task to one of its sub-units (seed 000 art. 18: 上级部门可委托下级部门进行检查，
// 并应在名单抽取后5个工作日内派发至检查部门). The department's liaison dispatches the drawn list to a 所/队 it has on
// record; the sub-unit receives the list and, from that day, has its own working days to draw inspectors from its
// own people (seed 000 art. 19: 收到名单后5个工作日内). The department stays answerable: its liaison may still act.
import { handoverCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import { localDate } from '../domain/local-date.ts';
import { workingCalendar } from './calendar.ts';
import { toOffice } from './card-copies.ts';
import { refuse } from './draw-protocol.ts';
import {
  drawSubject,
  inspectorsDueFrom,
  reachable,
  takingPart,
  targetDrawView,
  unitStaff,
} from './draw-views.ts';
import { picksSheet } from './draws.ts';
import { inspectorPoolNow } from './inspector-draws.ts';
import type { Person, Repos } from './ports.ts';
import type { Services } from './services.ts';
import { requireTask } from './tasks.ts';
import { settingValue } from './workspace-settings.ts';

/** The department's hand-over of the task's current target draw, if the list was handed over. */
export async function handoverOf(repos: Repos, taskId: number, departmentId: number) {
  const draw = (await repos.draws.forTask(taskId)).find((d) => d.kind === 'targets' && d.state === 'drawn');
  if (!draw) return undefined;
  const handover = (await repos.draws.handovers(draw.id)).find((h) => h.departmentId === departmentId);
  return handover && { draw, handover };
}

/** What `/draw delegate <任务> 收回` takes: the department takes its part back from the sub-unit. */
export const TAKE_BACK = ['收回', '本部门'];

/**
 * `/draw delegate <任务> <下属单位>`: the department's liaison dispatches the list to a sub-unit (or, with 收回,
 * takes its part back). Refused when the unit could not staff the teams: its draw would fail whatever the seed.
 */
export async function delegateList(
  services: Services,
  input: { taskId: number; unit: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const requested = input.unit.trim();
  const unit = TAKE_BACK.includes(requested) ? null : requested;
  const calendar = await workingCalendar(services.store);
  const inspectorDays = (await settingValue(services.store, 'draws.inspectorDays'))!;
  const dispatchDays = (await settingValue(services.store, 'draws.dispatchDays'))!;
  const now = services.clock.now();
  const today = localDate(now, services.timeZone);
  return services.store.transaction(async (tx) => {
    const task = await requireTask(tx, input.taskId, true);
    const departmentId = person.departmentId;
    if (!person.roles.includes('liaison') || !(await takingPart(tx, task)).includes(departmentId))
      refuse('只有参加这项任务的部门的联络员可以把本部门的检查委托给下属单位。');
    const found = await handoverOf(tx, task.id, departmentId);
    if (!found) refuse(`任务 #${task.id} 还没有抽取检查对象；名单分送后才能派发给下属单位。`);
    const { draw, handover } = found!;
    const existing = (await tx.draws.forTask(task.id)).find(
      (d) => d.kind === 'inspectors' && d.departmentId === departmentId && d.state !== 'superseded',
    );
    if (existing)
      refuse(`本部门已发布选派公告（抽取 #${existing.id}），检查人员由该次抽取选派，不能再委托或收回。`);
    const department = (await tx.departments.get(departmentId))!;
    const departmentName = department.shortName ?? department.name;
    const previous = handover.delegatedTo ?? null;
    if (unit === null && previous === null) refuse('本部门没有委托下属单位，无需收回。');
    if (unit !== null && !department.units.includes(unit)) {
      throw new DomainError(
        'UNKNOWN_UNIT',
        department.units.length
          ? `${departmentName}没有名为“${unit}”的下属单位。已登记的下属单位：${department.units.join('、')}。`
          : `${departmentName}还没有登记下属单位（所、队）。`,
        '下属单位随检查人员名录导入登记；请核对单位名称。',
      );
    }
    if (unit !== null && previous === unit) refuse(`名单已于 ${handover.delegatedOn} 派发给${unit}。`);
    // The unit must be able to staff the teams: otherwise its draw would be refused whatever the seed.
    await inspectorPoolNow(tx, services, task, draw, departmentId, unit);
    // Whoever draws has its working days from the day it received the list (art. 19): the unit from this
    // dispatch; the department, taking its part back, from the hand-over.
    const due = inspectorsDueFrom(calendar, unit ? today : handover.handedOn, inspectorDays);
    const dueText = due.inspectorsDueText;
    const late = unit !== null && handover.dispatchDue !== null && today > handover.dispatchDue;
    await tx.draws.updateHandover(draw.id, departmentId, {
      delegatedTo: unit,
      delegatedOn: unit ? today : null,
      delegatedBy: unit ? person.id : null,
      ...due,
    });
    const entry = await tx.audit.append({
      actor: input.by,
      action: unit ? 'draw.delegate' : 'draw.take-back',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: {
        task: task.id,
        department: department.code,
        ...(unit ? { unit } : {}),
        ...(previous ? { previous } : {}),
        dispatchDue: handover.dispatchDue,
        late,
        inspectorsDue: due.inspectorsDue,
      },
    });
    // One key per dispatch (its audit entry): going back to a unit dispatched to before sends the list again.
    const key = `${drawSubject(draw.id)}:delegate:${departmentId}:${entry.seq}`;
    if (previous) {
      for (const p of reachable(await unitStaff(tx, departmentId, previous), services.platform)) {
        await tx.outbox.enqueue(
          services.platform,
          {
            op: 'send',
            message: {
              to: { userId: p.chatUserId! },
              text: `${departmentName}已${unit ? `将任务“${task.name}”（#${task.id}）的检查改由${unit}实施` : `收回任务“${task.name}”（#${task.id}）的检查`}，${previous}不再为本任务选派检查人员。`,
            },
          },
          `${key}:previous:${p.id}`,
        );
      }
    }
    const staff = unit ? reachable(await unitStaff(tx, departmentId, unit), services.platform) : [];
    if (unit) {
      const view = await targetDrawView(tx, draw, services.timeZone);
      const card = handoverCard(view, `${departmentName} · ${unit}`, {
        text: dueText,
        days: inspectorDays,
        delegatedBy: departmentName,
      });
      const sheet = services.sheets ? await picksSheet(services, tx, draw, task.name) : undefined;
      for (const p of staff) {
        const to = { userId: p.chatUserId! };
        await tx.outbox.enqueue(services.platform, { op: 'send', message: { to, card } }, `${key}:${p.id}`);
        if (sheet) {
          await tx.outbox.enqueue(
            services.platform,
            { op: 'send', message: { to, file: sheet } },
            `${key}:${p.id}:sheet`,
          );
        }
      }
    }
    await tx.outbox.enqueue(
      services.platform,
      {
        op: 'send',
        message: {
          to: { chatId: task.chatId },
          text: unit
            ? `${departmentName}已将检查对象名单派发至${unit}，由${unit}在 ${dueText} 前选派检查人员。`
            : `${departmentName}已收回委托${previous}的检查，由本部门在 ${dueText} 前选派检查人员。`,
        },
      },
      `${key}:chat`,
    );
    if (late) {
      await toOffice(tx, services.platform, `${key}:late`, {
        text: `${departmentName}于 ${today} 将任务“${task.name}”（#${task.id}）的名单派发至${unit}，超过派发期限 ${handover.dispatchDue}（名单抽取后 ${dispatchDays} 个工作日内）。`,
      });
    }
    return {
      task,
      draw,
      unit,
      previous,
      due: dueText,
      reached: staff.length,
      late,
      dispatchDue: handover.dispatchDue,
    };
  });
}
