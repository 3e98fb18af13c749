// The inspector draw (product.md §4.5; seed 000 art. 19 回避; seed 002 art. 13 组长): who is left out and why, that
// the certificate and expert rules hold for every team, the leader, the spread of work, and that too few people
// draw nothing. Fixtures where the exclusions leave exactly the number needed, so no test passes by luck.
import { describe, expect, it } from 'vitest';
import { drawSeed, sha256 } from './draw.ts';
import {
  type Candidate,
  certificateShares,
  drawInspectors,
  type InspectorQuota,
  type TeamTargets,
} from './inspector-draw.ts';
import {
  inspectorPoolText,
  inspectorReceiptOf,
  inspectorTaskRef,
  verifyInspectorReceipt,
} from './inspector-receipt.ts';

const WINDOW = { from: '2027-04-01', to: '2027-06-30' };

function person(id: string, extra: Partial<Candidate> = {}): Candidate {
  return {
    id,
    name: `检查员${id}`,
    active: true,
    certificateNo: `37010${id}`,
    certificateValidUntil: '2028-12-31',
    qualificationTags: ['食品'],
    isExpert: false,
    area: null,
    leaves: [],
    conflicts: [],
    ...extra,
  };
}

const quota = (extra: Partial<InspectorQuota> = {}): InspectorQuota => ({
  perTeam: 2,
  certificateHolders: 2,
  expert: false,
  tags: ['食品'],
  window: WINDOW,
  sameAreaRecusal: false,
  leads: false,
  ...extra,
});

const teams: TeamTargets[] = [
  {
    team: 1,
    targets: [
      { code: 'T1', area: '北园片区' },
      { code: 'T2', area: '泺口片区' },
    ],
  },
  { team: 2, targets: [{ code: 'T3', area: '药山片区' }] },
];

const seeds = Array.from({ length: 50 }, (_, i) => sha256(`seed ${i}`));

describe('the inspector draw', () => {
  it('leaves out each person for the reason that applies, and never puts a conflicted person on that team', () => {
    const people = [
      person('1', { active: false }),
      person('2', { leaves: [{ from: '2027-06-30', to: '2027-07-10' }] }),
      person('3', { qualificationTags: ['药品'] }),
      person('4', { conflicts: ['T2'] }),
      person('5', { area: '药山片区' }),
      person('6'),
      person('7'),
    ];
    // Team 1 can take 5, 6, 7 (4 declared a conflict with T2); team 2 can take 4, 6, 7 (5 shares its 片区).
    for (const seed of seeds) {
      const result = drawInspectors(seed, people, teams, quota({ sameAreaRecusal: true }));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const [one, two] = result.teams;
      expect(one!.members.map((m) => m.id)).not.toContain('4');
      expect(two!.members.map((m) => m.id)).not.toContain('5');
      for (const t of result.teams) {
        for (const m of t.members) expect(['1', '2', '3']).not.toContain(m.id);
      }
      expect(result.exclusions.map((e) => [e.id, e.team, e.reason, e.detail])).toEqual([
        ['1', null, 'inactive', ''],
        ['2', null, 'on_leave', '2027-06-30 至 2027-07-10'],
        ['3', null, 'unqualified', '食品'],
        ['4', 1, 'conflict', 'T2'],
        ['5', 2, 'same_area', '药山片区（T3）'],
      ]);
    }
  });

  it('takes exactly the people left when the exclusions leave as many as the team needs', () => {
    // Only 6 and 7 may check team 1: everyone else is excluded for one reason or another.
    const people = [
      person('3', { qualificationTags: [] }),
      person('4', { conflicts: ['T1'] }),
      person('5', { conflicts: ['T2'] }),
      person('6'),
      person('7'),
      // 8 checked T1 on an earlier task's team: not again (回避).
      person('8', { checked: ['T9', 'T1'] }),
    ];
    for (const seed of seeds) {
      const result = drawInspectors(seed, people, [teams[0]!], quota());
      expect(result.ok && result.teams[0]!.members.map((m) => m.id).sort()).toEqual(['6', '7']);
      expect(result.ok && result.exclusions.find((e) => e.id === '8')).toMatchObject({
        team: 1,
        reason: 'checked_before',
        detail: 'T1',
      });
    }
  });

  it('draws nothing when a team cannot be filled, and says what is missing and what each reason left out', () => {
    const people = [
      person('1', { leaves: [{ from: '2027-05-01', to: '2027-05-03' }] }),
      person('2', { conflicts: ['T1'] }),
      person('3', { certificateValidUntil: '2027-05-31' }),
      person('4'),
    ];
    const result = drawInspectors(seeds[0]!, people, teams, quota());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // Team 1: 3 and 4 remain, but 3's certificate ends inside the window. Team 2 could be filled (2 and 4),
    // yet nothing is drawn for it either.
    expect(result.shortfalls).toEqual([
      {
        team: 1,
        missing: ['持有有效执法证的人员还差 1 人（需 2 人）'],
        eligible: 2,
        excluded: { on_leave: 1, conflict: 1 },
      },
    ]);
    expect('teams' in result).toBe(false);
  });

  it('takes an expert and the department’s share of certificate holders first; the lead names the top-ranked holder leader', () => {
    const people = [
      person('1'),
      person('2', { certificateNo: null, certificateValidUntil: null }),
      person('3', { certificateNo: null, certificateValidUntil: null, isExpert: true }),
      person('4', { certificateNo: null, certificateValidUntil: null }),
    ];
    for (const seed of seeds) {
      const result = drawInspectors(
        seed,
        people,
        [teams[0]!],
        quota({ perTeam: 3, certificateHolders: 1, expert: true, leads: true }),
      );
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const [team] = result.teams;
      const ids = team!.members.map((m) => m.id);
      expect(ids[0]).toBe('3');
      expect(ids).toContain('1');
      expect(team!.leader).toBe('1');
      expect(team!.members.find((m) => m.id === '1')!.certified).toBe(true);
    }
    // A department that does not lead names no leader.
    const other = drawInspectors(seeds[0]!, people, [teams[0]!], quota({ certificateHolders: 1 }));
    expect(other.ok && other.teams[0]!.leader).toBeNull();
  });

  it('shares the work: with people for two teams, nobody is drawn for both', () => {
    const people = ['1', '2', '3', '4'].map((id) => person(id));
    for (const seed of seeds) {
      const result = drawInspectors(seed, people, teams, quota());
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const all = result.teams.flatMap((t) => t.members.map((m) => m.id));
      expect(new Set(all).size).toBe(4);
    }
  });

  it('is the same whatever order the people arrive in, and differs between seeds', () => {
    const people = Array.from({ length: 12 }, (_, i) => person(String(i + 1)));
    const a = drawInspectors(seeds[0]!, people, teams, quota());
    const b = drawInspectors(seeds[0]!, [...people].reverse(), teams, quota());
    expect(b).toEqual(a);
    const picks = new Set(
      seeds.map((seed) => {
        const r = drawInspectors(seed, people, teams, quota());
        return r.ok ? r.teams.map((t) => t.members.map((m) => m.id).join(',')).join('|') : '';
      }),
    );
    expect(picks.size).toBeGreaterThan(40);
  });

  it('whatever the seed, a team with room for one person gets a certified expert when it needs both', () => {
    const people = [
      person('1'),
      person('2', { isExpert: true, certificateNo: null, certificateValidUntil: null }),
      person('3', { isExpert: true }),
    ];
    for (const seed of seeds) {
      const result = drawInspectors(
        seed,
        people,
        [teams[0]!],
        quota({ perTeam: 1, certificateHolders: 1, expert: true }),
      );
      expect(result.ok && result.teams[0]!.members.map((m) => m.id)).toEqual(['3']);
    }
  });

  it('shares a team’s certificate holders among its departments, the lead first', () => {
    const perTeam = [
      { departmentId: 10, count: 1 },
      { departmentId: 20, count: 2 },
      { departmentId: 30, count: 1 },
    ];
    expect([...certificateShares(perTeam, 2)]).toEqual([
      [10, 1],
      [20, 1],
      [30, 0],
    ]);
    expect([...certificateShares([{ departmentId: 10, count: 3 }, ...perTeam.slice(1)], 2)]).toEqual([
      [10, 2],
      [20, 0],
      [30, 0],
    ]);
  });
});

describe('the inspector receipt', () => {
  const people = Array.from({ length: 6 }, (_, i) =>
    person(String(i + 1), i === 0 ? { conflicts: ['T1'] } : {}),
  );
  const q = quota({ leads: true });
  const pool = { candidates: people, teams, quota: q };
  function receipt() {
    const botEntropy = 'bot entropy';
    const inputs = [{ kind: 'contribution' as const, label: 'scjgj', value: '4711' }];
    const seedValue = drawSeed(inspectorTaskRef('#3', 'scjgj'), sha256(inspectorPoolText(pool)), [
      { kind: 'bot', label: 'entropy', value: botEntropy },
      ...inputs,
    ]);
    const drawn = drawInspectors(seedValue, people, teams, q);
    if (!drawn.ok) throw new Error('fixture cannot be drawn');
    return inspectorReceiptOf({
      taskRef: '#3',
      taskName: '联合抽查',
      department: { code: 'scjgj', name: '区市场监管局' },
      drawnAt: '2027-03-10T02:00:00.000Z',
      pool,
      botEntropy,
      inputs,
      teams: drawn.teams,
      exclusions: drawn.exclusions,
      lateEdits: [],
      auditHead: null,
    });
  }

  it('re-checks as consistent, and names a changed member, a changed candidate and a changed contribution', () => {
    const r = receipt();
    expect(verifyInspectorReceipt(r)).toEqual([]);
    expect(r.teams[0]!.leader).not.toBeNull();

    const swapped = structuredClone(r);
    const outsider = people.find(
      (p) => !swapped.teams[0]!.members.some((m) => m.id === p.id) && p.id !== '1',
    )!;
    swapped.teams[0]!.members[0] = { ...swapped.teams[0]!.members[0]!, id: outsider.id, name: outsider.name };
    expect(verifyInspectorReceipt(swapped)).toEqual([expect.stringContaining('第 1 组不一致')]);

    const unconflicted = structuredClone(r);
    unconflicted.pool.candidates[0]!.conflicts = [];
    expect(verifyInspectorReceipt(unconflicted)[0]).toContain('候选人员、检查组或每组要求不一致');
    const fewer = structuredClone(r);
    fewer.pool.quota.certificateHolders = 1;
    expect(verifyInspectorReceipt(fewer)[0]).toContain('候选人员、检查组或每组要求不一致');

    const contribution = structuredClone(r);
    contribution.seed.inputs.find((i) => i.label === 'scjgj')!.value = '4712';
    expect(verifyInspectorReceipt(contribution)).toContain('“scjgj”的贡献的内容与收据记载的哈希不一致。');
  });
});
