// Plans (抽查计划) from draft to filing (备案, seed 000 art. 13–15; seed 001 (五)): a liaison or operator of the
// lead department drafts, a liaison submits, the office files or returns it with a reason — never the person
// who submitted it. A filed plan changes only through a new revision, due for re-filing within 10 working days
// (seed 000 art. 15). Every change is audited, every copy of the plan's card is updated in the same transaction,
// and the people who owe the next step are told.

import type { Card } from '../cards/card.ts';
import { type PlanView, planCard } from '../cards/plan-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError, STALE_CARD } from '../domain/errors.ts';
import { checkPlan, estimateDraw, type PlanDraft, type PlanMatter } from '../domain/plan-record.ts';
import { next, type PlanEvent, planMachine } from '../domain/workflow.ts';
import { describeDeadline } from '../domain/working-days.ts';
import { workingCalendar } from './calendar.ts';
import { liaisonsOf, refreshCopies, setOfficeChat, tell, toOffice } from './card-copies.ts';
import type { Person, Plan, Repos } from './ports.ts';
import type { Services } from './services.ts';
import { settingValue } from './workspace-settings.ts';

export const planSubject = (id: number) => `plan:${id}`;
export async function designateOfficeChat(services: Services, chatId: string, by: AuditActor): Promise<void> {
  await services.store.transaction(async (tx) => {
    await setOfficeChat(tx, services.platform, chatId);
    await tx.audit.append({ actor: by, action: 'office.chat', subject: `chat:${chatId}`, outcome: 'ok' });
  });
}

/** The matters of a plan as the checks need them. */
async function mattersOf(repos: Repos, ids: readonly number[]): Promise<PlanMatter[]> {
  const wanted = new Set(ids);
  return (await repos.matters.list())
    .filter((m) => wanted.has(m.id) && m.active)
    .map((m) => ({
      id: m.id,
      departmentId: m.departmentId,
      name: m.name,
      level: m.level,
      ratioFloor: m.ratioFloor,
      ratioCeiling: m.ratioCeiling,
    }));
}

/** Everything a plan's card shows. */
export async function planView(repos: Repos, plan: Plan): Promise<PlanView> {
  const departments = new Map((await repos.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
  const nameOf = async (id: number | null) => (id === null ? undefined : (await repos.people.get(id))?.name);
  const submittedBy = await nameOf(plan.submittedBy);
  const decidedBy = await nameOf(plan.decidedBy);
  return {
    plan,
    lead: departments.get(plan.leadDepartmentId) ?? `#${plan.leadDepartmentId}`,
    participants: plan.participantIds.map((id) => departments.get(id) ?? `#${id}`),
    matters: await mattersOf(repos, plan.matterIds),
    estimate: estimateDraw(
      await repos.targets.countByRisk(plan.scope),
      plan.ratios,
      plan.counts,
      plan.rounding,
    ),
    ...(plan.reentryDue ? { reentryDue: plan.reentryDue } : {}),
    ...(submittedBy ? { submittedBy } : {}),
    ...(decidedBy ? { decidedBy } : {}),
  };
}

export async function planCardOf(repos: Repos, plan: Plan): Promise<Card> {
  return planCard(await planView(repos, plan));
}

/** Every copy of the plan's card shows it as it is now (queued in the caller's transaction). */
async function refreshPlanCopies(tx: Repos, plan: Plan): Promise<Card> {
  const card = await planCardOf(tx, plan);
  await refreshCopies(tx, planSubject(plan.id), `v${plan.version}`, card);
  return card;
}

function refuse(message: string, hint?: string): never {
  throw new DomainError('PLAN_FORBIDDEN', message, hint);
}

/** A new draft for the actor's own department; refused with every broken rule. */
export async function createPlan(
  services: Services,
  input: { by: AuditActor; person: Person; draft: PlanDraft; today: string },
): Promise<Plan> {
  const { draft, person } = input;
  if (draft.leadDepartmentId !== person.departmentId) refuse('只能为本部门起草计划。');
  const general = await settingValue(services.store, 'plans.generalCeiling');
  const problems = checkPlan(draft, await mattersOf(services.store, draft.matterIds), {
    today: input.today,
    generalCeiling: general,
    pools: await services.store.targets.countByRisk(draft.scope),
  });
  if (problems.length > 0) {
    throw new DomainError(
      'PLAN_INVALID',
      problems.map((p) => `${p.field}：${p.problem}`).join('；'),
      '请修改后重新提交表单。',
    );
  }
  return services.store.transaction(async (tx) => {
    const plan = await tx.plans.create({ ...draft, createdBy: person.id });
    await tx.audit.append({
      actor: input.by,
      action: 'plan.create',
      subject: planSubject(plan.id),
      outcome: 'ok',
      details: { year: plan.year, kind: plan.kind, name: plan.name, matters: plan.matterIds.length },
    });
    return plan;
  });
}

/**
 * Submit, withdraw, file or return a plan, as the clicked card's version of it. Department-level rules are
 * checked here (the command checks roles): the lead department's liaison submits and withdraws; the office
 * files and returns, but never a plan its own clicker submitted.
 */
export async function actOnPlan(
  services: Services,
  input: {
    planId: number;
    version: number;
    event: Extract<PlanEvent, 'submit' | 'withdraw' | 'file' | 'return'>;
    by: AuditActor;
    person: Person;
    reason?: string;
  },
): Promise<{ plan: Plan; card: Card }> {
  const { person, event } = input;
  return services.store.transaction(async (tx) => {
    const plan = await tx.plans.get(input.planId);
    if (!plan) throw new DomainError('PLAN_NOT_FOUND', `找不到计划 #${input.planId}。`);
    if (plan.version !== input.version) {
      throw new DomainError(STALE_CARD, '计划已有变化，此卡片已更新为最新情况，请确认后再操作。');
    }
    const lead = plan.leadDepartmentId === person.departmentId && person.roles.includes('liaison');
    if ((event === 'submit' || event === 'withdraw') && !lead)
      refuse('只有牵头部门的联络员可以报送或撤回这份计划。');
    if (event === 'file' || event === 'return') {
      if (!person.roles.includes('office')) refuse('只有联席会议办公室可以备案或退回计划。');
      if (plan.submittedBy === person.id) {
        refuse('不能备案或退回自己报送的计划。', '请由办公室的另一位同事处理。');
      }
    }
    const reason = input.reason?.trim();
    if (event === 'return' && !reason) throw new DomainError('PLAN_REASON', '退回时请写明原因。');
    const state = next(planMachine, plan.state, event);
    const updated = await tx.plans.update(plan.id, plan.version, {
      state,
      ...(event === 'submit' ? { submittedBy: person.id, returnReason: null } : {}),
      ...(event === 'file' || event === 'return' ? { decidedBy: person.id } : {}),
      ...(event === 'return' ? { returnReason: reason ?? null } : {}),
    });
    if (!updated) throw new DomainError(STALE_CARD, '计划刚被其他人修改，此卡片已更新为最新情况。');
    // Filing a revision retires the version it revises (it stays, marked superseded).
    if (event === 'file' && updated.revisesId !== null) {
      const old = await tx.plans.get(updated.revisesId);
      if (old && old.state === 'filed') {
        const retired = await tx.plans.update(old.id, old.version, {
          state: next(planMachine, old.state, 'supersede'),
        });
        if (retired) await refreshPlanCopies(tx, retired);
      }
    }
    await tx.audit.append({
      actor: input.by,
      action: `plan.${event}`,
      subject: planSubject(plan.id),
      outcome: 'ok',
      details: { from: plan.state, to: state, ...(reason ? { reason } : {}) },
    });
    const card = await refreshPlanCopies(tx, updated);
    const key = `${planSubject(plan.id)}@v${updated.version}`;
    if (event === 'submit') {
      // The office gets the plan to file: in its group chat, or each office member directly until it has one.
      await toOffice(tx, services.platform, key, { card, subject: planSubject(updated.id) }, person.id);
    }
    if (event === 'file' || event === 'return') {
      const text =
        event === 'file'
          ? `计划“${updated.name}”（#${updated.id}）已由联席会议办公室备案。`
          : `计划“${updated.name}”（#${updated.id}）被退回：${reason}。修改后可在计划卡片上重新报送。`;
      await tell(tx, services.platform, await liaisonsOf(tx, updated.leadDepartmentId), text, `${key}:told`);
    }
    return { plan: updated, card };
  });
}

/**
 * Changes a filed plan by a new revision (seed 000 art. 15): a draft copy with the reason, due to be filed and
 * published again within 10 working days. The filed version stays in force until the revision is filed.
 */
export async function revisePlan(
  services: Services,
  input: { planId: number; reason: string; by: AuditActor; person: Person; today: string },
): Promise<Plan> {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('PLAN_REASON', '调整计划时请写明调整原因。');
  const calendar = await workingCalendar(services.store);
  return services.store.transaction(async (tx) => {
    const found = await tx.plans.get(input.planId);
    if (!found) throw new DomainError('PLAN_NOT_FOUND', `找不到计划 #${input.planId}。`);
    const latest = await tx.plans.latestRevision(found.id);
    if (latest.leadDepartmentId !== input.person.departmentId || !input.person.roles.includes('liaison')) {
      refuse('只有牵头部门的联络员可以调整这份计划。');
    }
    if (latest.state !== 'filed') {
      throw new DomainError(
        'PLAN_NOT_FILED',
        latest.id === found.id
          ? `计划当前为“${planMachine.states[latest.state]}”，备案后才需要以新版本调整。`
          : `这份计划已有第 ${latest.revision} 版（#${latest.id}，${planMachine.states[latest.state]}），请在该版本上继续。`,
      );
    }
    const due = calendar.addWorkingDays(input.today, 10);
    const draft: PlanDraft = {
      kind: latest.kind,
      year: latest.year,
      name: latest.name,
      leadDepartmentId: latest.leadDepartmentId,
      participantIds: latest.participantIds,
      matterIds: latest.matterIds,
      scope: latest.scope,
      ratios: latest.ratios,
      counts: latest.counts,
      rounding: latest.rounding,
      periodStart: latest.periodStart,
      periodEnd: latest.periodEnd,
      batches: latest.batches,
    };
    const plan = await tx.plans.create({
      ...draft,
      createdBy: input.person.id,
      revision: latest.revision + 1,
      revisesId: latest.id,
      changeReason: reason,
      reentryDue: describeDeadline(due),
    });
    await tx.audit.append({
      actor: input.by,
      action: 'plan.revise',
      subject: planSubject(plan.id),
      outcome: 'ok',
      details: { revises: latest.id, revision: plan.revision, reason, reentryDue: due.ok ? due.date : null },
    });
    return plan;
  });
}
