import { describe, expect, it } from 'vitest';
import { checkPlan, drawSize, estimateDraw, type PlanDraft, type PlanMatter } from './plan-record.ts';

const matters: PlanMatter[] = [
  { id: 1, departmentId: 10, name: '食品经营许可事项', level: 'key', ratioFloor: 5, ratioCeiling: null },
  { id: 2, departmentId: 10, name: '广告发布行为', level: 'general', ratioFloor: null, ratioCeiling: 8 },
  { id: 3, departmentId: 20, name: '消防安全检查', level: 'general', ratioFloor: null, ratioCeiling: null },
  { id: 4, departmentId: 30, name: '其他部门事项', level: 'general', ratioFloor: null, ratioCeiling: null },
];

const draft: PlanDraft = {
  kind: 'joint',
  year: 2027,
  name: '2027 年食品经营联合抽查',
  leadDepartmentId: 10,
  participantIds: [20],
  matterIds: [1, 2, 3],
  scope: { objectTypes: [], industries: [], areas: [], tags: [] },
  ratios: { A: 5, B: 6, C: 7, D: 8 },
  counts: {},
  rounding: 'up',
  periodStart: '2027-04-01',
  periodEnd: '2027-10-31',
  batches: 2,
};
const today = '2026-11-23';

describe('checkPlan', () => {
  it('accepts a plan within every rule', () => {
    expect(checkPlan(draft, matters, { today })).toEqual([]);
  });

  it('names each broken rule: lead among participants, a foreign matter, the period outside the year', () => {
    const problems = checkPlan(
      { ...draft, participantIds: [10, 20], matterIds: [1, 4], periodEnd: '2028-01-15' },
      matters,
      { today },
    );
    expect(problems.map((p) => p.field)).toEqual(['参与部门', '抽查事项', '检查期间']);
    expect(problems[1]!.problem).toBe('“其他部门事项”不属于计划中的部门');
  });

  it('keeps each ratio above every matter’s floor and below the tightest 一般 ceiling (seed 000 art. 8)', () => {
    const low = checkPlan({ ...draft, ratios: { A: 3, D: 9 } }, matters, { today });
    expect(low.map((p) => p.problem)).toEqual([
      '3% 低于“食品经营许可事项”要求的下限 5%',
      '9% 高于一般事项“广告发布行为”的上限 8%',
    ]);
    // A workspace ceiling for 一般 matters applies to those without their own, and the tightest wins.
    const tight = checkPlan({ ...draft, ratios: { all: 7 } }, matters, { today, generalCeiling: 6 });
    expect(tight.map((p) => p.problem)).toEqual(['7% 高于一般事项“消防安全检查”的上限 6%']);
    // 重点 matters alone have no ceiling.
    expect(checkPlan({ ...draft, matterIds: [1], ratios: { all: 60 } }, matters, { today })).toEqual([]);
  });

  it('holds a count to the same bounds by the share it makes of the library in scope', () => {
    const pools = { A: 40, none: 100 };
    const byCount = (counts: PlanDraft['counts'], ratios: PlanDraft['ratios'] = {}) =>
      checkPlan({ ...draft, ratios, counts }, matters, { today, pools }).map((p) => p.problem);
    // 8 of 140 is 5.7%: between the 5% floor and the 8% ceiling.
    expect(byCount({ all: 8 })).toEqual([]);
    expect(byCount({ all: 3 })).toEqual([
      '3 户约占名录库中 140 户的 2.1%，低于“食品经营许可事项”要求的下限 5%',
    ]);
    expect(byCount({ A: 4, all: 7 }, {})).toEqual([
      '4 户约占名录库中 40 户的 10%，高于一般事项“广告发布行为”的上限 8%',
    ]);
    expect(byCount({ all: 0 })).toEqual(['户数应为正整数']);
    expect(byCount({ A: 2 }, { A: 5, all: 6 })).toEqual(['同一分层只能填写比例或户数之一']);
    // With nothing in scope yet, a count cannot be judged by its share and is taken as stated.
    expect(checkPlan({ ...draft, ratios: {}, counts: { all: 1 } }, matters, { today, pools: {} })).toEqual(
      [],
    );
  });
});

describe('estimateDraw', () => {
  it('applies each class its ratio, rounding as the plan says', () => {
    expect(drawSize(101, 5, 'up')).toBe(6);
    expect(drawSize(101, 5, 'nearest')).toBe(5);
    expect(drawSize(101, 5, 'down')).toBe(5);
    expect(drawSize(3, 100, 'up')).toBe(3);
    expect(
      estimateDraw({ A: 100, B: 200, D: 10, none: 7 }, { A: 2, B: 5, D: 50, all: 10 }, {}, 'up'),
    ).toEqual([
      { stratum: 'A', pool: 100, ratio: 2, draw: 2 },
      { stratum: 'B', pool: 200, ratio: 5, draw: 10 },
      { stratum: 'D', pool: 10, ratio: 50, draw: 5 },
      // C has no ratio of its own: it joins the unclassified under the all-targets ratio.
      { stratum: 'all', pool: 7, ratio: 10, draw: 1 },
    ]);
    expect(estimateDraw({ A: 10, none: 10 }, { all: 15 }, {}, 'nearest')).toEqual([
      { stratum: 'all', pool: 20, ratio: 15, draw: 3 },
    ]);
  });

  it('draws a stated count from its stratum, never more than the stratum holds', () => {
    expect(estimateDraw({ A: 100, B: 3, none: 10 }, { all: 10 }, { A: 30, B: 5 }, 'up')).toEqual([
      { stratum: 'A', pool: 100, count: 30, draw: 30 },
      { stratum: 'B', pool: 3, count: 5, draw: 3 },
      { stratum: 'all', pool: 10, ratio: 10, draw: 1 },
    ]);
  });
});
