// The joint annual plan (年度部门联合抽查计划, seed 001 (六); seed 000 art. 14): the office assembles the filed joint
// plans of a year into the table county offices publish, and sees which departments carry out less than 10% of
// their annual-plan tasks jointly. Each filed plan is one task row: a joint plan is a joint task of its lead and
// every participant; a department annual plan is a task of its own.
import type { Card } from '../cards/card.ts';
import { jointPlanCard } from '../cards/joint-plan-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError, STALE_CARD } from '../domain/errors.ts';
import { quotaText, roundingLabels, statedQuotas } from '../domain/plan-record.ts';
import { type JointPlanEvent, jointPlanMachine, launchesTasks, next } from '../domain/workflow.ts';
import { officeChat, refreshCopies, toOffice } from './card-copies.ts';
import type { JointPlan, Person, Plan, Repos } from './ports.ts';
import type { Services } from './services.ts';

/** The columns county offices publish (e.g. 天桥区 2024 年度部门联合抽查计划). */
export const JOINT_PLAN_COLUMNS = [
  '序号',
  '行业',
  '任务名称',
  '联查部门',
  '抽查事项',
  '联查对象',
  '检查主体',
  '责任分工',
  '抽查比例',
  '时间安排',
  '备注',
] as const;

/** seed 001 (六): each department's joint share of its annual-plan tasks should reach 10%. */
export const JOINT_SHARE_FLOOR = 0.1;

export interface DepartmentShare {
  department: string;
  joint: number;
  total: number;
  share: number;
}

export interface CompiledJointPlan {
  year: number;
  plans: Plan[];
  /** Header row first. */
  rows: string[][];
  shares: DepartmentShare[];
  /** Departments under the 10% floor (no plans at all included). */
  under: DepartmentShare[];
}

const distinct = (values: (string | null | undefined)[]) => [
  ...new Set(values.filter((v): v is string => Boolean(v))),
];

function ratioText(p: Plan): string {
  const stated = statedQuotas(p.ratios, p.counts).map(quotaText);
  return `${stated.join('，')}（${roundingLabels[p.rounding]}）`;
}

/** The newest filed revision of every plan of the year (older filed revisions are superseded once filed). */
async function filedPlans(repos: Repos, year: number): Promise<Plan[]> {
  return (await repos.plans.list({ year })).filter((p) => p.state === 'filed');
}

export async function compileJointPlan(repos: Repos, year: number): Promise<CompiledJointPlan> {
  const plans = await filedPlans(repos, year);
  const departments = await repos.departments.list();
  const name = new Map(departments.map((d) => [d.id, d.shortName ?? d.name]));
  const matters = new Map((await repos.matters.list()).map((m) => [m.id, m]));
  const joint = plans.filter((p) => p.kind === 'joint');
  const rows: string[][] = [[...JOINT_PLAN_COLUMNS]];
  for (const [i, p] of joint.entries()) {
    const ms = p.matterIds.map((id) => matters.get(id)).filter((m) => m !== undefined);
    const lead = name.get(p.leadDepartmentId) ?? '';
    const others = p.participantIds.map((id) => name.get(id) ?? '');
    const scope = [
      ...distinct(ms.map((m) => m.targetType)),
      ...(p.scope.objectTypes.length > 0 ? [`类型：${p.scope.objectTypes.join('、')}`] : []),
      ...(p.scope.areas.length > 0 ? [`片区：${p.scope.areas.join('、')}`] : []),
      ...(p.scope.tags.length > 0 ? [`专项库：${p.scope.tags.join('、')}`] : []),
    ];
    rows.push([
      String(i + 1),
      (p.scope.industries.length > 0 ? p.scope.industries : distinct(ms.map((m) => m.category))).join('、'),
      p.name,
      [lead, ...others].join('、'),
      ms.map((m) => m.name).join('\n'),
      scope.join('；'),
      distinct(ms.map((m) => m.subject)).join('、') || [lead, ...others].join('、'),
      `牵头：${lead}；配合：${others.join('、') || '—'}`,
      ratioText(p),
      `${p.periodStart} 至 ${p.periodEnd}${p.batches > 1 ? `，分 ${p.batches} 批` : ''}`,
      p.revision > 1 ? `第 ${p.revision} 版：${p.changeReason ?? ''}` : '',
    ]);
  }
  const shares = departments.map((d) => {
    const involved = (p: Plan) => p.leadDepartmentId === d.id || p.participantIds.includes(d.id);
    const jointCount = joint.filter(involved).length;
    const own = plans.filter((p) => p.kind === 'department' && p.leadDepartmentId === d.id).length;
    const total = jointCount + own;
    return {
      department: d.shortName ?? d.name,
      joint: jointCount,
      total,
      share: total > 0 ? jointCount / total : 0,
    };
  });
  return { year, plans: joint, rows, shares, under: shares.filter((s) => s.share < JOINT_SHARE_FLOOR) };
}

export const jointPlanTitle = (year: number) => `${year} 年度部门联合抽查计划`;

export const jointPlanSubject = (id: number) => `joint-plan:${id}`;

export const jointPlanCardOf = (record: JointPlan): Card =>
  jointPlanCard({ ...record, title: jointPlanTitle(record.year) });

const versionsOf = (plans: Plan[]) => plans.map((p) => `${p.id}@v${p.version}`).join(',');

/**
 * `/plan compile`: compiles the year's filed joint plans into its joint annual plan record. A plan not yet
 * submitted for approval is compiled again in place; one under approval cannot change; after approval a
 * different set of plans makes a new revision, and the approved one stays in force until its successor is
 * approved. The card goes to the office's group chat too.
 */
export async function compileAndRecord(
  services: Services,
  input: { year: number; by: AuditActor; person: Person; chatId: string },
): Promise<{ compiled: CompiledJointPlan; record: JointPlan; card: Card }> {
  return services.store.transaction(async (tx) => {
    const compiled = await compileJointPlan(tx, input.year);
    const [latest] = await tx.jointPlans.list(input.year);
    if (latest?.state === 'submitted') {
      throw new DomainError(
        'JOINT_PLAN_SUBMITTED',
        `${jointPlanTitle(input.year)}已报批，等待批准期间不能重新汇编。`,
        '如需修改，请在计划卡片上“退回修改”后再汇编。',
      );
    }
    const fields = {
      planIds: compiled.plans.map((p) => p.id),
      planVersions: versionsOf(compiled.plans),
      rows: compiled.rows,
      under: compiled.under.map(({ department, joint, total }) => ({ department, joint, total })),
      compiledBy: input.person.id,
    };
    let record: JointPlan;
    let changed = true;
    if (latest?.state === 'compiled') {
      const updated = await tx.jointPlans.update(latest.id, latest.version, {
        ...fields,
        state: next(jointPlanMachine, latest.state, 'recompile'),
        returnReason: null,
      });
      if (!updated) throw new DomainError(STALE_CARD, '年度计划刚被其他人修改，请重试。');
      record = updated;
    } else if (latest && latest.planVersions === fields.planVersions && latest.state !== 'superseded') {
      record = latest;
      changed = false;
    } else {
      record = await tx.jointPlans.create({
        ...fields,
        year: input.year,
        revision: (latest?.revision ?? 0) + 1,
      });
    }
    const card = jointPlanCardOf(record);
    if (changed) {
      await tx.audit.append({
        actor: input.by,
        action: 'plan.compile',
        subject: jointPlanSubject(record.id),
        outcome: 'ok',
        details: {
          year: input.year,
          revision: record.revision,
          plans: fields.planVersions,
          under: compiled.under.map((u) => u.department).join('、'),
        },
      });
      await refreshCopies(tx, jointPlanSubject(record.id), `v${record.version}`, card);
      const office = await officeChat(tx, services.platform);
      if (office && office !== input.chatId) {
        await toOffice(tx, services.platform, `${jointPlanSubject(record.id)}@v${record.version}`, {
          card,
          subject: jointPlanSubject(record.id),
        });
      }
    }
    return { compiled, record, card };
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The office's steps on the joint annual plan: submit it for approval (报批), record the government's approval
 * (document number and date) or its request for changes, and record the publication (date and where).
 */
export async function actOnJointPlan(
  services: Services,
  input: {
    id: number;
    version: number;
    event: Extract<JointPlanEvent, 'submit' | 'approve' | 'reject' | 'publish'>;
    by: AuditActor;
    person: Person;
    docNo?: string;
    date?: string;
    where?: string;
    reason?: string;
  },
): Promise<{ record: JointPlan; card: Card }> {
  const { event } = input;
  const docNo = input.docNo?.trim() ?? '';
  const date = input.date?.slice(0, 10) ?? '';
  const where = input.where?.trim() ?? '';
  const reason = input.reason?.trim() ?? '';
  if ((event === 'approve' || event === 'publish') && !DATE.test(date)) {
    throw new DomainError('JOINT_PLAN_INPUT', event === 'approve' ? '请填写批准日期。' : '请填写公布日期。');
  }
  if (event === 'approve' && !docNo) throw new DomainError('JOINT_PLAN_INPUT', '请填写批准文号。');
  if (event === 'publish' && !where) throw new DomainError('JOINT_PLAN_INPUT', '请填写公布渠道。');
  if (event === 'reject' && !reason) throw new DomainError('JOINT_PLAN_INPUT', '请写明退回修改的意见。');
  return services.store.transaction(async (tx) => {
    const record = await tx.jointPlans.get(input.id);
    if (!record) throw new DomainError('JOINT_PLAN_NOT_FOUND', `找不到年度计划 #${input.id}。`);
    if (record.version !== input.version) {
      throw new DomainError(STALE_CARD, '年度计划已有变化，此卡片已更新为最新情况，请确认后再操作。');
    }
    const state = next(jointPlanMachine, record.state, event);
    if (event === 'publish' && record.approvedOn && date < record.approvedOn) {
      throw new DomainError('JOINT_PLAN_INPUT', `公布日期不能早于批准日期 ${record.approvedOn}。`);
    }
    const updated = await tx.jointPlans.update(record.id, record.version, {
      state,
      decidedBy: input.person.id,
      ...(event === 'approve' ? { docNo, approvedOn: date, returnReason: null } : {}),
      ...(event === 'reject' ? { returnReason: reason } : {}),
      ...(event === 'publish' ? { publishedOn: date, publishedWhere: where } : {}),
    });
    if (!updated) throw new DomainError(STALE_CARD, '年度计划刚被其他人修改，此卡片已更新为最新情况。');
    // An approved revision replaces the one approved before it (which stays, marked superseded).
    if (event === 'approve') {
      for (const older of await tx.jointPlans.list(record.year)) {
        if (older.id === record.id || !launchesTasks(older.state)) continue;
        const retired = await tx.jointPlans.update(older.id, older.version, {
          state: next(jointPlanMachine, older.state, 'supersede'),
        });
        if (retired) {
          await refreshCopies(
            tx,
            jointPlanSubject(retired.id),
            `v${retired.version}`,
            jointPlanCardOf(retired),
          );
        }
      }
    }
    await tx.audit.append({
      actor: input.by,
      action: `joint-plan.${event}`,
      subject: jointPlanSubject(record.id),
      outcome: 'ok',
      details: {
        year: record.year,
        from: record.state,
        to: state,
        ...(docNo ? { docNo } : {}),
        ...(date ? { date } : {}),
        ...(where ? { where } : {}),
        ...(reason ? { reason } : {}),
      },
    });
    const card = jointPlanCardOf(updated);
    await refreshCopies(tx, jointPlanSubject(updated.id), `v${updated.version}`, card);
    return { record: updated, card };
  });
}

/** The approved (or published) joint annual plan holding this filed plan, if any: only then may it launch tasks. */
export async function approvedJointPlanOf(repos: Repos, plan: Plan): Promise<JointPlan | undefined> {
  return (await repos.jointPlans.list(plan.year)).find(
    (j) => launchesTasks(j.state) && j.planIds.includes(plan.id),
  );
}
