// Hand-picked re-selection (指定选派; seed 000 art. 19 重新选派; product.md §4.7): when a drawn member cannot serve
// and the draw's ranking is not the answer (nobody left who qualifies, a rare expertise), the department may name
// the person to take the place. That bypasses the random order, so it needs another office member's approval and is
// logged with its reason. It does not bypass the rules: the person named must be eligible as the draw would have
// required (in the library, not on leave in the window, qualified, no declared conflict with the team's targets,
// same-area recusal where set, a certificate or expertise when the team would otherwise fall short) — checked when
// asked and again when approved.
import { type OfficeRequestView, officeRequestCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { holdsCertificate } from '../domain/availability.ts';
import { DomainError } from '../domain/errors.ts';
import { EXCLUSION_REASONS, exclusionOf } from '../domain/inspector-draw.ts';
import {
  checkTeamsInUse,
  type InspectorReceipt,
  TEAMS_IN_USE_FORMAT,
  type TeamsInUse,
} from '../domain/inspector-receipt.ts';
import { replacementMachine } from '../domain/workflow.ts';
import { refreshCopies, tell, toOffice } from './card-copies.ts';
import { readReceipt } from './draw-files.ts';
import { checkDecision, type DecisionInput, lockDraw, recordDecision, refuse } from './draw-protocol.ts';
import { actsFor, drawSubject, requestBasics } from './draw-views.ts';
import { announceTeamChange, candidatesNow, namedMember, needsOf, swapMember } from './inspector-draws.ts';
import type { ChoiceRequest, Draw, InspectorDrawFacts, Person, Repos, TeamMember } from './ports.ts';
import type { Services } from './services.ts';

export const choiceSubject = (id: number) => `choice:${id}`;

async function choiceView(repos: Repos, c: ChoiceRequest): Promise<OfficeRequestView> {
  const { draw, task, name, view } = await requestBasics(repos, c, 'decide-choice');
  const department = await repos.departments.get(draw.departmentId);
  return {
    ...view,
    title: `指定选派申请：${task.name}`,
    subtitle: `抽取 #${draw.id} · ${department?.shortName ?? department?.name ?? ''}`,
    facts: [
      { label: '任务', value: `#${task.id} ${task.name}` },
      { label: '不能参加的人员', value: (await name(c.personOut)) ?? '' },
      { label: '指定人员', value: (await name(c.personIn)) ?? '' },
      { label: '理由', value: c.reason },
      { label: '申请人', value: (await name(c.requestedBy)) ?? '' },
    ],
    consequence:
      '指定选派不按本次抽取的排名顺延，批准后记录在案并在抽取卡片上注明；被指定人员须符合本次选派的条件（已核对）。',
    approveLabel: '批准指定选派',
  };
}

export const choiceCardOf = async (repos: Repos, c: ChoiceRequest) =>
  officeRequestCard(await choiceView(repos, c));

/**
 * The swap a hand-pick would make, or why it cannot: the member (`outId`) leaves each team they are on, the person
 * (`inId`) joins it, if the draw's own rules allow them there. Nobody withdrawn from this draw comes back by hand.
 */
async function plannedSwap(tx: Repos, services: Services, draw: Draw, outId: number, inId: number) {
  if (draw.kind !== 'inspectors' || draw.state !== 'drawn' || !draw.receipt)
    refuse(`抽取 #${draw.id} 不是有效的检查人员选派结果。`);
  const receipt = readReceipt(draw.receipt) as InspectorReceipt;
  const q = receipt.pool.quota;
  const members = await tx.draws.members(draw.id);
  const out = members.filter((m) => m.personId === outId && !m.withdrawn);
  const outName = (await tx.people.get(outId))?.name ?? `#${outId}`;
  if (out.length === 0) refuse(`${outName} 已不在本部门这次选派的检查组中。`);
  const chosen = (await candidatesNow(tx, services, draw.departmentId, draw.taskId)).find(
    (c) => c.id === String(inId),
  );
  if (!chosen) refuse('指定人员已不在本部门检查人员名录中。');
  if (members.some((m) => m.personId === inId && m.withdrawn))
    refuse(
      `${chosen.name}已从本次选派中退出（${members.find((m) => m.personId === inId)!.withdrawn}），不能再指定。`,
    );
  const problems: string[] = [];
  for (const m of out) {
    const team = receipt.pool.teams.find((t) => t.team === m.team)!;
    const onTeam = members.filter((x) => x.team === m.team);
    if (onTeam.some((x) => x.personId === inId)) {
      problems.push(`${chosen.name}已在第 ${m.team} 组。`);
      continue;
    }
    const excluded = exclusionOf(chosen, team, q);
    if (excluded) {
      problems.push(
        `第 ${m.team} 组：${EXCLUSION_REASONS[excluded.reason]}${excluded.detail ? `（${excluded.detail}）` : ''}。`,
      );
    }
    const { needCertified, needExpert } = needsOf(m, onTeam, q);
    if (needCertified && !holdsCertificate(chosen, q.window))
      problems.push(`第 ${m.team} 组需要持有效执法证（有效期覆盖检查期间）的人员。`);
    if (needExpert && !chosen.isExpert) problems.push(`第 ${m.team} 组需要专家。`);
  }
  if (problems.length > 0) refuse(`不能指定${chosen.name}：${problems.join('')}`, '请另选符合条件的人员。');
  return { receipt, members, out, outName, chosen };
}

/** The one person of the department's library called `name`, or a refusal that says why not. */
async function libraryPerson(tx: Repos, services: Services, draw: Draw, name: string) {
  const named = (await candidatesNow(tx, services, draw.departmentId, draw.taskId)).filter(
    (c) => c.name === name.trim(),
  );
  if (named.length === 0) refuse(`本部门检查人员名录中没有“${name}”。`);
  if (named.length > 1) refuse(`本部门检查人员名录中有不止一位“${name}”，请联系联席会议办公室处理。`);
  return Number(named[0]!.id);
}

/** The department (or the office) asks to put a named person in place of a drawn member. */
export async function requestChoice(
  services: Services,
  input: { drawId: number; out: string; in: string; reason: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const reason = input.reason.trim();
  if (reason.length < 4) throw new DomainError('CHOICE_REASON', '请写明指定选派的理由（至少 4 个字）。');
  return services.store.transaction(async (tx) => {
    const { draw } = await lockDraw(tx, input.drawId);
    if (
      !person.roles.includes('office') &&
      !actsFor(person, draw.departmentId, (draw.filters as InspectorDrawFacts).unit)
    )
      refuse('只有本部门的联络员（或受委托下属单位的经办人）或联席会议办公室可以申请指定选派。');
    if (draw.kind !== 'inspectors' || draw.state !== 'drawn')
      refuse(`抽取 #${draw.id} 不是有效的检查人员选派结果。`);
    const { out: named } = await namedMember(tx, draw, input.out);
    const { out, chosen } = await plannedSwap(
      tx,
      services,
      draw,
      named[0]!.personId,
      await libraryPerson(tx, services, draw, input.in),
    );
    const request = await tx.draws.requestChoice({
      drawId: draw.id,
      personOut: out[0]!.personId,
      personIn: Number(chosen.id),
      reason,
      requestedBy: person.id,
    });
    if (!request) refuse(`${input.out.trim()} 已有待审批的指定选派申请。`);
    await tx.audit.append({
      actor: input.by,
      action: 'draw.choice-request',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: { request: request.id, out: out[0]!.personId, in: Number(chosen.id), reason },
    });
    await toOffice(
      tx,
      services.platform,
      `${choiceSubject(request.id)}:request`,
      { card: await choiceCardOf(tx, request), subject: choiceSubject(request.id) },
      person.id,
    );
    return { request, chosen: chosen.name };
  });
}

/** Another office member decides; on approval the swap is made again from what holds now. */
export async function decideChoice(services: Services, input: DecisionInput) {
  return services.store.transaction(async (tx) => {
    const asked = await tx.draws.choice(input.requestId);
    if (!asked) throw new DomainError('CHOICE_NOT_FOUND', `找不到指定选派申请 #${input.requestId}。`);
    const { task, draw } = await lockDraw(tx, asked.drawId);
    // Read again under the draw's lock: a decision made meanwhile is seen as such.
    const found = (await tx.draws.choice(asked.id))!;
    const note = checkDecision(found, input, {
      office: '只有联席会议办公室可以审批指定选派。',
      notSelf: '指定选派须由申请人以外的办公室成员审批。',
      noteCode: 'CHOICE_NOTE',
    });
    const outName = (await tx.people.get(found.personOut))!.name;
    const inName = (await tx.people.get(found.personIn))!.name;
    const changes: string[] = [];
    if (input.decision === 'approve') {
      // By the ids on the card: a namesake who joined since changes nothing.
      const { receipt, members, out, chosen } = await plannedSwap(
        tx,
        services,
        draw,
        found.personOut,
        found.personIn,
      );
      for (const m of out) {
        changes.push(
          await swapMember(
            tx,
            services,
            { task, draw, seed: receipt.seed.value, leads: receipt.pool.quota.leads },
            {
              member: m,
              onTeam: members.filter((x: TeamMember) => x.team === m.team),
              newcomer: {
                id: Number(chosen.id),
                name: chosen.name,
                certified: holdsCertificate(chosen, receipt.pool.quota.window),
                expert: chosen.isExpert,
              },
              outName,
              reason: `指定选派（申请 #${found.id}）：${found.reason}`,
              choiceId: found.id,
            },
          ),
        );
      }
    }
    const decided = await recordDecision(tx, services, found, input, {
      decide: tx.draws.decideChoice,
      machine: replacementMachine,
      action: 'draw.choice',
      drawId: draw.id,
      note,
      extra: {},
      ...(changes.length ? { details: { changes: changes.join('；') } } : {}),
    });
    const key = `${choiceSubject(found.id)}:${input.decision}`;
    const requester = (await tx.people.get(found.requestedBy))!;
    if (input.decision === 'approve') {
      await announceTeamChange(tx, services, task, draw, {
        text: `任务“${task.name}”（#${task.id}）指定选派检查人员（经联席会议办公室批准，理由：${found.reason}）：${changes.join('；')}。发送 /draw show ${task.id} 查看。`,
        changed: `指定选派 ${changes.join('；')}`,
        key: () => key,
      });
      await tell(
        tx,
        services.platform,
        [requester],
        `您的指定选派申请 #${found.id} 已获批准：${changes.join('；')}。`,
        `${key}:requester`,
      );
    } else {
      await tell(
        tx,
        services.platform,
        [requester],
        `联席会议办公室驳回了任务“${task.name}”（#${task.id}）指定${inName}顶替${outName}的申请：${note}`,
        key,
      );
    }
    const card = await choiceCardOf(tx, decided);
    await refreshCopies(tx, choiceSubject(found.id), `v${decided.version}`, card);
    return { card };
  });
}

/** An inspector draw's teams as they now stand, as the record anyone can re-check against the receipt. */
export async function teamsInUse(repos: Repos, draw: Draw): Promise<TeamsInUse> {
  const members = await repos.draws.members(draw.id);
  const name = async (id: number) => (await repos.people.get(id))?.name ?? `#${id}`;
  const choices = [];
  for (const c of await repos.draws.choices(draw.id)) {
    if (c.state !== 'approved') continue;
    choices.push({
      id: c.id,
      out: String(c.personOut),
      in: String(c.personIn),
      reason: c.reason,
      decidedAt: c.decidedAt?.toISOString() ?? null,
    });
  }
  return {
    format: TEAMS_IN_USE_FORMAT,
    receiptHash: draw.receiptHash ?? '',
    members: await Promise.all(
      members.map(async (m) => ({
        team: m.team,
        id: String(m.personId),
        name: await name(m.personId),
        certified: m.certified,
        leader: m.leader,
        replaces: m.replaces === null ? null : String(m.replaces),
        withdrawn: m.withdrawn,
        choice: m.choiceId ?? null,
      })),
    ),
    choices,
  };
}

/** `/draw verify`'s check of an inspector draw's teams in use against its receipt (domain `checkTeamsInUse`). */
export async function checkMembers(repos: Repos, draw: Draw): Promise<string[]> {
  if (draw.kind !== 'inspectors' || !draw.receipt) return [];
  return checkTeamsInUse(readReceipt(draw.receipt) as InspectorReceipt, await teamsInUse(repos, draw));
}
