// Delegating a department's part of a task to one of its sub-units (seed 000 art. 18: 上级部门可委托下级部门进行检查，
// 并应在名单抽取后5个工作日内派发至检查部门). The department's liaison dispatches the drawn list to a 所/队 it has on
// record; the sub-unit receives the list and, from that day, has its own working days to draw inspectors from its
// own people (seed 000 art. 19: 收到名单后5个工作日内). The department stays answerable: its liaison may still act.
import { handoverCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import { localDate } from '../domain/local-date.ts';
import { describeDeadline } from '../domain/working-days.ts';
import { workingCalendar } from './calendar.ts';
import { toOffice } from './card-copies.ts';
import { refuse } from './draw-protocol.ts';
import { drawSubject, reachable, takingPart, targetDrawView } from './draw-views.ts';
import { picksSheet } from './draws.ts';
import type { Person, Repos } from './ports.ts';
import type { Services } from './services.ts';
import { requireTask } from './tasks.ts';
import { settingValue } from './workspace-settings.ts';

/** The people of a sub-unit who receive its list and may draw for it: its bound liaisons and operators (经办人). */
export async function unitStaff(repos: Repos, departmentId: number, unit: string): Promise<Person[]> {
  return (await repos.people.listByDepartment(departmentId)).filter(
    (p) => p.unit === unit && (p.roles.includes('operator') || p.roles.includes('liaison')),
  );
}

/** The department's hand-over of the task's current target draw, if the list was handed over. */
export async function handoverOf(repos: Repos, taskId: number, departmentId: number) {
  const draw = (await repos.draws.forTask(taskId)).find((d) => d.kind === 'targets' && d.state === 'drawn');
  if (!draw) return undefined;
  const handover = (await repos.draws.handovers(draw.id)).find((h) => h.departmentId === departmentId);
  return handover && { draw, handover };
}

/** `/draw delegate <任务> <下属单位>`: the department's liaison dispatches the list to a sub-unit. */
export async function delegateList(
  services: Services,
  input: { taskId: number; unit: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const unit = input.unit.trim();
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
      refuse(`本部门已发布选派公告（抽取 #${existing.id}），检查人员由该次抽取选派，不能再委托下属单位。`);
    const department = (await tx.departments.get(departmentId))!;
    const departmentName = department.shortName ?? department.name;
    if (!department.units.includes(unit)) {
      throw new DomainError(
        'UNKNOWN_UNIT',
        department.units.length
          ? `${departmentName}没有名为“${unit}”的下属单位。已登记的下属单位：${department.units.join('、')}。`
          : `${departmentName}还没有登记下属单位（所、队）。`,
        '下属单位随检查人员名录导入登记；请核对单位名称。',
      );
    }
    if (handover.delegatedTo === unit) refuse(`名单已于 ${handover.delegatedOn} 派发给${unit}。`);
    if (!(await tx.inspectors.candidates(departmentId)).some((c) => c.unit === unit && c.active))
      refuse(`${unit}在检查人员名录中没有在职人员，不能承担选派。`, '请先导入该单位的检查人员名录。');
    // The sub-unit's inspector deadline runs from the day it first received the list; a second dispatch (to a
    // different unit, correcting a mistake) does not restart it.
    const first = handover.delegatedOn ?? today;
    const due = calendar.addWorkingDays(first, inspectorDays);
    const dueText = describeDeadline(due);
    const late = handover.dispatchDue !== null && today > handover.dispatchDue;
    await tx.draws.delegate(draw.id, departmentId, {
      delegatedTo: unit,
      delegatedOn: first,
      delegatedBy: person.id,
      inspectorsDue: due.ok ? due.date : null,
      inspectorsDueText: dueText,
    });
    await tx.audit.append({
      actor: input.by,
      action: 'draw.delegate',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: {
        task: task.id,
        department: department.code,
        unit,
        ...(handover.delegatedTo ? { previous: handover.delegatedTo } : {}),
        dispatchDue: handover.dispatchDue,
        late,
        inspectorsDue: due.ok ? due.date : null,
      },
    });
    const staff = reachable(await unitStaff(tx, departmentId, unit), services.platform);
    const view = await targetDrawView(tx, draw, services.timeZone);
    const card = handoverCard(view, `${departmentName} · ${unit}`, {
      text: dueText,
      days: inspectorDays,
      delegatedBy: departmentName,
    });
    const sheet = services.sheets ? await picksSheet(services, tx, draw, task.name) : undefined;
    const key = `${drawSubject(draw.id)}:delegate:${departmentId}:${unit}`;
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
    await tx.outbox.enqueue(
      services.platform,
      {
        op: 'send',
        message: {
          to: { chatId: task.chatId },
          text: `${departmentName}已将检查对象名单派发至${unit}，由${unit}在 ${dueText} 前选派检查人员。`,
        },
      },
      `${key}:chat`,
    );
    if (late) {
      await toOffice(tx, services.platform, `${key}:late`, {
        text: `${departmentName}于 ${today} 将任务“${task.name}”（#${task.id}）的名单派发至${unit}，超过派发期限 ${handover.dispatchDue}（名单抽取后 ${dispatchDays} 个工作日内）。`,
      });
    }
    return { task, draw, unit, due: dueText, reached: staff.length, late, dispatchDue: handover.dispatchDue };
  });
}
