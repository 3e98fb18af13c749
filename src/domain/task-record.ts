// A joint inspection task (联合抽查任务, product.md §3; seed 002 art. 12–13; seed 000 art. 19): launched by the lead
// department from a filed joint plan of an approved joint annual plan, with its check window, how targets are
// split into teams, and how many inspectors each department sends per team (seed 002 art. 13). Every team needs
// at least two holders of a law-enforcement certificate (执法证, product.md §4.5).
import type { PlanProblem } from './plan-record.ts';

/** product.md §4.5: at least two certificate holders per team. */
export const MIN_CERTIFICATE_HOLDERS = 2;
export const DEFAULT_ACCEPTANCE_DAYS = 3;

export interface TaskDraft {
  planId: number;
  name: string;
  windowStart: string;
  windowEnd: string;
  /** One of the two: the number of teams, or the number of targets each team checks. */
  teams: number | null;
  targetsPerTeam: number | null;
  /** Inspectors per team from each department of the task, by department id. */
  perTeam: Record<string, number>;
  certificateHolders: number;
  /** Working days the other departments have to accept (default 3, product.md §3; seed 002 art. 12). */
  acceptanceDays: number;
}

export interface TaskPlanFacts {
  periodStart: string;
  periodEnd: string;
  leadDepartmentId: number;
  participantIds: number[];
}

/** Every rule the draft breaks, each with the field it concerns. */
export function checkTask(
  draft: TaskDraft,
  plan: TaskPlanFacts,
  options: { today: string; departmentName: (id: number) => string },
): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problem });
  if (!draft.name.trim()) add('任务名称', '请填写任务名称');
  else if (draft.name.length > 100) add('任务名称', '任务名称不超过 100 字');
  if (draft.windowStart > draft.windowEnd) add('检查时间', '开始日期不能晚于结束日期');
  if (draft.windowStart < plan.periodStart || draft.windowEnd > plan.periodEnd)
    add('检查时间', `应在计划的检查期间 ${plan.periodStart} 至 ${plan.periodEnd} 之内`);
  if (draft.windowEnd < options.today) add('检查时间', '结束日期已过');
  const splits = [draft.teams, draft.targetsPerTeam].filter((n) => n !== null);
  if (splits.length !== 1) add('分组', '请填写检查组数或每组检查对象数（只填一项）');
  else if (!splits.every((n) => Number.isInteger(n) && n >= 1 && n <= 10_000))
    add('分组', '检查组数或每组检查对象数应为正整数');
  let members = 0;
  for (const id of [plan.leadDepartmentId, ...plan.participantIds]) {
    const n = draft.perTeam[String(id)];
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > 20)
      add('每组人数', `${options.departmentName(id)}每组应派 1–20 人`);
    else members += n;
  }
  const holders = draft.certificateHolders;
  if (!Number.isInteger(holders) || holders < MIN_CERTIFICATE_HOLDERS)
    add('持证人数', `每组至少 ${MIN_CERTIFICATE_HOLDERS} 名持有执法证的检查人员`);
  else if (members > 0 && holders > members)
    add('持证人数', `每组持证人数（${holders}）不能多于每组人数（${members}）`);
  if (!Number.isInteger(draft.acceptanceDays) || draft.acceptanceDays < 1 || draft.acceptanceDays > 15)
    add('会审期限', '会审期限应为 1–15 个工作日');
  return problems;
}
