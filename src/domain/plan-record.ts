// An inspection plan (抽查计划, product.md §2; seed 000 art. 13–15; seed 001 (五)(六); seed 004 (二)): a
// department's annual plan, or a lead department's joint plan with participating departments. Its draw sizes
// come from ratios per stratum (credit-risk class: A lower, D higher) or a ratio for all, with a stated rounding
// rule; this module checks a plan against the rules and estimates the draw from the library's counts.

export type PlanKind = 'department' | 'joint';
export type Rounding = 'up' | 'nearest' | 'down';
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/** Percent per stratum: one ratio for all targets, or one per credit-risk class (unclassified use `all`). */
export interface Ratios {
  all?: number;
  A?: number;
  B?: number;
  C?: number;
  D?: number;
}

export interface TargetScope {
  objectTypes: string[];
  industries: string[];
  areas: string[];
  tags: string[];
}

export interface PlanDraft {
  kind: PlanKind;
  year: number;
  name: string;
  leadDepartmentId: number;
  participantIds: number[];
  matterIds: number[];
  scope: TargetScope;
  ratios: Ratios;
  rounding: Rounding;
  periodStart: string;
  periodEnd: string;
  batches: number;
}

export interface PlanMatter {
  id: number;
  departmentId: number;
  name: string;
  level: 'key' | 'general';
  ratioFloor: number | null;
  ratioCeiling: number | null;
}

export const kindLabels: Record<PlanKind, string> = { department: '部门年度计划', joint: '部门联合抽查计划' };
export const roundingLabels: Record<Rounding, string> = {
  up: '向上取整',
  nearest: '四舍五入',
  down: '向下取整',
};

export interface PlanProblem {
  field: string;
  problem: string;
}

/** The ratios a plan states, as [stratum, percent] (the all-targets ratio first). */
export function statedRatios(ratios: Ratios): [keyof Ratios, number][] {
  return (['all', ...RISK_CLASSES] as const)
    .filter((k) => ratios[k] !== undefined)
    .map((k) => [k, ratios[k]!]);
}

export const stratumLabel = (k: keyof Ratios) => (k === 'all' ? '全部对象' : `${k} 类`);

/**
 * Every rule a plan breaks, in the order the form shows its fields. `matters` are the plan's matters as the
 * register holds them; `generalCeiling` is the workspace's ceiling for 一般 matters, if it set one.
 */
export function checkPlan(
  draft: PlanDraft,
  matters: readonly PlanMatter[],
  options: { today: string; generalCeiling?: number | undefined },
): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problem });
  const thisYear = Number(options.today.slice(0, 4));
  if (!draft.name.trim()) add('计划名称', '请填写计划名称');
  else if (draft.name.length > 100) add('计划名称', '计划名称不超过 100 字');
  if (draft.year < thisYear - 1 || draft.year > thisYear + 1)
    add('年度', `年度应为 ${thisYear - 1}–${thisYear + 1} 年`);
  if (draft.participantIds.includes(draft.leadDepartmentId)) add('参与部门', '牵头部门不应同时列为参与部门');
  if (draft.kind === 'joint' && draft.participantIds.length === 0)
    add('参与部门', '联合抽查计划至少需要一个参与部门');
  if (draft.kind === 'department' && draft.participantIds.length > 0)
    add('参与部门', '部门年度计划没有参与部门；多个部门一起检查请选择“部门联合抽查计划”');

  const inPlan = new Set([draft.leadDepartmentId, ...draft.participantIds]);
  if (draft.matterIds.length === 0) add('抽查事项', '请至少选择一个抽查事项');
  const byId = new Map(matters.map((m) => [m.id, m]));
  for (const id of draft.matterIds) {
    const m = byId.get(id);
    if (!m) add('抽查事项', `事项 #${id} 不在事项清单中（可能已停用）`);
    else if (!inPlan.has(m.departmentId)) add('抽查事项', `“${m.name}”不属于计划中的部门`);
  }

  const stated = statedRatios(draft.ratios);
  if (stated.length === 0)
    add('抽查比例', '请填写抽查比例（全部对象一个比例，或按 A/B/C/D 信用风险分类分别填写）');
  const chosen = draft.matterIds.map((id) => byId.get(id)).filter((m): m is PlanMatter => Boolean(m));
  // The plan checks every matter on each drawn target: each ratio must meet every matter's floor, and, when a
  // 一般 matter is in the plan, stay under the tightest 一般 ceiling (重点 matters have none; seed 000 art. 8).
  const floor = Math.max(0, ...chosen.map((m) => m.ratioFloor ?? 0));
  const floorMatter = chosen.find((m) => m.ratioFloor === floor);
  const ceilings = chosen
    .filter((m) => m.level === 'general')
    .map((m) => ({ m, ceiling: m.ratioCeiling ?? options.generalCeiling }))
    .filter((c): c is { m: PlanMatter; ceiling: number } => c.ceiling !== undefined);
  const tightest = ceilings.sort((a, b) => a.ceiling - b.ceiling)[0];
  for (const [stratum, ratio] of stated) {
    const label = `抽查比例（${stratumLabel(stratum)}）`;
    if (!(ratio > 0 && ratio <= 100)) add(label, '比例应大于 0%，不超过 100%');
    else if (floor > 0 && ratio < floor)
      add(label, `${ratio}% 低于“${floorMatter!.name}”要求的下限 ${floor}%`);
    else if (tightest && ratio > tightest.ceiling)
      add(label, `${ratio}% 高于一般事项“${tightest.m.name}”的上限 ${tightest.ceiling}%`);
  }

  if (!draft.periodStart || !draft.periodEnd) add('检查期间', '请填写检查开始和结束日期');
  else {
    if (draft.periodStart > draft.periodEnd) add('检查期间', '开始日期晚于结束日期');
    if (!draft.periodStart.startsWith(`${draft.year}-`) || !draft.periodEnd.startsWith(`${draft.year}-`))
      add('检查期间', `检查期间应在 ${draft.year} 年内`);
  }
  if (!Number.isInteger(draft.batches) || draft.batches < 1 || draft.batches > 12)
    add('批次', '批次为 1–12 的整数');
  return problems;
}

/** How many targets a ratio draws from a stratum of `count` targets, by the plan's rounding rule. */
export function drawSize(count: number, ratio: number, rounding: Rounding): number {
  const exact = (count * ratio) / 100;
  // Ratios are percent with at most a few decimals: round away float noise before the rule applies.
  const clean = Math.round(exact * 1e6) / 1e6;
  const n =
    rounding === 'up' ? Math.ceil(clean) : rounding === 'down' ? Math.floor(clean) : Math.round(clean);
  return Math.min(count, n);
}

/**
 * The draw each stratum would make from the library as it is now. With per-class ratios, targets without a
 * class fall under the all-targets ratio if there is one, and are not drawn otherwise (said in `unclassified`).
 */
export function estimateDraw(
  counts: Partial<Record<RiskClass | 'none', number>>,
  ratios: Ratios,
  rounding: Rounding,
): { stratum: keyof Ratios; pool: number; ratio: number; draw: number }[] {
  const perClass = RISK_CLASSES.some((k) => ratios[k] !== undefined);
  if (!perClass) {
    const pool = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    const ratio = ratios.all ?? 0;
    return [{ stratum: 'all', pool, ratio, draw: drawSize(pool, ratio, rounding) }];
  }
  const rows: { stratum: keyof Ratios; pool: number; ratio: number; draw: number }[] = [];
  let rest = counts.none ?? 0;
  for (const k of RISK_CLASSES) {
    const pool = counts[k] ?? 0;
    const ratio = ratios[k];
    if (ratio === undefined) rest += pool;
    else rows.push({ stratum: k, pool, ratio, draw: drawSize(pool, ratio, rounding) });
  }
  if (rest > 0) {
    const ratio = ratios.all ?? 0;
    rows.push({ stratum: 'all', pool: rest, ratio, draw: drawSize(rest, ratio, rounding) });
  }
  return rows;
}
