// Redraws (product.md §4.7): a draw is never deleted or silently redone. Whoever may draw asks, with a reason; a
// second office member — never the one who asked — approves or rejects. Approval supersedes the draw (kept, its
// card marked, its picks shown beside the new ones) and reopens the step: a new notice, new contributions, a new
// draw. Redoing the targets supersedes the departments' inspector draws too, whose teams no longer exist.
import { type OfficeRequestView, officeRequestCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import { localDate } from '../domain/local-date.ts';
import { drawMachine, next, redrawMachine, taskMachine } from '../domain/workflow.ts';
import { workingCalendar } from './calendar.ts';
import { liaisonsOf, refreshCopies, tell, toOffice } from './card-copies.ts';
import { checkDecision, type DecisionInput, lockDraw, recordDecision, refuse } from './draw-protocol.ts';
import { drawCardOf, drawSubject, inspectorsDueFrom, requestBasics, takingPart } from './draw-views.ts';
import type { Draw, Person, RedrawRequest, Repos, Task } from './ports.ts';
import type { Services } from './services.ts';
import { taskCardOf, taskSubject } from './tasks.ts';
import { settingValue } from './workspace-settings.ts';

export const redrawSubject = (id: number) => `redraw:${id}`;

async function redrawView(repos: Repos, request: RedrawRequest): Promise<OfficeRequestView> {
  const { draw, task, name, view } = await requestBasics(repos, request, 'decide');
  const department = await repos.departments.get(draw.departmentId);
  const what =
    draw.kind === 'targets' ? '检查对象' : `${department?.shortName ?? department?.name ?? ''}的检查人员`;
  return {
    ...view,
    title: `重新抽取申请：${task.name}`,
    subtitle: `抽取 #${draw.id}`,
    facts: [
      { label: '任务', value: `#${task.id} ${task.name}` },
      { label: '抽取', value: `#${draw.id} ${what}` },
      { label: '申请人', value: (await name(request.requestedBy)) ?? '' },
      { label: '原因', value: request.reason },
    ],
    consequence:
      '批准后原抽取作废但保留备查，须重新发布公告、重新贡献随机数和抽取；原抽中结果与新结果并列公布。',
    approveLabel: '批准重新抽取',
  };
}

export const redrawCardOf = async (repos: Repos, request: RedrawRequest) =>
  officeRequestCard(await redrawView(repos, request));

/** Asks to redo a draw: whoever may draw it (its department's liaison, or the office), with a reason. */
export async function requestRedraw(
  services: Services,
  input: { drawId: number; reason: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const reason = input.reason.trim();
  if (reason.length < 4) throw new DomainError('REDRAW_REASON', '请写明重新抽取的原因（至少 4 个字）。');
  return services.store.transaction(async (tx) => {
    const { task, draw } = await lockDraw(tx, input.drawId);
    const office = person.roles.includes('office');
    if (!office && !(person.roles.includes('liaison') && person.departmentId === draw.departmentId))
      refuse('只有该次抽取所属部门的联络员或联席会议办公室可以申请重新抽取。');
    if (draw.state === 'superseded') refuse(`抽取 #${draw.id} 已被重新抽取取代。`);
    const request = await tx.draws.requestRedraw({ drawId: draw.id, reason, requestedBy: person.id });
    if (!request) refuse(`抽取 #${draw.id} 已有待审批的重新抽取申请。`);
    await tx.audit.append({
      actor: input.by,
      action: 'draw.redraw-request',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: { request: request.id, reason },
    });
    const card = await redrawCardOf(tx, request);
    await toOffice(
      tx,
      services.platform,
      `${redrawSubject(request.id)}:request`,
      { card, subject: redrawSubject(request.id) },
      person.id,
    );
    return { request, task, card };
  });
}

/**
 * A second office member decides. Approval supersedes the draw (and, for the targets, every inspector draw of the
 * task) and sends the task back to the step that drew it.
 */
export async function decideRedraw(services: Services, input: DecisionInput) {
  return services.store.transaction(async (tx) => {
    const asked = await tx.draws.redraw(input.requestId);
    if (!asked) throw new DomainError('REDRAW_NOT_FOUND', `找不到重新抽取申请 #${input.requestId}。`);
    const { task, draw } = await lockDraw(tx, asked.drawId);
    // Read again under the draw's lock: a decision made meanwhile is seen as such.
    const found = (await tx.draws.redraw(asked.id))!;
    const note = checkDecision(found, input, {
      office: '只有联席会议办公室可以审批重新抽取。',
      notSelf: '重新抽取须由申请人以外的另一位办公室成员审批。',
      noteCode: 'REDRAW_NOTE',
    });
    if (input.decision === 'approve' && draw.state === 'superseded')
      refuse(`抽取 #${draw.id} 已经作废，无需再重新抽取。`, '请驳回这项申请。');
    const decided = await recordDecision(tx, services, found, input, {
      decide: tx.draws.decideRedraw,
      machine: redrawMachine,
      action: 'draw.redraw',
      drawId: draw.id,
      note,
      extra: {},
    });
    const requester = (await tx.people.get(found.requestedBy))!;
    const key = `${redrawSubject(found.id)}:${input.decision}`;
    if (input.decision === 'reject') {
      await tell(
        tx,
        services.platform,
        [requester],
        `联席会议办公室驳回了重新抽取任务“${task.name}”（#${task.id}）抽取 #${draw.id} 的申请：${note}`,
        key,
      );
    } else {
      await supersede(tx, services, task, draw, found.reason, key);
    }
    const card = await redrawCardOf(tx, decided);
    await refreshCopies(tx, redrawSubject(found.id), `v${decided.version}`, card);
    return { card };
  });
}

/** Marks the draw (and what depended on it) superseded, moves the task back, and tells who must draw again. */
async function supersede(tx: Repos, services: Services, task: Task, draw: Draw, reason: string, key: string) {
  const dependent =
    draw.kind === 'targets'
      ? (await tx.draws.forTask(task.id)).filter((d) => d.kind === 'inspectors' && d.state !== 'superseded')
      : [];
  for (const [d, why] of [
    [draw, reason],
    ...dependent.map((d): [Draw, string] => [d, `检查对象重新抽取（抽取 #${draw.id}），原检查组作废`]),
  ] as [Draw, string][]) {
    const done = (await tx.draws.update(d.id, d.version, {
      state: next(drawMachine, d.state, 'supersede'),
      supersedeReason: why,
    }))!;
    // Requests about a draw that is gone are closed with it.
    for (const open of (await tx.draws.redraws(d.id)).filter((r) => r.state === 'requested')) {
      await tx.draws.decideRedraw(open.id, open.version, {
        state: 'rejected',
        decidedBy: null,
        decisionNote: `抽取 #${d.id} 已作废`,
        decidedAt: services.clock.now(),
      });
    }
    await refreshCopies(
      tx,
      drawSubject(d.id),
      `v${done.version}`,
      await drawCardOf(tx, done, services.timeZone),
    );
  }
  const event = draw.kind === 'targets' ? 'redraw' : task.state === 'staffed' ? 'restaff' : undefined;
  const moved = event
    ? (await tx.tasks.update(task.id, task.version, { state: next(taskMachine, task.state, event) }))!
    : task;
  if (moved !== task) {
    await refreshCopies(
      tx,
      taskSubject(task.id),
      `v${moved.version}`,
      await taskCardOf(tx, moved, services.timeZone),
    );
  }
  // Drawing the inspectors again is the department's step again: 5 working days from the approval (art. 19), so
  // the reminders (reminders.ts) count from here, not from the first hand-over.
  let dueText = '';
  if (draw.kind === 'inspectors') {
    const target = (await tx.draws.forTask(task.id)).find((d) => d.kind === 'targets' && d.state === 'drawn');
    if (target) {
      const days = (await settingValue(tx, 'draws.inspectorDays'))!;
      const today = localDate(services.clock.now(), services.timeZone);
      const due = inspectorsDueFrom(await workingCalendar(tx), today, days);
      dueText = due.inspectorsDueText;
      await tx.draws.updateHandover(target.id, draw.departmentId, due);
    }
  }
  const told: Person[] = [];
  const departments = draw.kind === 'targets' ? await takingPart(tx, task) : [draw.departmentId];
  for (const id of departments) told.push(...(await liaisonsOf(tx, id)));
  await tell(
    tx,
    services.platform,
    told,
    draw.kind === 'targets'
      ? `联席会议办公室已批准重新抽取任务“${task.name}”（#${task.id}）的检查对象（原因：${reason}）。原名单和各部门的选派作废但保留备查；牵头部门联络员请发送 /draw targets ${task.id} 重新发布抽取公告。`
      : `联席会议办公室已批准重新选派任务“${task.name}”（#${task.id}）本部门的检查人员（原因：${reason}）。原选派作废但保留备查；请${dueText ? `在 ${dueText}前` : ''}发送 /draw inspectors ${task.id} 重新发布选派公告并抽取。`,
    key,
  );
}
