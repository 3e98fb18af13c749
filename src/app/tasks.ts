// Joint tasks (联合抽查任务, seed 002 art. 12–13; product.md §3): the lead department's liaison launches a task from a
// filed joint plan of an approved joint annual plan; every other department reviews it (会审) and answers through
// any of its liaisons — the first answer counts for the department; a decline goes to the office, which rules
// whether the department stays in or leaves; silence past the acceptance deadline is reported to the office once.
// The task is ready for the target draw when every department has accepted or been ruled on. Each change is
// audited, every copy of each card is updated in the same transaction, and the lead is told of every answer.
import type { Card } from '../cards/card.ts';
import { partCard, rulingCard, type TaskView, taskCard } from '../cards/task-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError, STALE_CARD } from '../domain/errors.ts';
import { localDate, localStamp } from '../domain/local-date.ts';
import { checkTask, DEFAULT_ACCEPTANCE_DAYS, type TaskDraft } from '../domain/task-record.ts';
import { assignmentMachine, next, planMachine, settled, taskMachine } from '../domain/workflow.ts';
import { describeDeadline } from '../domain/working-days.ts';
import { workingCalendar } from './calendar.ts';
import { liaisonsOf, refreshCopies, sendTracked, tell, toOffice } from './card-copies.ts';
import { approvedJointPlanOf } from './joint-plan.ts';
import type { JointPlan, Person, Plan, Repos, Task, TaskDepartment } from './ports.ts';
import { type Services, sweepEach } from './services.ts';
import { settingValue } from './workspace-settings.ts';

export const taskSubject = (id: number) => `task:${id}`;
export const partSubject = (taskId: number, departmentId: number) => `task:${taskId}:dept:${departmentId}`;
/** A department's part of a task, as a log line names it. */
export const partFields = (p: { taskId: number; departmentId: number }) => ({
  task: p.taskId,
  department: p.departmentId,
});
export const rulingSubject = (taskId: number, departmentId: number) =>
  `task:${taskId}:ruling:${departmentId}`;

/** A person's words as they go inside our sentences (which end them themselves). */
const withoutFullStop = (text: string | undefined) => (text ?? '').trim().replace(/[。．.！!；;]+$/, '');

function refuse(message: string, hint?: string): never {
  throw new DomainError('TASK_FORBIDDEN', message, hint);
}

/** The task, or a refusal that says how to find one; `lock` holds it until the transaction ends. */
export async function requireTask(repos: Repos, id: number, lock = false): Promise<Task> {
  const task = lock ? await repos.tasks.lock(id) : await repos.tasks.get(id);
  if (!task) throw new DomainError('TASK_NOT_FOUND', `找不到任务 #${id}。`, '发送 /task list 查看任务。');
  return task;
}

/** Everything the task's cards show. */
export async function taskView(repos: Repos, task: Task, timeZone: string): Promise<TaskView> {
  const departments = new Map((await repos.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
  const nameOf = (id: number) => departments.get(id) ?? `#${id}`;
  const plan = await repos.plans.get(task.planId);
  const people = new Map<number, string>();
  const personName = async (id: number | null) => {
    if (id === null) return undefined;
    if (!people.has(id)) people.set(id, (await repos.people.get(id))?.name ?? `#${id}`);
    return people.get(id);
  };
  const parts = [];
  for (const part of await repos.tasks.departments(task.id)) {
    // Reachable: a liaison bound on the platform the task lives on.
    const reachable = (await liaisonsOf(repos, part.departmentId)).some(
      (p) => p.chatPlatform === task.chatPlatform && p.chatUserId !== null,
    );
    const answeredBy = await personName(part.answeredBy);
    const ruledBy = await personName(part.ruledBy);
    parts.push({
      departmentId: part.departmentId,
      department: nameOf(part.departmentId),
      state: part.state,
      version: part.version,
      ...(answeredBy ? { answeredBy } : {}),
      ...(part.answeredAt ? { answeredAt: localStamp(part.answeredAt, timeZone) } : {}),
      reason: part.reason,
      ...(ruledBy ? { ruledBy } : {}),
      ruling: part.ruling,
      noLiaison: !reachable,
      escalated: part.escalatedAt !== null,
    });
  }
  return {
    id: task.id,
    name: task.name,
    state: task.state,
    planId: task.planId,
    planName: plan?.name ?? '',
    lead: nameOf(task.leadDepartmentId),
    windowStart: task.windowStart,
    windowEnd: task.windowEnd,
    teams: task.teams,
    targetsPerTeam: task.targetsPerTeam,
    // The lead first, then the others in the plan's order.
    perTeam: [task.leadDepartmentId, ...(plan?.participantIds ?? [])]
      .filter((id) => task.perTeam[String(id)] !== undefined)
      .map((id) => ({ department: nameOf(id), count: task.perTeam[String(id)]! })),
    certificateHolders: task.certificateHolders,
    acceptanceDue: task.acceptanceDue,
    acceptanceDueText: task.acceptanceDueText,
    parts,
  };
}

const partOf = (view: TaskView, departmentId: number) => {
  const p = view.parts.find((x) => x.departmentId === departmentId);
  if (!p) throw new DomainError('TASK_NOT_PARTICIPANT', '该部门不是这项任务的参与部门。');
  return p;
};

export const taskCardOf = async (repos: Repos, task: Task, timeZone: string) =>
  taskCard(await taskView(repos, task, timeZone));

export async function partCardOf(repos: Repos, task: Task, departmentId: number, timeZone: string) {
  const view = await taskView(repos, task, timeZone);
  return partCard(view, partOf(view, departmentId));
}

export async function rulingCardOf(repos: Repos, task: Task, departmentId: number, timeZone: string) {
  const view = await taskView(repos, task, timeZone);
  return rulingCard(view, partOf(view, departmentId));
}

/** Every copy of the task's root card, and of the named departments' acceptance and ruling cards, shows them now. */
async function refreshTask(
  tx: Repos,
  task: Task,
  timeZone: string,
  departmentIds: number[],
): Promise<TaskView> {
  const view = await taskView(tx, task, timeZone);
  // The root card changes with the task and with each department's part: its stamp names both.
  const parts = departmentIds.map((id) => partOf(view, id));
  const stamp = `v${task.version}${parts.map((p) => `.d${p.departmentId}v${p.version}`).join('')}`;
  await refreshCopies(tx, taskSubject(task.id), stamp, taskCard(view));
  for (const p of parts) {
    const id = p.departmentId;
    await refreshCopies(tx, partSubject(task.id, id), `v${p.version}`, partCard(view, p));
    await refreshCopies(tx, rulingSubject(task.id, id), `v${p.version}`, rulingCard(view, p));
  }
  return view;
}

/**
 * The plan a person may launch a task from, with the approved joint annual plan that holds it: refused, saying
 * which condition fails, unless the person is the lead department's liaison and the plan is a filed joint plan of
 * an approved joint annual plan (seed 002 art. 11–12).
 */
export async function launchableFrom(
  repos: Repos,
  planId: number,
  person: Person,
): Promise<{ plan: Plan; annual: JointPlan }> {
  const plan = await repos.plans.get(planId);
  if (!plan) throw new DomainError('PLAN_NOT_FOUND', `找不到计划 #${planId}。`, '发送 /plan list 查看计划。');
  if (plan.leadDepartmentId !== person.departmentId || !person.roles.includes('liaison'))
    refuse('只有计划牵头部门的联络员可以发起联合抽查任务。');
  if (plan.kind !== 'joint') refuse('部门年度计划没有参与部门；联合抽查任务须从部门联合抽查计划发起。');
  if (plan.state !== 'filed') {
    throw new DomainError(
      'PLAN_NOT_FILED',
      `计划 #${plan.id} 当前为“${planMachine.states[plan.state]}”，备案并列入经批准的年度计划后才能发起任务。`,
    );
  }
  const annual = await approvedJointPlanOf(repos, plan);
  if (!annual) {
    throw new DomainError(
      'PLAN_NOT_APPROVED',
      `计划 #${plan.id} 还没有列入经批准的 ${plan.year} 年度部门联合抽查计划，不能发起任务。`,
      `发送 /plan annual ${plan.year} 查看年度计划的批准情况。`,
    );
  }
  return { plan, annual };
}

/**
 * Launches a task from the plan (`/task new`): the lead department's liaison only, from a filed joint plan held
 * by an approved joint annual plan. The task remembers the chat it was launched in; every liaison of each other
 * department gets the acceptance card; a department nobody can answer for is put to the office at once.
 */
export async function launchTask(
  services: Services,
  input: {
    /** `acceptanceDays` null: the workspace's setting. */
    draft: Omit<TaskDraft, 'acceptanceDays'> & { acceptanceDays: number | null };
    by: AuditActor;
    person: Person;
    chatId: string;
    /** The form card clicked (`platform:message id`): it launches one task, however often it is clicked. */
    launchedFrom: string;
    today: string;
  },
): Promise<{ task: Task; card: Card }> {
  const { person } = input;
  const calendar = await workingCalendar(services.store);
  const departments = new Map((await services.store.departments.list()).map((d) => [d.id, d]));
  const draft: TaskDraft = {
    ...input.draft,
    acceptanceDays:
      input.draft.acceptanceDays ??
      (await settingValue(services.store, 'tasks.acceptanceDays')) ??
      DEFAULT_ACCEPTANCE_DAYS,
  };
  return services.store.transaction(async (tx) => {
    const launched = await tx.tasks.findLaunchedFrom(input.launchedFrom);
    if (launched) {
      throw new DomainError(STALE_CARD, `这张表单已发起任务 #${launched.id}，不会重复发起。`);
    }
    const { plan, annual } = await launchableFrom(tx, draft.planId, person);
    const problems = checkTask(draft, plan, {
      today: input.today,
      departmentName: (id) => departments.get(id)?.shortName ?? departments.get(id)?.name ?? `#${id}`,
    });
    const due = calendar.addWorkingDays(input.today, draft.acceptanceDays);
    // The review must end before the checks begin (seed 002 art. 12: the task is reviewed, then drawn).
    if (due.ok && due.date >= draft.windowStart) {
      problems.push({
        field: '会审期限',
        problem: `会审截止日 ${due.date} 不早于检查开始日期 ${draft.windowStart}，请推迟检查开始日期或缩短会审期限`,
      });
    }
    if (problems.length > 0) {
      throw new DomainError(
        'TASK_INVALID',
        problems.map((p) => `${p.field}：${p.problem}`).join('；'),
        '请修改后重新提交表单。',
      );
    }
    const perTeam = Object.fromEntries(
      [plan.leadDepartmentId, ...plan.participantIds].map((id) => [String(id), draft.perTeam[String(id)]!]),
    );
    const { task } = await tx.tasks.create(
      {
        planId: plan.id,
        jointPlanId: annual.id,
        name: draft.name.trim(),
        leadDepartmentId: plan.leadDepartmentId,
        chatPlatform: services.platform,
        chatId: input.chatId,
        windowStart: draft.windowStart,
        windowEnd: draft.windowEnd,
        teams: draft.teams,
        targetsPerTeam: draft.targetsPerTeam,
        perTeam,
        certificateHolders: draft.certificateHolders,
        acceptanceDays: draft.acceptanceDays,
        launchedOn: input.today,
        launchedFrom: input.launchedFrom,
        acceptanceDue: due.ok ? due.date : null,
        acceptanceDueText: describeDeadline(due),
        createdBy: person.id,
      },
      plan.participantIds,
    );
    await tx.audit.append({
      actor: input.by,
      action: 'task.launch',
      subject: taskSubject(task.id),
      outcome: 'ok',
      details: {
        plan: `${plan.id}@v${plan.version}`,
        jointPlan: annual.id,
        window: `${task.windowStart}..${task.windowEnd}`,
        acceptanceDue: task.acceptanceDue,
        departments: plan.participantIds.join(','),
      },
    });
    const key = `${taskSubject(task.id)}:launch`;
    const reachable = new Map<number, Person[]>();
    for (const part of await tx.tasks.departments(task.id)) {
      const liaisons = (await liaisonsOf(tx, part.departmentId)).filter(
        (l) => l.chatPlatform === services.platform && l.chatUserId,
      );
      reachable.set(part.departmentId, liaisons);
      // Nobody can answer: put to the office now, marked so that the deadline does not report it again.
      if (liaisons.length === 0) {
        await tx.tasks.updateDepartment(task.id, part.departmentId, part.version, {
          escalatedAt: services.clock.now(),
        });
      }
    }
    const view = await taskView(tx, task, services.timeZone);
    for (const p of view.parts) {
      const liaisons = reachable.get(p.departmentId) ?? [];
      for (const l of liaisons) {
        await sendTracked(
          tx,
          services.platform,
          { userId: l.chatUserId! },
          partSubject(task.id, p.departmentId),
          `${key}:dept:${p.departmentId}:${l.id}`,
          partCard(view, p),
        );
      }
      if (liaisons.length === 0) {
        await toOffice(tx, services.platform, `${key}:unreachable:${p.departmentId}`, {
          card: rulingCard(view, p),
          subject: rulingSubject(task.id, p.departmentId),
        });
      }
    }
    // A plan with no other department (not possible through the form) has nothing to review.
    const current = await settleIfDone(tx, task);
    return { task: current, card: taskCard(await taskView(tx, current, services.timeZone)) };
  });
}

/** Moves the task on once every department is settled (accepted, or ruled on by the office). */
async function settleIfDone(tx: Repos, task: Task): Promise<Task> {
  const parts = await tx.tasks.departments(task.id);
  if (task.state !== 'reviewing' || !parts.every((p) => settled(p.state))) return task;
  const ready = await tx.tasks.update(task.id, task.version, {
    state: next(taskMachine, task.state, 'settle'),
  });
  if (!ready) throw new DomainError(STALE_CARD, '任务刚被其他人修改，请重试。');
  return ready;
}

async function loadPart(tx: Repos, taskId: number, departmentId: number, version: number) {
  // Locked: two departments answering at once settle the task one after the other.
  const task = await tx.tasks.lock(taskId);
  if (!task) throw new DomainError('TASK_NOT_FOUND', `找不到任务 #${taskId}。`, '发送 /task list 查看任务。');
  const part = (await tx.tasks.departments(taskId)).find((p) => p.departmentId === departmentId);
  if (!part) throw new DomainError('TASK_NOT_PARTICIPANT', '该部门不是这项任务的参与部门。');
  if (part.version !== version) {
    throw new DomainError(
      STALE_CARD,
      part.state === 'pending'
        ? '此卡片已过期，已更新为最新情况。'
        : `本部门已答复（${assignmentMachine.states[part.state]}），无需再次操作。`,
    );
  }
  return { task, part };
}

/**
 * A liaison answers for their department: accept, or decline with a reason. The first answer counts; the
 * department's other liaisons see it on their cards, the lead is told, a decline goes to the office.
 */
export async function answerTask(
  services: Services,
  input: {
    taskId: number;
    departmentId: number;
    version: number;
    event: 'accept' | 'decline';
    reason?: string;
    by: AuditActor;
    person: Person;
  },
): Promise<{ card: Card }> {
  const { person, event } = input;
  const reason = withoutFullStop(input.reason);
  return services.store.transaction(async (tx) => {
    const { task, part } = await loadPart(tx, input.taskId, input.departmentId, input.version);
    if (person.departmentId !== part.departmentId || !person.roles.includes('liaison'))
      refuse('只有该参与部门的联络员可以答复会审。');
    if (task.state !== 'reviewing')
      refuse(`任务当前为“${taskMachine.states[task.state]}”，不再接受会审答复。`);
    if (event === 'decline' && !reason) throw new DomainError('TASK_REASON', '拒绝时请写明原因。');
    const state = next(assignmentMachine, part.state, event);
    const updated = await tx.tasks.updateDepartment(task.id, part.departmentId, part.version, {
      state,
      answeredBy: person.id,
      answeredAt: services.clock.now(),
      reason: event === 'decline' ? reason : null,
    });
    if (!updated) throw new DomainError(STALE_CARD, '本部门的其他联络员刚刚答复，此卡片已更新为最新情况。');
    await tx.audit.append({
      actor: input.by,
      action: `task.${event}`,
      subject: partSubject(task.id, part.departmentId),
      outcome: 'ok',
      details: { from: part.state, to: state, ...(reason ? { reason } : {}) },
    });
    const current = await settleIfDone(tx, task);
    const view = await refreshTask(tx, current, services.timeZone, [part.departmentId]);
    const p = partOf(view, part.departmentId);
    const key = `${partSubject(task.id, part.departmentId)}@v${updated.version}`;
    const lead = await liaisonsOf(tx, task.leadDepartmentId);
    await tell(
      tx,
      services.platform,
      lead,
      event === 'accept'
        ? `${p.department}（${person.name}）已接受任务“${task.name}”（#${task.id}）。`
        : `${p.department}（${person.name}）拒绝参加任务“${task.name}”（#${task.id}）：${reason}。已报联席会议办公室裁定。`,
      `${key}:lead`,
    );
    if (event === 'decline') {
      await toOffice(tx, services.platform, key, {
        card: rulingCard(view, p),
        subject: rulingSubject(task.id, part.departmentId),
      });
    }
    if (current.state === 'ready') await tellReady(tx, services, current);
    return { card: partCard(view, p) };
  });
}

async function tellReady(tx: Repos, services: Services, task: Task) {
  await tell(
    tx,
    services.platform,
    await liaisonsOf(tx, task.leadDepartmentId),
    `任务“${task.name}”（#${task.id}）各参与部门已完成会审，可以抽取检查对象。`,
    `${taskSubject(task.id)}:ready`,
  );
}

/** The office rules on a department that declined, stayed silent or has no liaison: it stays in, or leaves. */
export async function ruleOnTask(
  services: Services,
  input: {
    taskId: number;
    departmentId: number;
    version: number;
    decision: 'keep' | 'release';
    ruling?: string;
    by: AuditActor;
    person: Person;
  },
): Promise<{ card: Card }> {
  const ruling = withoutFullStop(input.ruling) || null;
  return services.store.transaction(async (tx) => {
    const { task, part } = await loadPart(tx, input.taskId, input.departmentId, input.version);
    if (!input.person.roles.includes('office')) refuse('只有联席会议办公室可以裁定。');
    if (task.state !== 'reviewing') refuse(`任务当前为“${taskMachine.states[task.state]}”，不再需要裁定。`);
    if (part.answeredBy === input.person.id)
      refuse('不能裁定自己所作的答复。', '请由办公室的另一位同事处理。');
    const state = next(assignmentMachine, part.state, input.decision);
    const updated = await tx.tasks.updateDepartment(task.id, part.departmentId, part.version, {
      state,
      ruledBy: input.person.id,
      ruling,
    });
    if (!updated) throw new DomainError(STALE_CARD, '刚有人处理过，此卡片已更新为最新情况。');
    await tx.audit.append({
      actor: input.by,
      action: `task.${input.decision}`,
      subject: partSubject(task.id, part.departmentId),
      outcome: 'ok',
      details: { from: part.state, to: state, ...(ruling ? { ruling } : {}) },
    });
    const current = await settleIfDone(tx, task);
    const view = await refreshTask(tx, current, services.timeZone, [part.departmentId]);
    const p = partOf(view, part.departmentId);
    const text = `联席会议办公室裁定：${p.department}${input.decision === 'keep' ? '参加' : '退出'}任务“${task.name}”（#${task.id}）${ruling ? `。说明：${ruling}` : ''}。`;
    const key = `${partSubject(task.id, part.departmentId)}@v${updated.version}`;
    await tell(
      tx,
      services.platform,
      [...(await liaisonsOf(tx, task.leadDepartmentId)), ...(await liaisonsOf(tx, part.departmentId))],
      text,
      `${key}:ruled`,
    );
    if (current.state === 'ready') await tellReady(tx, services, current);
    return { card: rulingCard(view, p) };
  });
}

/**
 * Computes the acceptance deadlines that fell into a year the calendar did not cover at launch, once it does
 * (after `jointcheck calendar import`), and shows them on every copy of the task's cards.
 */
async function fillDeadlines(services: Services): Promise<void> {
  const waiting = await services.store.tasks.withoutDeadline(services.platform);
  if (waiting.length === 0) return;
  const calendar = await workingCalendar(services.store);
  for (const found of waiting) {
    const from = found.launchedOn ?? localDate(found.createdAt, services.timeZone);
    const due = calendar.addWorkingDays(from, found.acceptanceDays);
    if (!due.ok) continue;
    await services.store.transaction(async (tx) => {
      const task = await tx.tasks.lock(found.id);
      if (!task || task.acceptanceDue !== null) return;
      const updated = await tx.tasks.update(task.id, task.version, {
        acceptanceDue: due.date,
        acceptanceDueText: describeDeadline(due),
      });
      if (!updated) return;
      await tx.audit.append({
        actor: { kind: 'system', id: 'scheduler' },
        action: 'task.deadline',
        subject: taskSubject(task.id),
        outcome: 'ok',
        details: { acceptanceDue: due.date },
      });
      const parts = (await tx.tasks.departments(task.id)).map((p) => p.departmentId);
      await refreshTask(tx, updated, services.timeZone, parts);
    });
  }
}

/**
 * The deadline sweep: fills in deadlines the calendar can now compute, then reports each department still
 * silent after its task's acceptance deadline to the office, once (the mark and the message commit together
 * under the task's lock; a second instance finds the mark and sends nothing). Returns how many it reported.
 * One failing task is logged and does not hold up the others.
 */
export async function escalateOverdue(services: Services, today: string): Promise<number> {
  await fillDeadlines(services);
  const overdue: TaskDepartment[] = await services.store.tasks.overdue(today, services.platform);
  return sweepEach(services, overdue, 'escalating an overdue review failed', partFields, async (tx, part) => {
    const task = (await tx.tasks.lock(part.taskId))!;
    const updated = await tx.tasks.updateDepartment(part.taskId, part.departmentId, part.version, {
      escalatedAt: services.clock.now(),
    });
    if (!updated || task.state !== 'reviewing') return false;
    await tx.audit.append({
      actor: { kind: 'system', id: 'scheduler' },
      action: 'task.escalate',
      subject: partSubject(task.id, part.departmentId),
      outcome: 'ok',
      details: { acceptanceDue: task.acceptanceDue, today },
    });
    const view = await refreshTask(tx, task, services.timeZone, [part.departmentId]);
    const p = partOf(view, part.departmentId);
    const key = `${partSubject(task.id, part.departmentId)}:escalate`;
    await toOffice(tx, services.platform, key, {
      card: rulingCard(view, p),
      subject: rulingSubject(task.id, part.departmentId),
    });
    await tell(
      tx,
      services.platform,
      await liaisonsOf(tx, task.leadDepartmentId),
      `${p.department}在会审截止日 ${task.acceptanceDueText} 前未答复任务“${task.name}”（#${task.id}），已报联席会议办公室裁定。`,
      `${key}:lead`,
    );
    return true;
  });
}
