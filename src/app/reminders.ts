// Reminders for the steps people owe (product.md §3), in direct messages to whoever owes the step, 3 and 1 working
// days before its deadline and on the day — never on the day the step was handed to them, whose card says the
// deadline already — from 09:00 on working days. Nothing is sent twice for the same step on the same day, also from
// two instances or after a restart: each message's outbox key names the day.
// - Answering a task's review (会审, seed 002 art. 12): the department's liaisons. Past the deadline the office
//   rules (tasks.ts, escalateOverdue), so there is nothing more to remind.
// - Drawing the inspectors (seed 000 art. 19: within 5 working days of receiving the list): the department's
//   liaisons, or the staff of the sub-unit it delegated its part to; past the deadline, every working day, and the
//   office is told once.
import { localDate, localHour } from '../domain/local-date.ts';
import { workingCalendar } from './calendar.ts';
import { liaisonsOf, tell, toOffice } from './card-copies.ts';
import { drawSubject, inspectorsDueFrom, unitStaff } from './draw-views.ts';
import type { OwedInspectorDraw, Repos } from './ports.ts';
import { type Services, sweepEach } from './services.ts';
import { partFields, partSubject } from './tasks.ts';
import { settingValue } from './workspace-settings.ts';

/** Reminders go out from this hour of the workspace's day: a sweep in the night leaves them for the morning. */
export const REMIND_FROM_HOUR = 9;
/** Working days before the deadline on which the owner is reminded (and on the day itself, 0). */
const AHEAD = [3, 1, 0];

/** Today, when reminders may go out now (a working day, from `REMIND_FROM_HOUR`); else undefined. */
async function reminderDay(services: Services) {
  const now = services.clock.now();
  const today = localDate(now, services.timeZone);
  const calendar = await workingCalendar(services.store);
  if (localHour(now, services.timeZone) < REMIND_FROM_HOUR || calendar.isWorkingDay(today) !== true) return;
  return { today, calendar };
}

/** Whether a step handed over on `since` and due in `left` working days is reminded of today. */
const remindAhead = (left: number, today: string, since: string) =>
  left >= 0 && AHEAD.includes(left) && since < today;

/**
 * Sends today's reminders to the departments that have not answered a task's review (会审). Returns how many
 * departments were due one today.
 */
export async function remindReviews(services: Services): Promise<number> {
  const day = await reminderDay(services);
  if (!day) return 0;
  const { today, calendar } = day;
  const awaiting = await services.store.tasks.awaiting(services.platform);
  return sweepEach(services, awaiting, 'reminding a review failed', partFields, async (tx, part) => {
    const task = (await tx.tasks.get(part.taskId))!;
    // Answered (or reported) since the list was read: nothing to remind.
    const current = (await tx.tasks.departments(task.id)).find((p) => p.departmentId === part.departmentId);
    if (!task.acceptanceDue || current?.state !== 'pending' || current.escalatedAt) return false;
    const left = calendar.workingDaysBetween(today, task.acceptanceDue);
    const since = task.launchedOn ?? localDate(task.createdAt, services.timeZone);
    if (typeof left !== 'number' || !remindAhead(left, today, since)) return false;
    const due = task.acceptanceDueText;
    await tell(
      tx,
      services.platform,
      await liaisonsOf(tx, part.departmentId),
      `任务“${task.name}”（#${task.id}）：${left > 0 ? `本部门答复是否参加（会审）的期限是 ${due}，还有 ${left} 个工作日` : `今天 ${due}是本部门答复是否参加（会审）的最后期限`}。会审卡片在您与机器人的单聊中；逾期未答复的，将报联席会议办公室裁定。`,
      `${partSubject(task.id, part.departmentId)}:remind:${today}`,
    );
    return true;
  });
}

/**
 * Whoever owes the draw — the sub-unit's staff when the part was delegated, else (or when none of them can be
 * reached) the department's liaisons — and what to call the owner in the message.
 */
async function owners(tx: Repos, owed: OwedInspectorDraw, department: string) {
  const unit = owed.delegatedTo ? await unitStaff(tx, owed.departmentId, owed.delegatedTo) : [];
  return unit.length > 0
    ? { people: unit, who: `${department}委托本单位` }
    : {
        people: await liaisonsOf(tx, owed.departmentId),
        who: owed.delegatedTo ? `本部门（已委托${owed.delegatedTo}）` : '本部门',
      };
}

/** What the owner is told: the task, the deadline, how far off or overdue, and what to send. */
function reminderText(
  task: { id: number; name: string },
  owed: OwedInspectorDraw,
  left: number,
  who: string,
) {
  const due = owed.inspectorsDueText;
  const when =
    left > 0
      ? `${who}选派检查人员的期限是 ${due}，还有 ${left} 个工作日`
      : left === 0
        ? `今天 ${due}是${who}选派检查人员的最后期限`
        : `${who}选派检查人员已逾期 ${-left} 个工作日（期限 ${due}），已报联席会议办公室`;
  const todo = owed.noticeId
    ? `选派公告已发布（抽取 #${owed.noticeId}），请在揭示时间后点击公告卡片上的“抽取”。`
    : `请发送 /draw inspectors ${task.id} 发布选派公告并抽取。`;
  return `任务“${task.name}”（#${task.id}）：${when}。${todo}`;
}

/**
 * Sends today's reminders for every inspector draw still owed, and tells the office of each one overdue (once). A
 * deadline the calendar could not compute at the hand-over is computed and stored once it can (until then that
 * draw is not chased); a redraw of a department's inspectors gives it a new deadline (redraws.ts). Returns how many
 * owed draws were due a message today. One failing task is logged and does not hold up the others.
 */
export async function chaseInspectorDraws(services: Services): Promise<number> {
  const day = await reminderDay(services);
  if (!day) return 0;
  const { today, calendar } = day;
  const days = (await settingValue(services.store, 'draws.inspectorDays'))!;
  const owedDraws = await services.store.draws.inspectorsOwed(services.platform);
  return sweepEach(services, owedDraws, 'chasing an inspector draw failed', partFields, async (tx, found) => {
    let owed = found;
    // A deadline past the calendar's years at the hand-over is computed once the schedule is imported.
    if (!owed.inspectorsDue) {
      const due = inspectorsDueFrom(calendar, owed.delegatedOn ?? owed.handedOn, days);
      if (!due.inspectorsDue) return false;
      owed = { ...owed, ...due };
      await tx.draws.updateHandover(owed.drawId, owed.departmentId, due);
    }
    const left = calendar.workingDaysBetween(today, owed.inspectorsDue!);
    if (typeof left !== 'number') return false;
    // The step was handed over on the hand-over, the dispatch to a sub-unit, or an approved redraw, the latest.
    const redrawn = owed.redrawnAt ? localDate(owed.redrawnAt, services.timeZone) : '';
    const since = [owed.handedOn, owed.delegatedOn ?? '', redrawn].sort().at(-1)!;
    if (left >= 0 && !remindAhead(left, today, since)) return false;
    const task = (await tx.tasks.get(owed.taskId))!;
    const department = (await tx.departments.get(owed.departmentId))!;
    const name = department.shortName ?? department.name;
    const key = `${drawSubject(owed.drawId)}:inspectors-due:${owed.departmentId}`;
    const { people, who } = await owners(tx, owed, name);
    await tell(tx, services.platform, people, reminderText(task, owed, left, who), `${key}:${today}`);
    if (left < 0) {
      await toOffice(tx, services.platform, `${key}:overdue:${owed.inspectorsDue}`, {
        text: `任务“${task.name}”（#${task.id}）：${name}${owed.delegatedTo ? `（已委托${owed.delegatedTo}）` : ''}未在期限 ${owed.inspectorsDueText}前选派检查人员${owed.noticeId ? `（选派公告已发布，抽取 #${owed.noticeId}，尚未抽取）` : '（尚未发布选派公告）'}，请督促。`,
      });
    }
    return true;
  });
}
