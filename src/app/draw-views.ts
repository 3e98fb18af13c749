// What the cards of a draw show, for both kinds: the target draw (its pool, quotas, picks) and a department's
// inspector draw (its candidates, exclusions, teams), with the protocol's common part (commitment, contributions,
// reveal, seal). Also the facts every draw step needs: who takes part, the task's reference in a seed.

import type { Card } from '../cards/card.ts';
import {
  type DrawView,
  drawCard,
  type InspectorDrawView,
  inspectorDrawCard,
  type SeedView,
} from '../cards/draw-card.ts';
import { EXCLUSION_REASONS, INSPECTOR_ALGORITHM } from '../domain/inspector-draw.ts';
import { localStamp } from '../domain/local-date.ts';
import type { RedrawState } from '../domain/workflow.ts';
import { describeDeadline, type WorkingCalendar } from '../domain/working-days.ts';
import type { Draw, DrawFilters, InspectorDrawFacts, Person, Repos, Task } from './ports.ts';

export const drawSubject = (id: number) => `draw:${id}`;

/** Pools up to this size travel inside the receipt; larger ones as a pool file beside it. */
export const EMBED_POOL_LIMIT = 20_000;
/** Pool files up to this many ids are sent in the chat; larger ones are exported with `jointcheck draw export`. */
export const CHAT_POOL_FILE_LIMIT = 200_000;
/** Receipts up to this many bytes are sent in the chat (a file's bytes travel in the outbox). */
export const CHAT_RECEIPT_LIMIT = 8_000_000;
/** Picks shown on a card (the whole list is in the spreadsheet and the receipt). */
export const PICKS_ON_CARD = 20;

/** The reference a draw's seed names its task by. */
export const taskRef = (task: Task) => `#${task.id}`;

/** The departments of a task that take part: the lead, then every other one accepted or kept in by the office. */
export async function takingPart(repos: Repos, task: Task): Promise<number[]> {
  const parts = await repos.tasks.departments(task.id);
  return [
    task.leadDepartmentId,
    ...parts.filter((p) => p.state === 'accepted' || p.state === 'kept').map((p) => p.departmentId),
  ];
}

/**
 * Whether a person acts for a department's part of a task: its liaison, or — once the department delegated its part
 * to a sub-unit — that sub-unit's liaison or operator.
 */
export function actsFor(person: Person, departmentId: number, delegatedTo: string | null | undefined) {
  if (person.departmentId !== departmentId) return false;
  if (person.roles.includes('liaison')) return true;
  return !!delegatedTo && person.unit === delegatedTo && person.roles.includes('operator');
}

/**
 * A hand-over's inspector-draw deadline (seed 000 art. 19): `days` working days after `from` (the day the list was
 * received, dispatched to a sub-unit, or its redraw approved), as the hand-over stores and shows it.
 */
export function inspectorsDueFrom(calendar: WorkingCalendar, from: string, days: number) {
  const due = calendar.addWorkingDays(from, days);
  return { inspectorsDue: due.ok ? due.date : null, inspectorsDueText: describeDeadline(due) };
}
/** The people of a sub-unit who receive its list and may draw for it: its bound liaisons and operators (经办人). */
export async function unitStaff(repos: Repos, departmentId: number, unit: string): Promise<Person[]> {
  return (await repos.people.listByDepartment(departmentId)).filter(
    (p) => p.unit === unit && (p.roles.includes('operator') || p.roles.includes('liaison')),
  );
}

/**
 * What every office request's card shows alike — its draw and task, who decided, the card's action and version —
 * with a way to name people, for the request's own view to complete.
 */
export async function requestBasics(
  repos: Repos,
  r: {
    id: number;
    drawId: number;
    version: number;
    state: RedrawState;
    decidedBy: number | null;
    decisionNote: string | null;
  },
  action: string,
) {
  const draw = (await repos.draws.get(r.drawId))!;
  const task = (await repos.tasks.get(draw.taskId))!;
  const name = async (id: number | null) => (id === null ? undefined : (await repos.people.get(id))?.name);
  const decidedBy = await name(r.decidedBy);
  const view = {
    action,
    id: r.id,
    version: r.version,
    state: r.state,
    decisionNote: r.decisionNote,
    ...(decidedBy ? { decidedBy } : {}),
  };
  return { draw, task, name, view };
}

export const reachable = (people: Person[], platform: string) =>
  people.filter((p) => p.chatPlatform === platform && p.chatUserId);

/** The protocol's part of a draw's card, the same for both kinds. */
async function seedView(repos: Repos, draw: Draw, task: Task, timeZone: string): Promise<SeedView> {
  const departments = new Map((await repos.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
  const given = new Map((await repos.draws.contributions(draw.id)).map((c) => [c.departmentId, c.hash]));
  const name = async (id: number | null) => (id === null ? '' : ((await repos.people.get(id))?.name ?? ''));
  return {
    id: draw.id,
    version: draw.version,
    state: draw.state,
    taskId: task.id,
    taskName: task.name,
    botCommitment: draw.botCommitment,
    revealAt: localStamp(draw.revealAt, timeZone),
    contributors: (await takingPart(repos, task)).map((id) => ({
      department: departments.get(id) ?? `#${id}`,
      ...(given.has(id) ? { hash: given.get(id)! } : {}),
    })),
    committedBy: await name(draw.committedBy),
    noInputReason: draw.noInputReason,
    seed: draw.seed,
    receiptHash: draw.receiptHash,
    ...(draw.drawnBy !== null ? { drawnBy: await name(draw.drawnBy) } : {}),
    ...(draw.drawnAt ? { drawnAt: localStamp(draw.drawnAt, timeZone) } : {}),
    supersedeReason: draw.supersedeReason,
    ...(draw.beacon
      ? {
          beacon: {
            name: `drand ${draw.beacon.chain} 第 ${draw.beacon.round} 轮`,
            at: localStamp(new Date(draw.beacon.at), timeZone),
            entered: Boolean(draw.beacon.randomness),
          },
        }
      : {}),
  };
}

/** The filters of a frozen pool, in words, for the notice and the receipt's readers. */
export function filterLines(f: DrawFilters): string[] {
  const scope = [
    ['对象类型', f.scope.objectTypes],
    ['行业', f.scope.industries],
    ['片区', f.scope.areas],
    ['专项库', f.scope.tags],
  ]
    .filter(([, v]) => (v as string[]).length > 0)
    .map(([k, v]) => `${k}：${(v as string[]).join('、')}`);
  return [
    `范围：${scope.length > 0 ? scope.join('；') : '检查对象名录库全部对象'}；登记状态为存续（范围内 ${f.inScope} 个）`,
    f.checkedSince
      ? `排除 ${f.checkedSince} 以来检查过的对象：${f.excludedRecent} 个`
      : '不排除近期检查过的对象',
    f.excludeOpen
      ? `排除已被其他未结束任务抽中的对象：${f.openElsewhere} 个`
      : `已被其他未结束任务抽中的对象：${f.openElsewhere} 个（留在池中，仅作提示）`,
    ...(f.noQuota > 0 ? [`计划未规定比例的信用风险类别的对象：${f.noQuota} 个，不参加抽取`] : []),
  ];
}

/** Everything a target draw's card shows. */
export async function targetDrawView(repos: Repos, draw: Draw, timeZone: string): Promise<DrawView> {
  const task = (await repos.tasks.get(draw.taskId))!;
  const lead = await repos.departments.get(task.leadDepartmentId);
  const drawn = draw.state !== 'committed';
  const picks = drawn ? await repos.draws.picks(draw.id, PICKS_ON_CARD) : [];
  const replaced = drawn && draw.replacesId !== null ? await repos.draws.get(draw.replacesId) : undefined;
  return {
    ...(await seedView(repos, draw, task, timeZone)),
    lead: lead?.shortName ?? lead?.name ?? '',
    algorithm: draw.algorithm,
    filters: filterLines(draw.filters as DrawFilters),
    strata: draw.strata,
    split: draw.split,
    poolSize: draw.poolSize,
    poolHash: draw.poolHash,
    picks: picks.map((p) => ({
      position: p.position,
      code: p.id,
      name: p.withdrawn ? `${p.name}（已由递补对象替换）` : p.name,
      stratum: p.stratum,
      team: p.team,
    })),
    pickCount: drawn ? await repos.draws.pickCount(draw.id) : 0,
    poolInReceipt: draw.poolSize <= EMBED_POOL_LIMIT,
    filesInChat:
      draw.receipt !== null &&
      Buffer.byteLength(draw.receipt) <= CHAT_RECEIPT_LIMIT &&
      draw.poolSize <= CHAT_POOL_FILE_LIMIT,
    replacements: await replacementLines(repos, draw),
    ...(replaced
      ? {
          replaced: {
            id: replaced.id,
            reason: replaced.supersedeReason ?? '',
            picks: (await repos.draws.picks(replaced.id, PICKS_ON_CARD)).map((p) => ({
              position: p.position,
              code: p.id,
              name: p.name,
              stratum: p.stratum,
              team: p.team,
            })),
          },
        }
      : {}),
  };
}

/** A target draw's approved replacements, as its card lists them. */
async function replacementLines(repos: Repos, draw: Draw): Promise<DrawView['replacements']> {
  const approved = (await repos.draws.replacements(draw.id)).filter(
    (r) => r.state === 'approved' && r.replacementCode,
  );
  if (approved.length === 0) return [];
  const picks = new Map((await repos.draws.picks(draw.id)).map((p) => [p.id, p]));
  const lines: DrawView['replacements'] = [];
  for (const r of approved) {
    const pick = picks.get(r.replacementCode!);
    lines.push({
      code: r.code,
      by: r.replacementCode!,
      byName: pick?.name ?? '',
      team: pick?.team ?? 0,
      reason: `${r.cause === 'registry' ? '名录库登记有误' : '回避无法满足'}，${r.note}`,
    });
  }
  return lines;
}

/** Everything an inspector draw's card shows. */
export async function inspectorDrawView(
  repos: Repos,
  draw: Draw,
  timeZone: string,
): Promise<InspectorDrawView> {
  const task = (await repos.tasks.get(draw.taskId))!;
  const facts = draw.filters as InspectorDrawFacts;
  const department = await repos.departments.get(draw.departmentId);
  const q = facts.quota;
  const { all, names, lines } = await teamLines(repos, draw);
  const replaced =
    draw.replacesId !== null && draw.state !== 'committed'
      ? await repos.draws.get(draw.replacesId)
      : undefined;
  return {
    ...(await seedView(repos, draw, task, timeZone)),
    department:
      (department?.shortName ?? department?.name ?? '') + (facts.unit ? ` · ${facts.unit}（受委托）` : ''),
    algorithm: INSPECTOR_ALGORITHM,
    candidates: draw.poolSize,
    poolHash: draw.poolHash,
    teams: 'teams' in draw.split ? draw.split.teams : 0,
    quota: `${q.perTeam} 人（其中持有效执法证 ${q.certificateHolders} 人${q.expert ? '，专家 1 人' : ''}）`,
    excluded: Object.entries(facts.excluded).map(
      ([reason, n]) => `${EXCLUSION_REASONS[reason as keyof typeof EXCLUSION_REASONS]}：${n} 人`,
    ),
    lateEdits: facts.lateEdits.map(
      (e) => `${e.name}：${e.what === 'leave' ? '休假' : '回避'} ${e.detail}（${e.at.slice(0, 10)} 登记）`,
    ),
    reselections: all
      .filter((m) => m.replaces !== null)
      .map((m) => {
        const out = all.find((x) => x.team === m.team && x.personId === m.replaces);
        return `第 ${m.team} 组：${names.get(m.replaces!)} → ${names.get(m.personId)}（${out?.withdrawn ?? ''}）`;
      }),
    drawnTeams: lines,
    ...(replaced
      ? {
          replaced: {
            id: replaced.id,
            reason: replaced.supersedeReason ?? '',
            teams: (await teamLines(repos, replaced)).lines,
          },
        }
      : {}),
  };
}

/** An inspector draw's teams in words (withdrawn members left out), with the names of everyone it ever held. */
async function teamLines(repos: Repos, draw: Draw) {
  const names = new Map<number, string>();
  const all = draw.state === 'committed' || !draw.seed ? [] : await repos.draws.members(draw.id);
  for (const m of all) {
    if (!names.has(m.personId)) names.set(m.personId, (await repos.people.get(m.personId))?.name ?? '');
  }
  const members = all.filter((m) => !m.withdrawn);
  const lines = [...new Set(members.map((m) => m.team))].map((team) => {
    const of = members.filter((m) => m.team === team);
    const leader = of.find((m) => m.leader);
    return {
      team,
      members: of
        .map(
          (m) => `${names.get(m.personId)}${m.certified ? '' : '（无执法证）'}${m.expert ? '（专家）' : ''}`,
        )
        .join('、'),
      leader: leader ? names.get(leader.personId)! : '',
    };
  });
  return { all, names, lines };
}

/** The card of either kind of draw. */
export async function drawCardOf(repos: Repos, draw: Draw, timeZone: string): Promise<Card> {
  return draw.kind === 'targets'
    ? drawCard(await targetDrawView(repos, draw, timeZone))
    : inspectorDrawCard(await inspectorDrawView(repos, draw, timeZone));
}
