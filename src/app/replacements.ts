// Replacements (递补, product.md §4.8; seed 000 art. 18): a drawn target found already deregistered, revoked or
// moved out at the draw date (the library was wrong), or one whose 回避 cannot be met, may be replaced — only before
// the departments start drawing their inspectors, only with the office's approval (never the requester's own),
// and always by the next reserve target of the same stratum in the receipt's order. A target found closed or
// unreachable during the check is a result to publish, not a replacement. The receipt stays as drawn; the
// replacement is a record of its own, audited, re-checked by /draw verify and sent to every department.
import { type OfficeRequestView, officeRequestCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import { parsePool } from '../domain/draw.ts';
import { nextReserve } from '../domain/draw-receipt.ts';
import { DomainError } from '../domain/errors.ts';
import { replacementMachine } from '../domain/workflow.ts';
import { liaisonsOf, refreshCopies, tell, toOffice } from './card-copies.ts';
import { readReceipt, targetReceipt } from './draw-files.ts';
import {
  checkDecision,
  type DecisionInput,
  lockDraw,
  recordDecision,
  refreshDraw,
  refuse,
} from './draw-protocol.ts';
import { drawSubject, requestBasics, takingPart } from './draw-views.ts';
import { picksSheet } from './draws.ts';
import type { Draw, Person, ReplacementRequest, Repos } from './ports.ts';
import type { Services } from './services.ts';

export const replacementSubject = (id: number) => `replacement:${id}`;

export const CAUSES = {
  registry: '抽取日名录库登记有误（已注销、吊销、迁出等）',
  recusal: '回避无法满足',
} as const;
export type Cause = keyof typeof CAUSES;

async function replacementView(repos: Repos, r: ReplacementRequest): Promise<OfficeRequestView> {
  const { draw, task, name, view } = await requestBasics(repos, r, 'decide-replacement');
  const target = await repos.targets.findByCode(r.code);
  return {
    ...view,
    title: `递补申请：${task.name}`,
    subtitle: `抽取 #${draw.id}`,
    facts: [
      { label: '任务', value: `#${task.id} ${task.name}` },
      { label: '检查对象', value: `${r.code} ${target?.name ?? ''}` },
      { label: '理由', value: `${CAUSES[r.cause]}：${r.note}` },
      { label: '申请人', value: (await name(r.requestedBy)) ?? '' },
      ...(r.replacementCode ? [{ label: '递补对象', value: r.replacementCode }] : []),
    ],
    consequence:
      '批准后由同一分层递补顺序中的下一个对象递补（同一检查组），原对象保留在名单中并注明；名单重新分送各部门。',
    approveLabel: '批准递补',
  };
}

export const replacementCardOf = async (repos: Repos, r: ReplacementRequest) =>
  officeRequestCard(await replacementView(repos, r));

/** Refused once any department has started drawing its inspectors: the list is then in the teams' hands. */
async function replaceable(tx: Repos, draw: Draw, state: string) {
  if (draw.kind !== 'targets' || draw.state !== 'drawn')
    refuse(`抽取 #${draw.id} 不是有效的检查对象抽取结果。`);
  const started = (await tx.draws.forTask(draw.taskId)).some(
    (d) => d.kind === 'inspectors' && d.state !== 'superseded',
  );
  if (started || state !== 'drawn') {
    refuse(
      '各部门已开始选派检查人员，检查对象不能再递补。',
      '检查中发现对象已注销、停业或无法联系的，作为检查结果记录和公示。',
    );
  }
}

/** The lead department's liaison (or the office) asks to replace a drawn target, with the cause and an account. */
export async function requestReplacement(
  services: Services,
  input: { drawId: number; code: string; cause: Cause; note: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const note = input.note.trim();
  if (note.length < 4) throw new DomainError('REPLACEMENT_NOTE', '请说明理由和依据（至少 4 个字）。');
  return services.store.transaction(async (tx) => {
    const { task, draw } = await lockDraw(tx, input.drawId);
    if (
      !person.roles.includes('office') &&
      !(person.roles.includes('liaison') && person.departmentId === task.leadDepartmentId)
    )
      refuse('只有牵头部门的联络员或联席会议办公室可以申请递补。');
    await replaceable(tx, draw, task.state);
    const pick = (await tx.draws.picks(draw.id)).find((p) => p.id === input.code.trim().toUpperCase());
    if (!pick || pick.withdrawn) refuse(`${input.code} 不在抽取 #${draw.id} 现有的抽中名单中。`);
    const request = await tx.draws.requestReplacement({
      drawId: draw.id,
      code: pick.id,
      cause: input.cause,
      note,
      requestedBy: person.id,
    });
    if (!request) refuse(`${pick.id} 已有待审批的递补申请。`);
    await tx.audit.append({
      actor: input.by,
      action: 'draw.replacement-request',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: { request: request.id, code: pick.id, cause: input.cause, note },
    });
    const card = await replacementCardOf(tx, request);
    await toOffice(
      tx,
      services.platform,
      `${replacementSubject(request.id)}:request`,
      { card, subject: replacementSubject(request.id) },
      person.id,
    );
    return { request };
  });
}

/** The office decides; on approval the next reserve target of the pick's stratum takes its place in its team. */
export async function decideReplacement(services: Services, input: DecisionInput) {
  return services.store.transaction(async (tx) => {
    const asked = await tx.draws.replacement(input.requestId);
    if (!asked) throw new DomainError('REPLACEMENT_NOT_FOUND', `找不到递补申请 #${input.requestId}。`);
    const { task, draw } = await lockDraw(tx, asked.drawId);
    // Read again under the draw's lock: a decision made meanwhile is seen as such.
    const found = (await tx.draws.replacement(asked.id))!;
    const note = checkDecision(found, input, {
      office: '只有联席会议办公室可以审批递补。',
      notSelf: '递补须由申请人以外的办公室成员审批。',
      noteCode: 'REPLACEMENT_NOTE',
    });
    let replacement: string | undefined;
    if (input.decision === 'approve') {
      await replaceable(tx, draw, task.state);
      replacement = await nextFor(tx, draw, found.code);
      if (!replacement) refuse('该分层已没有可以递补的对象。');
      await tx.draws.replacePick(draw.id, found.code, `${CAUSES[found.cause]}：${found.note}`, replacement);
    }
    const decided = await recordDecision(tx, services, found, input, {
      decide: tx.draws.decideReplacement,
      machine: replacementMachine,
      action: 'draw.replacement',
      drawId: draw.id,
      note,
      extra: { replacementCode: replacement ?? null },
      details: { code: found.code, ...(replacement ? { replacement } : {}) },
    });
    const key = `${replacementSubject(found.id)}:${input.decision}`;
    if (replacement) {
      const updated = await refreshDraw(tx, services, draw);
      const told: Person[] = [];
      for (const id of await takingPart(tx, task)) told.push(...(await liaisonsOf(tx, id)));
      const pick = (await tx.draws.picks(draw.id)).find((p) => p.id === replacement)!;
      // The list goes out again, as it now stands.
      if (services.sheets) {
        const sheet = await picksSheet(services, tx, updated, task.name);
        for (const l of told.filter((p) => p.chatPlatform === services.platform && p.chatUserId)) {
          await tx.outbox.enqueue(
            services.platform,
            { op: 'send', message: { to: { userId: l.chatUserId! }, file: sheet } },
            `${key}:sheet:${l.id}`,
          );
        }
      }
      await tell(
        tx,
        services.platform,
        told,
        `任务“${task.name}”（#${task.id}）递补：${found.code} 因${CAUSES[found.cause]}（${found.note}）经办公室批准不再检查，由递补顺序中的 ${pick.id} ${pick.name} 递补，编入第 ${pick.team} 组。更新后的名单已随附。`,
        key,
      );
    } else {
      await tell(
        tx,
        services.platform,
        [(await tx.people.get(found.requestedBy))!],
        `联席会议办公室驳回了任务“${task.name}”（#${task.id}）${found.code} 的递补申请：${note}`,
        key,
      );
    }
    const card = await replacementCardOf(tx, decided);
    await refreshCopies(tx, replacementSubject(found.id), `v${decided.version}`, card);
    return { card };
  });
}

/** The next reserve target for a pick: its stratum's reserve order, skipping targets already drawn or used. */
async function nextFor(tx: Repos, draw: Draw, code: string) {
  const receipt = targetReceipt(readReceipt(draw.receipt!));
  const picks = await tx.draws.picks(draw.id);
  const stratum = picks.find((p) => p.id === code)!.stratum;
  const used = new Set(picks.map((p) => p.id));
  const listed = nextReserve(receipt, stratum, used);
  return listed ?? nextReserve(receipt, stratum, used, parsePool(await tx.draws.poolBytes(draw.id)));
}

/**
 * Replays a draw's approved replacements against its receipt: each must be the next reserve of its stratum at its
 * turn. The differences, empty when all hold.
 */
export async function checkReplacements(repos: Repos, draw: Draw): Promise<string[]> {
  const approved = (await repos.draws.replacements(draw.id)).filter((r) => r.state === 'approved');
  if (approved.length === 0 || !draw.receipt) return [];
  const receipt = targetReceipt(readReceipt(draw.receipt));
  const strata = new Map(receipt.picks.map((p) => [p.id, p.stratum]));
  const used = new Set(receipt.picks.map((p) => p.id));
  let pool: ReturnType<typeof parsePool> | undefined;
  const problems: string[] = [];
  for (const r of approved) {
    const stratum = strata.get(r.code);
    if (!stratum) {
      problems.push(`递补申请 #${r.id} 的对象 ${r.code} 不在原抽中名单中。`);
      continue;
    }
    let expected = nextReserve(receipt, stratum, used);
    if (!expected) {
      pool ??= parsePool(await repos.draws.poolBytes(draw.id));
      expected = nextReserve(receipt, stratum, used, pool);
    }
    if (expected !== r.replacementCode) {
      problems.push(
        `递补 #${r.id}：${r.code} 由 ${r.replacementCode} 递补，按递补顺序应为 ${expected ?? '（无）'}。`,
      );
    }
    if (r.replacementCode) {
      used.add(r.replacementCode);
      strata.set(r.replacementCode, stratum);
    }
  }
  return problems;
}

/**
 * The lists in use (the picks the cards and spreadsheets show) against the receipt and the approved replacements:
 * each drawn target in its team, each replacement in the team of the target it replaced, nothing else.
 */
export async function checkPicks(repos: Repos, draw: Draw): Promise<string[]> {
  if (!draw.receipt) return [];
  const receipt = targetReceipt(readReceipt(draw.receipt));
  const expected = new Map(receipt.picks.map((p) => [p.id, p.team]));
  for (const r of await repos.draws.replacements(draw.id)) {
    if (r.state !== 'approved' || !r.replacementCode) continue;
    expected.set(r.replacementCode, expected.get(r.code) ?? 0);
    expected.delete(r.code);
  }
  const problems: string[] = [];
  const inForce = (await repos.draws.picks(draw.id)).filter((p) => !p.withdrawn);
  for (const p of inForce) {
    const team = expected.get(p.id);
    if (team === undefined) problems.push(`名单中的 ${p.id} 既不在收据中，也不是经批准的递补对象。`);
    else if (team !== p.team)
      problems.push(`名单中 ${p.id} 的检查组（第 ${p.team} 组）与收据不一致（第 ${team} 组）。`);
    expected.delete(p.id);
  }
  for (const code of [...expected.keys()].slice(0, 10)) problems.push(`收据中的 ${code} 不在现用名单中。`);
  return problems;
}
