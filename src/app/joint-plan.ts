// The joint annual plan (年度部门联合抽查计划, seed 001 (六); seed 000 art. 14): the office assembles the filed joint
// plans of a year into the table county offices publish, and sees which departments carry out less than 10% of
// their annual-plan tasks jointly. Each filed plan is one task row: a joint plan is a joint task of its lead and
// every participant; a department annual plan is a task of its own.
import type { AuditActor } from '../domain/audit-chain.ts';
import { type Ratios, roundingLabels, statedRatios, stratumLabel } from '../domain/plan-record.ts';
import type { Plan, Repos } from './ports.ts';

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

function ratioText(ratios: Ratios, rounding: Plan['rounding']): string {
  const stated = statedRatios(ratios).map(([k, r]) => `${stratumLabel(k)} ${r}%`);
  return `${stated.join('，')}（${roundingLabels[rounding]}）`;
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
      ratioText(p.ratios, p.rounding),
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

/** Records that the office compiled the plan (what it contained), for the audit chain. */
export async function auditCompile(repos: Repos, compiled: CompiledJointPlan, by: AuditActor): Promise<void> {
  await repos.audit.append({
    actor: by,
    action: 'plan.compile',
    subject: `joint-plan:${compiled.year}`,
    outcome: 'ok',
    details: {
      plans: compiled.plans.map((p) => `${p.id}@v${p.version}`).join(','),
      under: compiled.under.map((u) => u.department).join('、'),
    },
  });
}

export const jointPlanTitle = (year: number) => `${year} 年度部门联合抽查计划`;
