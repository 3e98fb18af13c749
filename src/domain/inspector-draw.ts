// A department's inspector draw for a task (product.md §4.5; seed 000 art. 19; seed 002 art. 13): every team the
// target draw made gets the department's quota of people, drawn with a seed of the department's own. Like the
// target draw it is defined to the byte, so that a receipt with the frozen candidates re-checks with no database.
//
// - Eligibility is decided once per person (inactive, on leave at any point of the check window, missing a
//   qualification tag a matter needs) and once per person and team (回避: a declared conflict with one of the
//   team's targets; the same 片区 as one of them, where the setting says so). Every exclusion keeps its reason.
// - Score: SHA-256 of the UTF-8 bytes of `<seed hex>inspector<team>\t<person id>`, lowercase hex.
// - Teams are filled in ascending team number. Within a team the eligible are taken in order of how many teams
//   this draw has already given them (fewest first: checks of several teams run one after another, and nobody
//   should carry them all), then ascending score. An expert comes first where a matter needs one (a certificate
//   holder too when the team has no other room for holders), then the department's share of the team's
//   certificate holders, then the rest.
// - The lead department's draw names each team's leader: its top-ranked member holding a certificate valid for
//   the whole check window (seed 002 art. 13).
// - Too few eligible people for any team: nothing is drawn; the answer says, per team, what was missing and how
//   many people each reason left out.
import { availability, holdsCertificate } from './availability.ts';
import { score } from './draw.ts';

export const INSPECTOR_ALGORITHM = 'jointcheck-inspectors/1';

export const EXCLUSION_REASONS = {
  inactive: '已不在检查人员名录中',
  on_leave: '检查期间休假',
  unqualified: '缺少抽查事项所需资格',
  conflict: '申报回避（与本组检查对象有利害关系）',
  checked_before: '近期检查过本组检查对象',
  same_area: '与本组检查对象同片区',
} as const;
export type ExclusionReason = keyof typeof EXCLUSION_REASONS;

/** One person of the department, with what eligibility depends on, as frozen at the draw's commit. */
export interface Candidate {
  id: string;
  name: string;
  active: boolean;
  certificateNo: string | null;
  certificateValidUntil: string | null;
  qualificationTags: string[];
  isExpert: boolean;
  area: string | null;
  leaves: { from: string; to: string }[];
  /** Codes of targets the person declared a conflict with. */
  conflicts: string[];
  /**
   * Codes of targets the person checked lately, on a team of an earlier task (回避: not the same target twice running,
   * product.md §4.5). Absent when there are none, so that pools without any hash as before.
   */
  checked?: string[];
}

export interface TeamTargets {
  team: number;
  targets: { code: string; area: string | null }[];
}

/** What the department owes each team. */
export interface InspectorQuota {
  perTeam: number;
  /** How many of them must hold a certificate valid for the whole window (its share of the team's holders). */
  certificateHolders: number;
  /** Whether one of them must be an expert (a matter of the department needs one). */
  expert: boolean;
  /** Every tag an inspector needs for the department's matters in the plan. */
  tags: string[];
  window: { from: string; to: string };
  /** 回避 by 片区: nobody checks a target in their own area. */
  sameAreaRecusal: boolean;
  /** The lead department's draw names the team leaders. */
  leads: boolean;
}

export interface Member {
  id: string;
  name: string;
  certified: boolean;
  expert: boolean;
  score: string;
}

export interface DrawnTeam {
  team: number;
  /** In the order they were taken. */
  members: Member[];
  leader: string | null;
  /** The team's other eligible people in ranking order (for a re-selection, seed 000 art. 19 重新选派). */
  reserve: string[];
}

export interface Exclusion {
  id: string;
  name: string;
  /** null: excluded from every team. */
  team: number | null;
  reason: ExclusionReason;
  detail: string;
}

export interface Shortfall {
  team: number;
  /** What could not be met, in words. */
  missing: string[];
  eligible: number;
  excluded: Partial<Record<ExclusionReason, number>>;
}

export type InspectorDraw =
  | { ok: true; teams: DrawnTeam[]; exclusions: Exclusion[] }
  | { ok: false; shortfalls: Shortfall[]; exclusions: Exclusion[] };

/** How many reserve people a receipt lists per team. */
export const INSPECTOR_RESERVE = 5;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Shares a team's certificate holders among its departments, the lead first (it must supply the leader), each
 * up to its own number of people: what each department's draw must include.
 */
export function certificateShares(
  perTeam: readonly { departmentId: number; count: number }[],
  holders: number,
): Map<number, number> {
  const shares = new Map<number, number>();
  let left = holders;
  for (const d of perTeam) {
    const share = Math.min(d.count, left);
    shares.set(d.departmentId, share);
    left -= share;
  }
  return shares;
}

/** Why a person may check no team at all, or null. */
function globalExclusion(c: Candidate, q: InspectorQuota): Omit<Exclusion, 'id' | 'name' | 'team'> | null {
  if (!c.active) return { reason: 'inactive', detail: '' };
  const a = availability(c, q.window);
  if (!a.available) {
    const leave = c.leaves.find((l) => l.from <= q.window.to && l.to >= q.window.from)!;
    return { reason: 'on_leave', detail: `${leave.from} 至 ${leave.to}` };
  }
  const missing = q.tags.filter((t) => !c.qualificationTags.includes(t));
  if (missing.length > 0) return { reason: 'unqualified', detail: missing.join('、') };
  return null;
}

/** Why a person may not check this team, or null. */
function teamExclusion(c: Candidate, team: TeamTargets, q: InspectorQuota) {
  const conflicted = team.targets.filter((t) => c.conflicts.includes(t.code)).map((t) => t.code);
  if (conflicted.length > 0) return { reason: 'conflict' as const, detail: conflicted.join('、') };
  const again = team.targets.filter((t) => c.checked?.includes(t.code)).map((t) => t.code);
  if (again.length > 0) return { reason: 'checked_before' as const, detail: again.join('、') };
  if (q.sameAreaRecusal && c.area) {
    const shared = team.targets.find((t) => t.area === c.area);
    if (shared) return { reason: 'same_area' as const, detail: `${c.area}（${shared.code}）` };
  }
  return null;
}

/** Why a person may not check this team under the draw's rules (a hand-picked person too), or null. */
export const exclusionOf = (c: Candidate, team: TeamTargets, q: InspectorQuota) =>
  globalExclusion(c, q) ?? teamExclusion(c, team, q);

/** Draws the department's people for every team; nothing when any team cannot be filled. */
export function drawInspectors(
  seed: string,
  candidates: readonly Candidate[],
  teams: readonly TeamTargets[],
  quota: InspectorQuota,
): InspectorDraw {
  const people = [...candidates].sort((a, b) => byText(a.id, b.id));
  const exclusions: Exclusion[] = [];
  const eligible: Candidate[] = [];
  for (const c of people) {
    const why = globalExclusion(c, quota);
    if (why) exclusions.push({ id: c.id, name: c.name, team: null, ...why });
    else eligible.push(c);
  }
  const globalCounts: Partial<Record<ExclusionReason, number>> = {};
  for (const e of exclusions) globalCounts[e.reason] = (globalCounts[e.reason] ?? 0) + 1;

  const load = new Map<string, number>();
  const drawn: DrawnTeam[] = [];
  const shortfalls: Shortfall[] = [];
  for (const team of [...teams].sort((a, b) => a.team - b.team)) {
    const excluded = { ...globalCounts };
    const open: (Candidate & { score: string })[] = [];
    for (const c of eligible) {
      const why = teamExclusion(c, team, quota);
      if (why) {
        exclusions.push({ id: c.id, name: c.name, team: team.team, ...why });
        excluded[why.reason] = (excluded[why.reason] ?? 0) + 1;
      } else {
        open.push({ ...c, score: score(seed, 'inspector', `${team.team}\t${c.id}`) });
      }
    }
    const ranked = [...open].sort((a, b) => byText(a.score, b.score) || byText(a.id, b.id));
    const order = [...ranked].sort(
      (a, b) =>
        (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || byText(a.score, b.score) || byText(a.id, b.id),
    );
    const taken: (Candidate & { score: string })[] = [];
    const take = (want: (c: Candidate) => boolean, n: number) => {
      for (const c of order) {
        if (taken.length >= quota.perTeam || n <= 0) return n;
        if (!taken.includes(c) && want(c)) {
          taken.push(c);
          n--;
        }
      }
      return n;
    };
    const missing: string[] = [];
    const holds = (c: Candidate) => holdsCertificate(c, quota.window);
    if (quota.expert) {
      // The expert first, and a certificate holder as well when the team has no other room for its holders:
      // whichever expert the seed ranks first, the rest of the team can then still be filled.
      const mustHold = quota.perTeam - 1 < quota.certificateHolders;
      if (take((c) => c.isExpert && (!mustHold || holds(c)), 1) > 0)
        missing.push(mustHold ? '没有持有效执法证的专家可以抽取' : '没有可以抽取的专家');
    }
    const holdersLeft = take(holds, quota.certificateHolders - taken.filter(holds).length);
    if (holdersLeft > 0)
      missing.push(`持有有效执法证的人员还差 ${holdersLeft} 人（需 ${quota.certificateHolders} 人）`);
    const restLeft = take(() => true, quota.perTeam - taken.length);
    if (restLeft > 0) missing.push(`人数还差 ${restLeft} 人（需 ${quota.perTeam} 人）`);
    if (missing.length > 0) {
      shortfalls.push({ team: team.team, missing, eligible: open.length, excluded });
      continue;
    }
    for (const c of taken) load.set(c.id, (load.get(c.id) ?? 0) + 1);
    const members = taken.map((c) => ({
      id: c.id,
      name: c.name,
      certified: holdsCertificate(c, quota.window),
      expert: c.isExpert,
      score: c.score,
    }));
    const leader = quota.leads
      ? (ranked.find((c) => members.some((m) => m.id === c.id && m.certified))?.id ?? null)
      : null;
    drawn.push({
      team: team.team,
      members,
      leader,
      reserve: ranked
        .filter((c) => !members.some((m) => m.id === c.id))
        .slice(0, INSPECTOR_RESERVE)
        .map((c) => c.id),
    });
  }
  return shortfalls.length > 0
    ? { ok: false, shortfalls, exclusions }
    : { ok: true, teams: drawn, exclusions };
}
