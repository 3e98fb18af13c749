// A department's inspector draw for a task (product.md §4.5; seed 000 art. 19; seed 002 art. 13), inside the
// protocol of draw-protocol.ts. Once the target list is handed over, each department taking part, the lead
// included, commits its own draw: its people and what decides their eligibility (leave, qualifications,
// declared conflicts, areas) and the teams' targets are frozen and hashed, with a fresh bot entropy of its own.
// Too few people for any team is refused at the commit with what is missing; nothing is drawn. After the reveal
// the department's liaison or the office draws; the people drawn are told; once every department has drawn, the
// task is staffed and the teams are posted in its chat.
import { randomBytes } from 'node:crypto';
import { teamsCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { holdsCertificate } from '../domain/availability.ts';
import { drawSeed, score, sha256 } from '../domain/draw.ts';
import { layoutReceipt, seedInputs } from '../domain/draw-receipt.ts';
import { DomainError } from '../domain/errors.ts';
import {
  type Candidate,
  certificateShares,
  drawInspectors,
  EXCLUSION_REASONS,
  type ExclusionReason,
  exclusionOf,
  INSPECTOR_ALGORITHM,
  type InspectorQuota,
  type Shortfall,
  type TeamTargets,
} from '../domain/inspector-draw.ts';
import {
  type InspectorPool,
  type InspectorReceipt,
  inspectorPoolText,
  inspectorReceiptOf,
  inspectorTaskRef,
  type LateEdit,
} from '../domain/inspector-receipt.ts';
import { localDate, monthsBefore } from '../domain/local-date.ts';
import { next, taskMachine } from '../domain/workflow.ts';
import { liaisonsOf } from './card-copies.ts';
import { readReceipt } from './draw-files.ts';
import {
  type DrawMaker,
  lockDraw,
  postNotice,
  refreshDraw,
  refuse,
  replacedBy,
  runDraw,
} from './draw-protocol.ts';
import { actsFor, drawSubject, takingPart, taskRef, unitStaff } from './draw-views.ts';
import type {
  Draw,
  InspectorCandidate,
  InspectorDrawFacts,
  Person,
  Repos,
  Task,
  TeamMember,
} from './ports.ts';
import type { Services } from './services.ts';
import { requireTask, taskSubject } from './tasks.ts';
import { settingValue } from './workspace-settings.ts';

/** The teams of the task's target draw, with each target's area (for 回避 by 片区). */
async function teamsOf(tx: Repos, target: Draw): Promise<TeamTargets[]> {
  const teams = new Map<number, TeamTargets>();
  for (const p of await tx.draws.picks(target.id)) {
    if (p.withdrawn) continue;
    const team = teams.get(p.team) ?? { team: p.team, targets: [] };
    team.targets.push({ code: p.id, area: p.area });
    teams.set(p.team, team);
  }
  return [...teams.values()].sort((a, b) => a.team - b.team);
}

function shortfallText(department: string, shortfalls: Shortfall[]): string {
  const lines = shortfalls.slice(0, 10).map((s) => {
    const excluded = Object.entries(s.excluded)
      .map(([reason, n]) => `${EXCLUSION_REASONS[reason as ExclusionReason]} ${n} 人`)
      .join('、');
    return `第 ${s.team} 组：${s.missing.join('；')}；可选 ${s.eligible} 人${excluded ? `，不可选：${excluded}` : ''}`;
  });
  const more = shortfalls.length > 10 ? `\n……共 ${shortfalls.length} 个检查组人员不足。` : '';
  return `${department}的检查人员不足，未抽取：\n${lines.join('\n')}${more}`;
}

/** People left out, once per person and reason. */
function excludedCounts(exclusions: { id: string; reason: ExclusionReason }[]) {
  const seen = new Set<string>();
  const counts: Partial<Record<ExclusionReason, number>> = {};
  for (const e of exclusions) {
    const key = `${e.reason}\t${e.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[e.reason] = (counts[e.reason] ?? 0) + 1;
  }
  return counts;
}

/**
 * What a department's inspector draw would freeze now: the quota, the teams, its people (only the sub-unit's when
 * the department delegated its part) with what makes them eligible, and the leave and conflicts entered since the
 * hand-over. Refused, naming what is missing, when the teams cannot be filled whatever the seed.
 */
export async function inspectorPoolNow(
  tx: Repos,
  services: Services,
  task: Task,
  target: Draw,
  departmentId: number,
  unit: string | null,
) {
  const departments = await takingPart(tx, task);
  const sameArea = (await settingValue(tx, 'draws.sameAreaRecusal')) === 1;
  const department = (await tx.departments.get(departmentId))!;
  const departmentName = department.shortName ?? department.name;
  const plan = (await tx.plans.get(task.planId))!;
  const matters = (await tx.matters.list({ departmentId })).filter((m) => plan.matterIds.includes(m.id));
  const shares = certificateShares(
    departments.map((id) => ({ departmentId: id, count: task.perTeam[String(id)] ?? 0 })),
    task.certificateHolders,
  );
  // A department released by the office takes its people with it: the rest must still seat the holders.
  const seated = [...shares.values()].reduce((a, b) => a + b, 0);
  if (seated < task.certificateHolders) {
    refuse(
      `参加任务的部门每组合计只有 ${seated} 个持证名额，少于要求的 ${task.certificateHolders} 人（有部门已退出任务）。`,
      '请联系联席会议办公室调整任务后再选派。',
    );
  }
  const quota: InspectorQuota = {
    perTeam: task.perTeam[String(departmentId)] ?? 1,
    certificateHolders: shares.get(departmentId) ?? 0,
    expert: matters.some((m) => m.needsExpert),
    tags: [...new Set(matters.flatMap((m) => m.qualificationTags))].sort(),
    window: { from: task.windowStart, to: task.windowEnd },
    sameAreaRecusal: sameArea,
    leads: departmentId === task.leadDepartmentId,
  };
  const teams = await teamsOf(tx, target!);
  const drawnCodes = new Set(teams.flatMap((t) => t.targets.map((x) => x.code)));
  const handedOver = target!.drawnAt!;
  const people = (await tx.inspectors.candidates(departmentId)).filter((p) => !unit || p.unit === unit);
  const candidates = await candidatesNow(tx, services, departmentId, task.id, people);
  // seed 000 art. 19 and product.md §4.5: leave or conflicts entered after the list went out are flagged.
  const lateEdits: LateEdit[] = people.flatMap((p) => [
    ...p.leaves
      .filter((l) => l.at > handedOver && l.from <= task.windowEnd && l.to >= task.windowStart)
      .map(
        (l): LateEdit => ({
          id: String(p.id),
          name: p.name,
          what: 'leave',
          detail: `${l.from} 至 ${l.to}`,
          at: l.at.toISOString(),
        }),
      ),
    ...p.conflicts
      .filter((c) => c.at > handedOver && drawnCodes.has(c.targetCode))
      .map(
        (c): LateEdit => ({
          id: String(p.id),
          name: p.name,
          what: 'conflict',
          detail: c.targetCode,
          at: c.at.toISOString(),
        }),
      ),
  ]);
  // Eligibility does not depend on the seed: a department that cannot fill its teams is told now.
  const trial = drawInspectors(sha256('feasibility'), candidates, teams, quota);
  if (!trial.ok) {
    throw new DomainError(
      'INSPECTORS_SHORT',
      shortfallText(unit ? `${departmentName} · ${unit}` : departmentName, trial.shortfalls),
      '请补充检查人员名录、核对休假和回避，或请牵头部门调整每组人数。',
    );
  }
  return { department, quota, teams, candidates, lateEdits, trial };
}

/**
 * `/draw inspectors`: a liaison of a department taking part commits the department's inspector draw, once the
 * target list has been handed over.
 */
export async function commitInspectorDraw(
  services: Services,
  input: { taskId: number; person: Person; by: AuditActor; minutes?: number },
) {
  const { person } = input;
  const minutes = input.minutes ?? (await settingValue(services.store, 'draws.contributionMinutes'))!;
  const now = services.clock.now();
  return services.store.transaction(async (tx) => {
    const task = await requireTask(tx, input.taskId, true);
    const departments = await takingPart(tx, task);
    const departmentId = person.departmentId;
    const draws = await tx.draws.forTask(task.id);
    const target = draws.find((d) => d.kind === 'targets' && d.state === 'drawn');
    // seed 000 art. 18: a department that delegated its part draws from the sub-unit it dispatched the list to.
    const unit = target
      ? ((await tx.draws.handovers(target.id)).find((h) => h.departmentId === departmentId)?.delegatedTo ??
        null)
      : null;
    if (!departments.includes(departmentId) || !actsFor(person, departmentId, unit))
      refuse('只有参加这项任务的部门的联络员（或受委托下属单位的经办人）可以选派本部门的检查人员。');
    if (!target || (task.state !== 'drawn' && task.state !== 'staffed')) {
      refuse(`任务 #${task.id} 还没有抽取检查对象；名单分送后，各部门再选派检查人员。`);
    }
    const existing = draws.find(
      (d) => d.kind === 'inspectors' && d.departmentId === departmentId && d.state !== 'superseded',
    );
    if (existing) {
      throw new DomainError(
        'DRAW_EXISTS',
        `本部门已${existing.state === 'committed' ? '发布选派公告' : '选派检查人员'}（抽取 #${existing.id}），不能再次抽取。`,
        `发送 /draw show ${task.id} 查看。`,
      );
    }
    const { department, quota, teams, candidates, lateEdits, trial } = await inspectorPoolNow(
      tx,
      services,
      task,
      target!,
      departmentId,
      unit,
    );
    const pool: InspectorPool = { candidates, teams, quota, ...(unit ? { unit } : {}) };
    const content = inspectorPoolText(pool);
    const entropy = randomBytes(32).toString('hex');
    const facts: InspectorDrawFacts = {
      quota,
      lateEdits,
      excluded: excludedCounts(trial.exclusions),
      targetDrawId: target!.id,
      ...(unit ? { unit } : {}),
    };
    const draw = await tx.draws.create({
      taskId: task.id,
      kind: 'inspectors',
      departmentId,
      algorithm: INSPECTOR_ALGORITHM,
      filters: facts,
      strata: [],
      split: { teams: teams.length },
      poolSize: candidates.length,
      poolHash: sha256(content),
      botEntropy: entropy,
      botCommitment: sha256(entropy),
      revealAt: new Date(now.getTime() + minutes * 60_000),
      beacon: null,
      noInputReason: null,
      committedBy: person.id,
      replacesId: replacedBy(draws, 'inspectors', departmentId)?.id ?? null,
    });
    if (!draw) throw new DomainError('DRAW_EXISTS', '本部门刚刚已发布选派公告。');
    await tx.draws.storePool(draw.id, content);
    await tx.audit.append({
      actor: input.by,
      action: 'draw.commit',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: {
        task: task.id,
        kind: 'inspectors',
        department: department.code,
        algorithm: INSPECTOR_ALGORITHM,
        candidates: candidates.length,
        poolHash: draw.poolHash,
        botCommitment: draw.botCommitment,
        revealAt: draw.revealAt.toISOString(),
        lateEdits: lateEdits.length,
      },
    });
    const card = await postNotice(tx, services, task, draw, [
      ...(await liaisonsOf(tx, departmentId)),
      ...(unit ? (await unitStaff(tx, departmentId, unit)).filter((p) => !p.roles.includes('liaison')) : []),
    ]);
    return { draw, task, card };
  });
}

/**
 * The department's people as an inspector draw sees them now: the library's record, and (回避, not the same target
 * twice running) the targets each checked on other tasks' teams within `draws.recheckMonths`.
 */
export async function candidatesNow(
  tx: Repos,
  services: Services,
  departmentId: number,
  taskId: number,
  people?: InspectorCandidate[],
): Promise<Candidate[]> {
  const months = (await settingValue(tx, 'draws.recheckMonths'))!;
  const since = monthsBefore(localDate(services.clock.now(), services.timeZone), months);
  const checked =
    months > 0 ? await tx.draws.checkedBy(departmentId, taskId, since) : new Map<number, string[]>();
  return (people ?? (await tx.inspectors.candidates(departmentId))).map((p) =>
    candidateOf(p, checked.get(p.id)),
  );
}

/** A person of the library as an inspector draw sees them (frozen at its commit; a hand-pick is checked alike). */
export const candidateOf = (p: InspectorCandidate, checked?: string[]): Candidate => ({
  id: String(p.id),
  name: p.name,
  active: p.active,
  certificateNo: p.certificateNo,
  certificateValidUntil: p.certificateValidUntil,
  qualificationTags: [...p.qualificationTags].sort(),
  isExpert: p.isExpert,
  area: p.area,
  leaves: p.leaves.map((l) => ({ from: l.from, to: l.to })).sort((a, b) => (a.from < b.from ? -1 : 1)),
  conflicts: p.conflicts.map((c) => c.targetCode).sort(),
  ...(checked?.length ? { checked } : {}),
});

/** The inspector draw's own part of the protocol: who draws, the selection, and what follows. */
function inspectorMaker(services: Services): DrawMaker {
  return {
    mayDraw(person, _task, draw) {
      if (!actsFor(person, draw.departmentId, (draw.filters as InspectorDrawFacts).unit))
        refuse('只有本部门的联络员（或受委托下属单位的经办人）或联席会议办公室可以选派本部门的检查人员。');
    },
    async make(tx, { task, draw, inputs, now, auditHead }) {
      const facts = draw.filters as InspectorDrawFacts;
      const department = (await tx.departments.get(draw.departmentId))!;
      const pool = JSON.parse((await tx.draws.poolBytes(draw.id)).toString()) as InspectorPool;
      const ref = taskRef(task);
      const seed = drawSeed(
        inspectorTaskRef(ref, department.code),
        draw.poolHash,
        seedInputs(draw.botEntropy, inputs),
      );
      const result = drawInspectors(seed, pool.candidates, pool.teams, pool.quota);
      if (!result.ok)
        throw new Error(`draw ${draw.id}: a frozen pool that passed its commit cannot be drawn`);
      const receipt = inspectorReceiptOf({
        taskRef: ref,
        taskName: task.name,
        department: {
          code: department.code,
          name: department.shortName ?? department.name,
          ...(pool.unit ? { unit: pool.unit } : {}),
        },
        drawnAt: now.toISOString(),
        pool,
        botEntropy: draw.botEntropy,
        inputs,
        teams: result.teams,
        exclusions: result.exclusions,
        lateEdits: facts.lateEdits,
        auditHead,
      });
      await tx.draws.saveMembers(
        result.teams.flatMap((t) =>
          t.members.map((m, i) => ({
            drawId: draw.id,
            team: t.team,
            position: i + 1,
            personId: Number(m.id),
            certified: m.certified,
            expert: m.expert,
            leader: t.leader === m.id,
            replaces: null,
            withdrawn: null,
          })),
        ),
      );
      return {
        seed,
        receipt: layoutReceipt(receipt),
        details: {
          kind: 'inspectors',
          department: department.code,
          members: result.teams.reduce((n, t) => n + t.members.length, 0),
        },
      };
    },
    async after(tx, { task, drawn }) {
      await tellDrawn(tx, services, task, drawn);
      return staffIfDone(tx, services, task);
    },
  };
}

/** Each person drawn hears which team they are on, in a direct message. */
async function tellDrawn(tx: Repos, services: Services, task: Task, drawn: Draw) {
  const facts = drawn.filters as InspectorDrawFacts;
  const targets = new Map<number, number>();
  for (const p of await tx.draws.picks(facts.targetDrawId)) {
    if (!p.withdrawn) targets.set(p.team, (targets.get(p.team) ?? 0) + 1);
  }
  for (const m of await tx.draws.members(drawn.id)) {
    if (m.withdrawn) continue;
    const person = await tx.people.get(m.personId);
    if (!person || person.chatPlatform !== services.platform || !person.chatUserId) continue;
    await tx.outbox.enqueue(
      services.platform,
      {
        op: 'send',
        message: {
          to: { userId: person.chatUserId },
          text: `您被选派参加任务“${task.name}”（#${task.id}）第 ${m.team} 组，检查对象 ${targets.get(m.team) ?? 0} 个${m.leader ? '，并担任组长' : ''}；检查时间 ${task.windowStart} 至 ${task.windowEnd}。`,
        },
      },
      `${drawSubject(drawn.id)}:drawn:member:${m.team}:${m.personId}`,
    );
  }
}

/** Once every department taking part has drawn its people, the task is staffed and its teams go to its chat. */
async function staffIfDone(tx: Repos, services: Services, task: Task): Promise<Task> {
  const departments = await takingPart(tx, task);
  const draws = (await tx.draws.forTask(task.id)).filter(
    (d) => d.kind === 'inspectors' && d.state === 'drawn',
  );
  if (!departments.every((id) => draws.some((d) => d.departmentId === id)) || task.state !== 'drawn')
    return task;
  const staffed = (await tx.tasks.update(task.id, task.version, {
    state: next(taskMachine, task.state, 'staff'),
  }))!;
  await postRoster(tx, services, staffed, `${taskSubject(task.id)}:staffed@v${staffed.version}`);
  return staffed;
}

/**
 * After a change to a drawn department's teams (a re-selection, a hand-pick): the draw's card copies show it, the
 * task's chat is told (`text`, under `key` of the draw's new version), and a staffed task's roster is posted again
 * saying what `changed`.
 */
export async function announceTeamChange(
  tx: Repos,
  services: Services,
  task: Task,
  draw: Draw,
  o: { text: string; changed: string; key: (version: number) => string },
) {
  const updated = await refreshDraw(tx, services, draw);
  await tx.outbox.enqueue(
    services.platform,
    { op: 'send', message: { to: { chatId: task.chatId }, text: o.text } },
    o.key(updated.version),
  );
  if (task.state === 'staffed')
    await postRoster(tx, services, task, `${drawSubject(draw.id)}:roster@v${updated.version}`, o.changed);
}

/** The task's teams as they now stand (targets, leader, members by department), posted in its chat under `key`. */
async function postRoster(tx: Repos, services: Services, task: Task, key: string, changed?: string) {
  const names = new Map((await tx.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
  const draws = await tx.draws.forTask(task.id);
  const target = draws.find((d) => d.kind === 'targets' && d.state === 'drawn')!;
  const rows = new Map<number, { targets: number; leader: string; members: string[] }>();
  for (const p of (await tx.draws.picks(target.id)).filter((x) => !x.withdrawn)) {
    const row = rows.get(p.team) ?? { targets: 0, leader: '', members: [] };
    row.targets++;
    rows.set(p.team, row);
  }
  for (const d of draws.filter((x) => x.kind === 'inspectors' && x.state === 'drawn')) {
    for (const m of await tx.draws.members(d.id)) {
      if (m.withdrawn) continue;
      const row = rows.get(m.team)!;
      const name = (await tx.people.get(m.personId))?.name ?? '';
      row.members.push(`${name}（${names.get(d.departmentId)}）`);
      if (m.leader) row.leader = name;
    }
  }
  await tx.outbox.enqueue(
    services.platform,
    {
      op: 'send',
      message: {
        to: { chatId: task.chatId },
        card: teamsCard(
          { id: task.id, name: task.name, windowStart: task.windowStart, windowEnd: task.windowEnd },
          [...rows.entries()].sort(([a], [b]) => a - b).map(([team, r]) => ({ team, ...r })),
          changed,
        ),
      },
    },
    key,
  );
}

/** Draws the department's inspectors: its liaison or the office (draw-protocol.ts says when). */
export async function runInspectorDraw(
  services: Services,
  input: { drawId: number; version: number; person: Person; by: AuditActor; noInputReason?: string },
) {
  return runDraw(services, input, inspectorMaker(services));
}

/**
 * Re-selects (重新选派, seed 000 art. 19) a drawn member who can no longer serve: on each team they are on, the next
 * person in that team's ranking from the receipt takes their place — a certificate holder when the team would
 * otherwise fall below the department's share, an expert when it would lose its only one. The lead department's
 * team leader is recomputed the same way as at the draw. A hand-picked choice is the office's, outside this.
 */
export async function reselectInspector(
  services: Services,
  input: { drawId: number; name: string; reason: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const reason = input.reason.trim();
  if (reason.length < 4) throw new DomainError('RESELECT_REASON', '请写明重新选派的原因（至少 4 个字）。');
  return services.store.transaction(async (tx) => {
    const { task, draw } = await lockDraw(tx, input.drawId);
    if (draw.kind !== 'inspectors' || draw.state !== 'drawn' || !draw.receipt)
      refuse(`抽取 #${draw.id} 不是已完成的检查人员选派。`);
    if (
      !person.roles.includes('office') &&
      !actsFor(person, draw.departmentId, (draw.filters as InspectorDrawFacts).unit)
    )
      refuse('只有本部门的联络员（或受委托下属单位的经办人）或联席会议办公室可以重新选派本部门的检查人员。');
    const receipt = readReceipt(draw.receipt) as InspectorReceipt;
    // The ranking is the receipt's; whether the next person can serve is judged on the library as it is now
    // (leave or a conflict entered since the draw, a certificate renewed), by the draw's own rules.
    const candidates = new Map(
      (await candidatesNow(tx, services, draw.departmentId, task.id)).map((c) => [c.id, c]),
    );
    const { members, out } = await namedMember(tx, draw, input.name);
    // Nobody withdrawn from this draw as unable to serve comes back through another team's ranking.
    const unable = new Set([...members.filter((m) => m.withdrawn), ...out].map((m) => String(m.personId)));
    const q = receipt.pool.quota;
    const certified = (id: string) => holdsCertificate(candidates.get(id)!, q.window);
    const changes: string[] = [];
    for (const m of out) {
      const team = receipt.teams.find((t) => t.team === m.team)!;
      const onTeam = members.filter((x) => x.team === m.team);
      const { needCertified, needExpert } = needsOf(m, onTeam, q);
      const frozen = receipt.pool.teams.find((t) => t.team === m.team)!;
      const nextId = team.reserve.find(
        (id) =>
          !unable.has(id) &&
          !onTeam.some((x) => String(x.personId) === id) &&
          candidates.has(id) &&
          !exclusionOf(candidates.get(id)!, frozen, q) &&
          (!needCertified || certified(id)) &&
          (!needExpert || candidates.get(id)!.isExpert),
      );
      if (!nextId) {
        refuse(
          `第 ${m.team} 组已没有可以按排名顺延的人员${needCertified ? '（须持有效执法证）' : ''}。`,
          '请联系联席会议办公室。',
        );
      }
      changes.push(
        await swapMember(
          tx,
          services,
          { task, draw, seed: receipt.seed.value, leads: q.leads },
          {
            member: m,
            onTeam,
            newcomer: {
              id: Number(nextId),
              name: candidates.get(nextId)!.name,
              certified: certified(nextId),
              expert: candidates.get(nextId)!.isExpert,
            },
            outName: input.name.trim(),
            reason,
            choiceId: null,
          },
        ),
      );
    }
    await tx.audit.append({
      actor: input.by,
      action: 'draw.reselect',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: { name: input.name.trim(), reason, changes: changes.join('；') },
    });
    await announceTeamChange(tx, services, task, draw, {
      text: `任务“${task.name}”（#${task.id}）重新选派检查人员（${reason}）：${changes.join('；')}。按本次抽取的排名顺延，发送 /draw show ${task.id} 查看。`,
      changed: `重新选派 ${changes.join('；')}`,
      key: (version) => `${drawSubject(draw.id)}:reselect:v${version}`,
    });
    return { changes };
  });
}

/** The current (not withdrawn) members of an inspector draw called `name`: one person, on one team or more. */
export async function namedMember(tx: Repos, draw: Draw, name: string) {
  const members = await tx.draws.members(draw.id);
  const out: TeamMember[] = [];
  for (const m of members) {
    if (!m.withdrawn && (await tx.people.get(m.personId))?.name === name.trim()) out.push(m);
  }
  if (out.length === 0) refuse(`${name} 不在本部门这次选派的检查组中。`);
  if (new Set(out.map((m) => m.personId)).size > 1)
    refuse(`本次选派中有不止一位“${name}”，请联系联席会议办公室处理。`);
  return { members, out };
}

/** What a team loses with a member: a certificate seat it cannot spare, its only expert. */
export function needsOf(m: TeamMember, onTeam: TeamMember[], q: InspectorQuota) {
  const staying = onTeam.filter((x) => !x.withdrawn && x.personId !== m.personId);
  return {
    needCertified: m.certified && staying.filter((x) => x.certified).length < q.certificateHolders,
    needExpert: m.expert && q.expert && !staying.some((x) => x.expert),
  };
}

/**
 * Puts `newcomer` in place of a drawn member on one team: the member stays listed as withdrawn with the reason, the
 * newcomer is added after the team's last position (marked with the approved hand-pick, if it is one), the lead
 * department's leader is recomputed as at the draw (top-ranked certified member), and the newcomer is told.
 */
export async function swapMember(
  tx: Repos,
  services: Services,
  ctx: { task: Task; draw: Draw; seed: string; leads: boolean },
  swap: {
    member: TeamMember;
    onTeam: TeamMember[];
    newcomer: { id: number; name: string; certified: boolean; expert: boolean };
    outName: string;
    reason: string;
    choiceId: number | null;
  },
): Promise<string> {
  const { task, draw } = ctx;
  const { member: m, newcomer } = swap;
  await tx.draws.withdrawMember(draw.id, m.team, m.personId, swap.reason);
  await tx.draws.saveMembers([
    {
      drawId: draw.id,
      team: m.team,
      position: Math.max(...swap.onTeam.map((x) => x.position)) + 1,
      personId: newcomer.id,
      certified: newcomer.certified,
      expert: newcomer.expert,
      leader: false,
      replaces: m.personId,
      withdrawn: null,
      choiceId: swap.choiceId,
    },
  ]);
  if (ctx.leads) {
    const staying = swap.onTeam.filter((x) => !x.withdrawn && x.personId !== m.personId);
    const holders = [...staying.filter((x) => x.certified).map((x) => String(x.personId))];
    if (newcomer.certified) holders.push(String(newcomer.id));
    const ranked = holders.sort((a, b) => {
      const x = score(ctx.seed, 'inspector', `${m.team}\t${a}`);
      const y = score(ctx.seed, 'inspector', `${m.team}\t${b}`);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    await tx.draws.setLeader(draw.id, m.team, ranked[0] ? Number(ranked[0]) : null);
  }
  const person = await tx.people.get(newcomer.id);
  if (person?.chatPlatform === services.platform && person.chatUserId) {
    await tx.outbox.enqueue(
      services.platform,
      {
        op: 'send',
        message: {
          to: { userId: person.chatUserId },
          text: `您被${swap.choiceId ? '指定' : '重新'}选派参加任务“${task.name}”（#${task.id}）第 ${m.team} 组（顶替 ${swap.outName}）；检查时间 ${task.windowStart} 至 ${task.windowEnd}。`,
        },
      },
      `${drawSubject(draw.id)}:${swap.choiceId ? `choice:${swap.choiceId}` : 'reselect'}:${m.team}:${m.personId}:${newcomer.id}`,
    );
  }
  return `第 ${m.team} 组：${swap.outName} → ${newcomer.name}`;
}
