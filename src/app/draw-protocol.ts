// The protocol every draw follows, whatever it draws (product.md §4.2–4.3, §4.6): the notice posted and tracked,
// contributions until the reveal time, the draw itself once the reveal time has come (or every department has
// given), at least one input beyond the bot's entropy unless the office writes why, the receipt stored as text
// and sent to the task's chat, every step audited; and the re-check of a stored draw. What is drawn, and what
// follows a draw, belong to each kind (draws.ts: targets; inspector-draws.ts: a department's inspectors).
import type { Card } from '../cards/card.ts';
import { type AuditActor, canonicalJson, type Json } from '../domain/audit-chain.ts';
import { type SeedInput, sha256 } from '../domain/draw.ts';
import { DomainError, STALE_CARD } from '../domain/errors.ts';
import { localStamp } from '../domain/local-date.ts';
import { next, type RedrawState, type redrawMachine } from '../domain/workflow.ts';
import { refreshCopies, sendTracked } from './card-copies.ts';
import { verifyReceiptFile } from './draw-files.ts';
import {
  actsFor,
  CHAT_POOL_FILE_LIMIT,
  CHAT_RECEIPT_LIMIT,
  drawCardOf,
  drawSubject,
  EMBED_POOL_LIMIT,
  takingPart,
} from './draw-views.ts';
import type { ChatRef, Draw, InspectorDrawFacts, Person, Repos, Task } from './ports.ts';
import type { Services } from './services.ts';
import { requireTask, taskCardOf, taskSubject } from './tasks.ts';

const MAX_CONTRIBUTION = 1_000;

/** Milliseconds spent in each step of a long use case, for its log line (slow draws are worth a look). */
export function stopwatch() {
  let last = performance.now();
  const laps: Record<string, number> = {};
  return {
    lap(step: string) {
      const now = performance.now();
      laps[step] = Math.round(now - last);
      last = now;
    },
    laps,
  };
}

export function refuse(message: string, hint?: string): never {
  throw new DomainError('DRAW_FORBIDDEN', message, hint);
}

export async function requireDraw(repos: Repos, id: number, lock = false): Promise<Draw> {
  const draw = lock ? await repos.draws.lock(id) : await repos.draws.get(id);
  if (!draw)
    throw new DomainError('DRAW_NOT_FOUND', `找不到抽取 #${id}。`, '发送 /draw show 任务编号 查看。');
  return draw;
}

/** Why a draw takes no more contributions or draws, in words. */
const closedWhy = (draw: Draw) => (draw.state === 'superseded' ? '已作废（办公室批准重新抽取）' : '已经完成');

/** The draw, locked after its task (the order every draw step locks in). */
export async function lockDraw(tx: Repos, drawId: number): Promise<{ task: Task; draw: Draw }> {
  const found = await requireDraw(tx, drawId);
  const task = await requireTask(tx, found.taskId, true);
  return { task, draw: await requireDraw(tx, drawId, true) };
}

/** The superseded draw of this kind and department that a new draw redoes (none already redoes it), if any. */
export function replacedBy(
  draws: readonly Draw[],
  kind: Draw['kind'],
  departmentId: number,
): Draw | undefined {
  const redone = new Set(draws.map((d) => d.replacesId));
  return draws.findLast(
    (d) =>
      d.kind === kind && d.departmentId === departmentId && d.state === 'superseded' && !redone.has(d.id),
  );
}

/** Posts a draw's notice in the task's chat and to `also`, every copy tracked under the draw. */
export async function postNotice(
  tx: Repos,
  services: Services,
  task: Task,
  draw: Draw,
  also: Person[],
): Promise<Card> {
  const card = await drawCardOf(tx, draw, services.timeZone);
  const key = `${drawSubject(draw.id)}:notice`;
  const to: [ChatRef, string][] = [
    [{ chatId: task.chatId }, key],
    ...also
      .filter((p) => p.chatPlatform === services.platform && p.chatUserId)
      .map((p): [ChatRef, string] => [{ userId: p.chatUserId! }, `${key}:${p.id}`]),
  ];
  for (const [ref, k] of to) await sendTracked(tx, services.platform, ref, drawSubject(draw.id), k, card);
  return card;
}

/** A department adds its contribution to the seed before the reveal time; it sees the hash at once. */
export async function contributeToDraw(
  services: Services,
  input: { drawId: number; value: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const value = input.value.trim();
  return services.store.transaction(async (tx) => {
    const { task, draw } = await lockDraw(tx, input.drawId);
    // A sub-unit the department delegated its part to gives the department's input to its own inspector draw.
    const unit =
      draw.kind === 'inspectors' && draw.departmentId === person.departmentId
        ? (draw.filters as InspectorDrawFacts).unit
        : undefined;
    if (
      !(await takingPart(tx, task)).includes(person.departmentId) ||
      !actsFor(person, person.departmentId, unit)
    )
      refuse('只有参加这项任务的部门的联络员（或受委托下属单位的经办人）可以贡献随机数。');
    if (draw.state !== 'committed')
      throw new DomainError(STALE_CARD, `抽取 #${draw.id} ${closedWhy(draw)}，不再接受随机数。`);
    if (services.clock.now() >= draw.revealAt)
      refuse(`已过揭示时间 ${localStamp(draw.revealAt, services.timeZone)}，不再接受随机数。`);
    if (!value) throw new DomainError('DRAW_CONTRIBUTION', '请填写要贡献的随机数（任意文字）。');
    if (value.length > MAX_CONTRIBUTION)
      throw new DomainError('DRAW_CONTRIBUTION', `随机数不超过 ${MAX_CONTRIBUTION} 个字符。`);
    const hash = sha256(value);
    const added = await tx.draws.contribute({
      drawId: draw.id,
      departmentId: person.departmentId,
      personId: person.id,
      value,
      hash,
    });
    if (!added) {
      const mine = (await tx.draws.contributions(draw.id)).find(
        (c) => c.departmentId === person.departmentId,
      )!;
      refuse(`本部门已贡献过随机数（哈希 ${mine.hash.slice(0, 16)}…），每个部门一次。`);
    }
    await tx.audit.append({
      actor: input.by,
      action: 'draw.contribute',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: { department: person.departmentId, hash },
    });
    const count = (await tx.draws.contributions(draw.id)).length;
    const card = await drawCardOf(tx, draw, services.timeZone);
    await refreshCopies(tx, drawSubject(draw.id), `c${count}`, card);
    return { hash, card };
  });
}

/**
 * The office enters the value of the beacon the notice named, once published: the round's signature, checked
 * against the chain's public key; its randomness (SHA-256 of the signature) becomes a seed input.
 */
export async function enterBeacon(
  services: Services,
  input: { drawId: number; signature: string; person: Person; by: AuditActor },
) {
  const signature = input.signature.trim().toLowerCase();
  return services.store.transaction(async (tx) => {
    const { draw } = await lockDraw(tx, input.drawId);
    if (!input.person.roles.includes('office')) refuse('只有联席会议办公室可以录入公开随机源。');
    if (!draw.beacon) refuse(`抽取 #${draw.id} 的公告没有指定公开随机源。`);
    if (draw.state !== 'committed' || draw.beacon.randomness)
      throw new DomainError(STALE_CARD, '公开随机源已经录入，卡片已更新为最新情况。');
    const { chain, round, at } = draw.beacon;
    const randomness = sha256(Buffer.from(signature, 'hex'));
    if (
      !/^[0-9a-f]+$/.test(signature) ||
      !(await services.beacons?.verify(chain, round, signature, randomness))
    ) {
      throw new DomainError(
        'BEACON_INVALID',
        `这不是 drand ${chain} 第 ${round} 轮的签名，未录入。`,
        '请从 drand 官方接口复制该轮的 signature（十六进制）。',
      );
    }
    const updated = (await tx.draws.update(draw.id, draw.version, {
      beacon: { chain, round, at, signature, randomness, enteredBy: input.person.id },
    }))!;
    await tx.audit.append({
      actor: input.by,
      action: 'draw.beacon',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: { beacon: `drand:${chain}:${round}`, randomness },
    });
    const card = await drawCardOf(tx, updated, services.timeZone);
    await refreshCopies(tx, drawSubject(draw.id), `v${updated.version}`, card);
    return { draw: updated, card };
  });
}

/** An office member's decision on a request card (a redraw, a replacement). */
export interface DecisionInput {
  requestId: number;
  version: number;
  decision: 'approve' | 'reject';
  note?: string;
  person: Person;
  by: AuditActor;
}

/**
 * What every decision on a request must pass: an office member, a card still current, never the requester, a reason
 * for a rejection. Returns the note (trimmed, or null).
 */
export function checkDecision(
  request: { version: number; state: string; requestedBy: number },
  input: DecisionInput,
  words: { office: string; notSelf: string; noteCode: string },
): string | null {
  const note = input.note?.trim() || null;
  if (!input.person.roles.includes('office')) refuse(words.office);
  if (request.version !== input.version || request.state !== 'requested')
    throw new DomainError(STALE_CARD, '这项申请已经审批过，卡片已更新为最新情况。');
  if (request.requestedBy === input.person.id) refuse(words.notSelf, '请由办公室的另一位同事处理。');
  if (input.decision === 'reject' && !note) throw new DomainError(words.noteCode, '驳回时请写明理由。');
  return note;
}

/**
 * Records the office's decision on a request — its next state, who, when, the note — and audits it as
 * `<action>-approve|reject`. A card decided meanwhile (its version moved) is refused as stale.
 */
export async function recordDecision<
  R extends { id: number; version: number; state: RedrawState },
  X extends object,
>(
  tx: Repos,
  services: Services,
  found: R,
  input: DecisionInput,
  o: {
    decide: (
      id: number,
      version: number,
      patch: { state: RedrawState; decidedBy: number; decisionNote: string | null; decidedAt: Date } & X,
    ) => Promise<R | undefined>;
    machine: typeof redrawMachine;
    action: string;
    drawId: number;
    note: string | null;
    /** Columns the request records besides the decision (a replacement's code). */
    extra: X;
    details?: Record<string, Json>;
  },
): Promise<R> {
  const decided = await o.decide(found.id, found.version, {
    state: next(o.machine, found.state, input.decision),
    decidedBy: input.person.id,
    decisionNote: o.note,
    decidedAt: services.clock.now(),
    ...o.extra,
  });
  if (!decided) throw new DomainError(STALE_CARD, '这项申请刚刚被审批，卡片已更新为最新情况。');
  await tx.audit.append({
    actor: input.by,
    action: `${o.action}-${input.decision}`,
    subject: drawSubject(o.drawId),
    outcome: 'ok',
    details: { request: found.id, ...o.details, ...(o.note ? { note: o.note } : {}) },
  });
  return decided;
}

/** A draw whose lists changed after it was made: its version moves on and every copy of its card shows it now. */
export async function refreshDraw(tx: Repos, services: Services, draw: Draw): Promise<Draw> {
  const fresh = (await tx.draws.get(draw.id))!;
  const updated = (await tx.draws.update(fresh.id, fresh.version, {}))!;
  await refreshCopies(
    tx,
    drawSubject(draw.id),
    `v${updated.version}`,
    await drawCardOf(tx, updated, services.timeZone),
  );
  return updated;
}

/** What one kind of draw does inside the protocol's transaction. */
export interface DrawMaker {
  /** Refuses a person who may not draw (the office always may). */
  mayDraw(person: Person, task: Task, draw: Draw): void;
  /** Draws: the seed and the receipt's text, storing what the kind keeps; what the audit entry records. */
  make(
    tx: Repos,
    ctx: {
      task: Task;
      draw: Draw;
      inputs: SeedInput[];
      now: Date;
      auditHead: { seq: number; hash: string } | null;
      watch: ReturnType<typeof stopwatch>;
    },
  ): Promise<{ seed: string; receipt: string; details: Record<string, Json> }>;
  /** What follows once the draw is recorded (hand-over, staffing); returns the task as it now is. */
  after(tx: Repos, ctx: { task: Task; drawn: Draw; now: Date }): Promise<Task>;
}

/**
 * Draws, for either kind: after the reveal time, or earlier once every department has contributed. The seed
 * needs one input beyond the bot's entropy unless the office writes why there is none.
 */
export async function runDraw(
  services: Services,
  input: { drawId: number; version: number; person: Person; by: AuditActor; noInputReason?: string },
  maker: DrawMaker,
) {
  const { person } = input;
  const now = services.clock.now();
  const reason = input.noInputReason?.trim() || null;
  const watch = stopwatch();
  const result = await services.store.transaction(async (tx) => {
    const { task, draw } = await lockDraw(tx, input.drawId);
    const office = person.roles.includes('office');
    if (!office) maker.mayDraw(person, task, draw);
    if (draw.state !== 'committed')
      throw new DomainError(STALE_CARD, `抽取 #${draw.id} ${closedWhy(draw)}，不能再抽取。`);
    if (draw.version !== input.version)
      throw new DomainError(STALE_CARD, '此卡片已过期，已更新为最新情况，请核对后再抽取。');
    const departments = await takingPart(tx, task);
    const contributions = await tx.draws.contributions(draw.id);
    const everyone = departments.every((id) => contributions.some((c) => c.departmentId === id));
    if (now < draw.revealAt && !everyone) {
      refuse(
        `揭示时间 ${localStamp(draw.revealAt, services.timeZone)} 之前不能抽取：各部门可以贡献随机数到那时（各部门都贡献后可提前抽取）。`,
      );
    }
    if (draw.beacon && !draw.beacon.randomness) {
      refuse(
        `公告中的公开随机源 drand ${draw.beacon.chain} 第 ${draw.beacon.round} 轮还没有录入：由办公室在卡片上录入后才能抽取。`,
      );
    }
    if (contributions.length === 0 && !draw.beacon && (!reason || !office)) {
      refuse(
        '除机器人熵值外，还没有任何部门贡献随机数。',
        '确实无法取得时，由联席会议办公室在卡片上写明原因后抽取。',
      );
    }
    const codes = new Map((await tx.departments.list()).map((d) => [d.id, d.code]));
    const inputs: SeedInput[] = contributions.map((c) => ({
      kind: 'contribution',
      label: codes.get(c.departmentId) ?? String(c.departmentId),
      value: c.value,
    }));
    if (draw.beacon?.randomness) {
      inputs.push({
        kind: 'beacon',
        label: `drand:${draw.beacon.chain}:${draw.beacon.round}`,
        value: draw.beacon.randomness,
      });
    }
    watch.lap('checks');
    const auditHead = (await tx.audit.head()) ?? null;
    const made = await maker.make(tx, { task, draw, inputs, now, auditHead, watch });
    const receiptHash = sha256(made.receipt);
    const drawn = (await tx.draws.update(draw.id, draw.version, {
      state: 'drawn',
      seed: made.seed,
      receipt: made.receipt,
      receiptHash,
      drawnBy: person.id,
      drawnAt: now,
      noInputReason: contributions.length === 0 ? reason : null,
    }))!;
    await tx.audit.append({
      actor: input.by,
      action: `draw.${draw.kind}`,
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: {
        task: task.id,
        seed: made.seed,
        poolHash: draw.poolHash,
        inputs: inputs.map((i) => `${i.label}:${sha256(i.value)}`).join(','),
        receiptHash,
        ...made.details,
        ...(drawn.noInputReason ? { noInputReason: drawn.noInputReason } : {}),
      },
    });
    watch.lap('store');
    const card = await drawCardOf(tx, drawn, services.timeZone);
    await refreshCopies(tx, drawSubject(draw.id), `v${drawn.version}`, card);
    for (const [i, file] of (await drawFiles(tx, drawn)).entries()) {
      await tx.outbox.enqueue(
        services.platform,
        { op: 'send', message: { to: { chatId: task.chatId }, file } },
        `${drawSubject(draw.id)}:drawn:file:${i}`,
      );
    }
    const moved = await maker.after(tx, { task, drawn, now });
    if (moved.version !== task.version) {
      await refreshCopies(
        tx,
        taskSubject(task.id),
        `v${moved.version}`,
        await taskCardOf(tx, moved, services.timeZone),
      );
    }
    watch.lap('after');
    return { draw: drawn, card };
  });
  services.logger.info('draw made', {
    draw: result.draw.id,
    kind: result.draw.kind,
    pool: result.draw.poolSize,
    ms: watch.laps,
  });
  return result;
}

/**
 * The receipt, and the pool file when the receipt does not carry the pool: as many as fit in the chat (the
 * CLI's `draw export` lifts the limits).
 */
export async function drawFiles(
  repos: Repos,
  draw: Draw,
  limits = { receiptBytes: CHAT_RECEIPT_LIMIT, poolFileLimit: CHAT_POOL_FILE_LIMIT },
) {
  if (!draw.receipt || Buffer.byteLength(draw.receipt) > limits.receiptBytes) return [];
  const files = [
    {
      name: `抽取收据-任务${draw.taskId}-抽取${draw.id}.json`,
      base64: Buffer.from(draw.receipt).toString('base64'),
    },
  ];
  if (draw.poolSize > EMBED_POOL_LIMIT && draw.poolSize <= limits.poolFileLimit) {
    files.push({
      name: `对象池-任务${draw.taskId}-抽取${draw.id}.txt`,
      base64: (await repos.draws.poolBytes(draw.id)).toString('base64'),
    });
  }
  return files;
}

/**
 * Re-checks a stored draw as an outside verifier would: the receipt's bytes against the hash recorded when it
 * was drawn, then the receipt recomputed against the stored frozen pool. The differences, empty when consistent.
 */
export async function verifyStoredDraw(repos: Repos, draw: Draw): Promise<string[]> {
  if (draw.state === 'committed' || !draw.receipt) {
    throw new DomainError('DRAW_NOT_DRAWN', `抽取 #${draw.id} 还没有抽取，没有收据可以复核。`);
  }
  const problems: string[] = [];
  if (sha256(draw.receipt) !== draw.receiptHash) problems.push('保存的收据与抽取时记录的收据哈希不一致。');
  const pool = await repos.draws.poolBytes(draw.id);
  if (sha256(pool) !== draw.poolHash) problems.push('保存的对象池与公告中的对象池哈希不一致。');
  // An inspector draw's receipt carries its pool; a target draw's may need the pool file.
  const { receipt, problems: found } = verifyReceiptFile(
    draw.receipt,
    draw.kind === 'targets' ? pool : undefined,
  );
  if (receipt.pool.hash !== draw.poolHash) problems.push('收据中的对象池哈希与公告不一致。');
  if (receipt.seed.botCommitment !== draw.botCommitment)
    problems.push('收据中的机器人熵值承诺与公告不一致。');
  // What the notice committed to: the task, and a target draw's strata and split.
  if (receipt.format === 'jointcheck-draw-receipt') {
    if (receipt.task.ref !== `#${draw.taskId}`) problems.push('收据中的任务与这次抽取不一致。');
    if (canonicalJson(receipt.strata) !== canonicalJson(draw.strata))
      problems.push('收据中的分层、比例或抽取数与公告不一致。');
    if (canonicalJson(receipt.split) !== canonicalJson(draw.split))
      problems.push('收据中的分组与公告不一致。');
  }
  // The contributions in the receipt are exactly those the departments gave, as recorded when they gave them.
  const codes = new Map((await repos.departments.list()).map((d) => [d.id, d.code]));
  const given = (await repos.draws.contributions(draw.id))
    .map((c) => `${codes.get(c.departmentId)}:${c.hash}`)
    .sort();
  const stated = receipt.seed.inputs
    .filter((i) => i.kind === 'contribution')
    .map((i) => `${i.label}:${i.hash}`)
    .sort();
  if (given.join(',') !== stated.join(',')) problems.push('收据中的各部门贡献与记录的贡献不一致。');
  return [...problems, ...found];
}
