// An inspection plan (抽查计划, product.md §2; seed 000 art. 13–15; seed 001 (五)(六); seed 004 (二)): a
// department's annual plan, or a lead department's joint plan with participating departments. Its draw sizes
// come from ratios per stratum (credit-risk class: A lower, D higher) or a ratio for all, with a stated rounding
// rule; this module checks a plan against the rules and estimates the draw from the library's counts.

export type PlanKind = 'department' | 'joint';
export type Rounding = 'up' | 'nearest' | 'down';
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

export type Stratum = 'all' | RiskClass;

/** Percent per stratum: one ratio for all targets, or one per credit-risk class (unclassified use `all`). */
export type Ratios = Partial<Record<Stratum, number>>;
/** A fixed number of targets per stratum, for the strata a plan sets by count rather than by ratio. */
export type Counts = Partial<Record<Stratum, number>>;

/** What a plan draws from one stratum: a percent of it, or a number of targets. */
export type Quota = { stratum: Stratum; ratio: number } | { stratum: Stratum; count: number };

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
  counts: Counts;
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

/** Every stratum a plan can state, the all-targets one first. */
export const STRATA: readonly Stratum[] = ['all', ...RISK_CLASSES];

/** The quotas a plan states, the all-targets one first; a stratum's ratio wins over a count (checkPlan refuses both). */
export function statedQuotas(ratios: Ratios, counts: Counts): Quota[] {
  return STRATA.flatMap((stratum): Quota[] => {
    if (ratios[stratum] !== undefined) return [{ stratum, ratio: ratios[stratum] }];
    if (counts[stratum] !== undefined) return [{ stratum, count: counts[stratum] }];
    return [];
  });
}

export const stratumLabel = (k: Stratum) => (k === 'all' ? '全部对象' : `${k} 类`);

/** `A 类 5%` or `A 类 30 户`. */
export const quotaText = (q: Quota) =>
  `${stratumLabel(q.stratum)} ${'ratio' in q ? `${q.ratio}%` : `${q.count} 户`}`;

/**
 * Every rule a plan breaks, in the order the form shows its fields. `matters` are the plan's matters as the
 * register holds them; `generalCeiling` is the workspace's ceiling for 一般 matters, if it set one.
 */
export function checkPlan(
  draft: PlanDraft,
  matters: readonly PlanMatter[],
  options: {
    today: string;
    generalCeiling?: number | undefined;
    /** The library's targets in the plan's scope per credit-risk class, to hold counts to the ratio bounds. */
    pools?: Partial<Record<RiskClass | 'none', number>>;
  },
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

  const stated = statedQuotas(draft.ratios, draft.counts);
  if (stated.length === 0)
    add('抽查比例', '请填写抽查比例或户数（全部对象一项，或按 A/B/C/D 信用风险分类分别填写）');
  const chosen = draft.matterIds.map((id) => byId.get(id)).filter((m): m is PlanMatter => Boolean(m));
  // The plan checks every matter on each drawn target: each ratio must meet every matter's floor, and, when a
  // 一般 matter is in the plan, stay under the tightest 一般 ceiling (重点 matters have none; seed 000 art. 8).
  // A count is held to the same bounds by the share it makes of the library as it is now.
  const floor = Math.max(0, ...chosen.map((m) => m.ratioFloor ?? 0));
  const floorMatter = chosen.find((m) => m.ratioFloor === floor);
  const ceilings = chosen
    .filter((m) => m.level === 'general')
    .map((m) => ({ m, ceiling: m.ratioCeiling ?? options.generalCeiling }))
    .filter((c): c is { m: PlanMatter; ceiling: number } => c.ceiling !== undefined);
  const tightest = ceilings.sort((a, b) => a.ceiling - b.ceiling)[0];
  const pools = new Map(
    estimateDraw(options.pools ?? {}, draft.ratios, draft.counts, draft.rounding).map((e) => [
      e.stratum,
      e.pool,
    ]),
  );
  for (const stratum of STRATA) {
    if (draft.ratios[stratum] !== undefined && draft.counts[stratum] !== undefined)
      add(`抽查比例（${stratumLabel(stratum)}）`, '同一分层只能填写比例或户数之一');
  }
  for (const q of stated) {
    const label = `抽查比例（${stratumLabel(q.stratum)}）`;
    let share: number;
    let said: string;
    if ('ratio' in q) {
      if (!(q.ratio > 0 && q.ratio <= 100)) {
        add(label, '比例应大于 0%，不超过 100%');
        continue;
      }
      share = q.ratio;
      said = `${q.ratio}% `;
    } else {
      if (!Number.isInteger(q.count) || q.count < 1) {
        add(label, '户数应为正整数');
        continue;
      }
      const pool = pools.get(q.stratum) ?? 0;
      if (pool === 0) continue;
      share = (q.count / pool) * 100;
      said = `${q.count} 户约占名录库中 ${pool} 户的 ${Math.round(share * 10) / 10}%，`;
    }
    if (floor > 0 && share < floor) add(label, `${said}低于“${floorMatter!.name}”要求的下限 ${floor}%`);
    else if (tightest && share > tightest.ceiling)
      add(label, `${said}高于一般事项“${tightest.m.name}”的上限 ${tightest.ceiling}%`);
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

/** One stratum of an estimate: its targets in the library, what the plan draws from it, and how many that is. */
export type EstimateRow = Quota & { pool: number; draw: number };

/**
 * The draw each stratum would make from the library as it is now. With per-class quotas, targets without a
 * class (or of a class the plan does not name) fall under the all-targets quota if there is one, and are not
 * drawn otherwise.
 */
export function estimateDraw(
  pools: Partial<Record<RiskClass | 'none', number>>,
  ratios: Ratios,
  counts: Counts,
  rounding: Rounding,
): EstimateRow[] {
  const quota = (stratum: Stratum): Quota | undefined =>
    ratios[stratum] !== undefined
      ? { stratum, ratio: ratios[stratum] }
      : counts[stratum] !== undefined
        ? { stratum, count: counts[stratum] }
        : undefined;
  const row = (q: Quota, pool: number): EstimateRow => ({
    ...q,
    pool,
    draw: 'ratio' in q ? drawSize(pool, q.ratio, rounding) : Math.min(pool, Math.max(0, q.count)),
  });
  const perClass = RISK_CLASSES.some((k) => quota(k) !== undefined);
  if (!perClass) {
    const pool = Object.values(pools).reduce((a, b) => a + (b ?? 0), 0);
    return [row(quota('all') ?? { stratum: 'all', ratio: 0 }, pool)];
  }
  const rows: EstimateRow[] = [];
  let rest = pools.none ?? 0;
  for (const k of RISK_CLASSES) {
    const q = quota(k);
    if (q === undefined) rest += pools[k] ?? 0;
    else rows.push(row(q, pools[k] ?? 0));
  }
  if (rest > 0) rows.push(row(quota('all') ?? { stratum: 'all', ratio: 0 }, rest));
  return rows;
}
