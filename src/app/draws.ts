// The target draw of a joint task, as product.md §4 lays it down (seed 000 art. 18; seed 002 art. 12–13):
// 1. commit — the lead department's liaison freezes the pool from the plan's scope, hashes it, fixes the bot's
//    entropy by its hash and posts the notice in the task's chat (and to every department's liaisons);
// 2. seed — until the reveal time each department of the task may add one contribution (any text);
// 3. draw — after the reveal time (or once every department has contributed) the lead liaison or the office
//    draws: the seed from every input, the selection by the domain's algorithm, the receipt, the picks;
// 4. hand-over — every department gets the list at once with its deadline for drawing its inspectors.
// Every step is audited and changes every copy of the draw's card in the same transaction.
import { randomBytes } from 'node:crypto';
import { type DrawView, drawCard, handoverCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import {
  DRAW_ALGORITHM,
  drawSeed,
  parsePool,
  quotaOf,
  type SeedInput,
  type StratumDraw,
  type StratumRule,
  selectTargets,
  sha256,
} from '../domain/draw.ts';
import { receiptOf, seedInputs } from '../domain/draw-receipt.ts';
import { DomainError, STALE_CARD } from '../domain/errors.ts';
import { localDate, localStamp } from '../domain/local-date.ts';
import { RISK_CLASSES, type Stratum, statedQuotas, stratumLabel } from '../domain/plan-record.ts';
import { next, taskMachine } from '../domain/workflow.ts';
import { describeDeadline } from '../domain/working-days.ts';
import { workingCalendar } from './calendar.ts';
import { liaisonsOf, refreshCopies, sendTracked, toOffice } from './card-copies.ts';
import { verifyReceiptFile } from './draw-files.ts';
import type { Draw, DrawFilters, Person, Repos, Task } from './ports.ts';
import type { Services } from './services.ts';
import { requireTask, taskCardOf, taskSubject } from './tasks.ts';
import { settingValue } from './workspace-settings.ts';

export const drawSubject = (id: number) => `draw:${id}`;

/** Pools up to this size travel inside the receipt; larger ones as a pool file beside it. */
export const EMBED_POOL_LIMIT = 20_000;
/** Pool files up to this many ids are sent in the chat; larger ones are exported with `jointcheck draw export`. */
const CHAT_POOL_FILE_LIMIT = 200_000;
/** Receipts up to this many bytes are sent in the chat (a file's bytes travel in the outbox). */
export const CHAT_RECEIPT_LIMIT = 8_000_000;
/** Picks shown on a card (the whole list is in the spreadsheet and the receipt). */
const PICKS_ON_CARD = 20;
const MAX_CONTRIBUTION = 1_000;

/** Milliseconds spent in each step of a long use case, for its log line (slow draws are worth a look). */
function stopwatch() {
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

function refuse(message: string, hint?: string): never {
  throw new DomainError('DRAW_FORBIDDEN', message, hint);
}

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

const reachable = (people: Person[], platform: string) =>
  people.filter((p) => p.chatPlatform === platform && p.chatUserId);

/** The filters of a frozen pool, in words, for the notice and the receipt's readers. */
function filterLines(f: DrawFilters): string[] {
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

/** Everything a draw's cards show. */
export async function drawView(repos: Repos, draw: Draw, timeZone: string): Promise<DrawView> {
  const task = (await repos.tasks.get(draw.taskId))!;
  const departments = new Map((await repos.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
  const given = new Map((await repos.draws.contributions(draw.id)).map((c) => [c.departmentId, c.hash]));
  const name = async (id: number | null) => (id === null ? '' : ((await repos.people.get(id))?.name ?? ''));
  const drawn = draw.state !== 'committed';
  const picks = drawn ? await repos.draws.picks(draw.id, PICKS_ON_CARD) : [];
  return {
    id: draw.id,
    version: draw.version,
    state: draw.state,
    taskId: task.id,
    taskName: task.name,
    lead: departments.get(task.leadDepartmentId) ?? '',
    algorithm: draw.algorithm,
    filters: filterLines(draw.filters),
    strata: draw.strata,
    split: draw.split,
    poolSize: draw.poolSize,
    poolHash: draw.poolHash,
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
    picks: picks.map((p) => ({
      position: p.position,
      code: p.id,
      name: p.name,
      stratum: p.stratum,
      team: p.team,
    })),
    pickCount: drawn ? await repos.draws.pickCount(draw.id) : 0,
    poolInReceipt: draw.poolSize <= EMBED_POOL_LIMIT,
    filesInChat:
      draw.receipt !== null &&
      Buffer.byteLength(draw.receipt) <= CHAT_RECEIPT_LIMIT &&
      draw.poolSize <= CHAT_POOL_FILE_LIMIT,
  };
}

export const drawCardOf = async (repos: Repos, draw: Draw, timeZone: string) =>
  drawCard(await drawView(repos, draw, timeZone));

export async function requireDraw(repos: Repos, id: number, lock = false): Promise<Draw> {
  const draw = lock ? await repos.draws.lock(id) : await repos.draws.get(id);
  if (!draw)
    throw new DomainError('DRAW_NOT_FOUND', `找不到抽取 #${id}。`, '发送 /draw show 任务编号 查看。');
  return draw;
}

/** The plan's quotas as the draw's rules, per stratum. */
function rulesOf(plan: { ratios: object; counts: object; rounding: 'up' | 'nearest' | 'down' }) {
  const rules: Partial<Record<Stratum, StratumRule>> = {};
  for (const q of statedQuotas(plan.ratios, plan.counts)) {
    rules[q.stratum] = 'ratio' in q ? { ratio: q.ratio, rounding: plan.rounding } : { count: q.count };
  }
  return rules;
}

/** `YYYY-MM-DD` N months before `day` (clamped to the month's last day). */
function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * `/draw targets`: the lead department's liaison commits the task's target draw. The pool is frozen and hashed,
 * the bot's entropy drawn and committed by its hash, and the notice posted in the task's chat and sent to every
 * department's liaisons. Returns the notice (for the reply when typed in the task's chat).
 */
export async function commitTargetDraw(
  services: Services,
  input: { taskId: number; person: Person; by: AuditActor; minutes?: number },
) {
  const { person } = input;
  const minutes = input.minutes ?? (await settingValue(services.store, 'draws.contributionMinutes'))!;
  const recentMonths = await settingValue(services.store, 'draws.recentMonths');
  const excludeOpen = (await settingValue(services.store, 'draws.excludeOpenTasks')) === 1;
  const now = services.clock.now();
  const watch = stopwatch();
  const result = await services.store.transaction(async (tx) => {
    const task = await requireTask(tx, input.taskId, true);
    if (task.leadDepartmentId !== person.departmentId || !person.roles.includes('liaison'))
      refuse('只有任务牵头部门的联络员可以抽取检查对象。');
    const existing = (await tx.draws.forTask(task.id)).find(
      (d) => d.kind === 'targets' && d.state !== 'superseded',
    );
    if (existing) {
      throw new DomainError(
        'DRAW_EXISTS',
        `任务 #${task.id} 已${existing.state === 'committed' ? '发布抽取公告' : '抽取检查对象'}（抽取 #${existing.id}），不能再次抽取。`,
        `发送 /draw show ${task.id} 查看。`,
      );
    }
    if (task.state === 'reviewing')
      refuse(`任务 #${task.id} 还在会审中：各参与部门接受或经办公室裁定后才能抽取检查对象。`);
    const state = next(taskMachine, task.state, 'commit');
    const plan = (await tx.plans.get(task.planId))!;
    const rules = rulesOf(plan);
    const classes = RISK_CLASSES.filter((k) => rules[k] !== undefined);
    const today = localDate(now, services.timeZone);
    const entropy = randomBytes(32).toString('hex');
    const split = task.teams !== null ? { teams: task.teams } : { perTeam: task.targetsPerTeam ?? 1 };
    const wanted = {
      scope: plan.scope,
      classes,
      withAll: rules.all !== undefined,
      checkedSince: recentMonths ? monthsBefore(today, recentMonths) : null,
      excludeOpen,
    };
    const draw = await tx.draws.create({
      taskId: task.id,
      kind: 'targets',
      departmentId: task.leadDepartmentId,
      algorithm: DRAW_ALGORITHM,
      filters: { ...wanted, inScope: 0, excludedRecent: 0, openElsewhere: 0, noQuota: 0 },
      strata: [],
      split,
      poolSize: 0,
      poolHash: '',
      botEntropy: entropy,
      botCommitment: sha256(entropy),
      revealAt: new Date(now.getTime() + minutes * 60_000),
      noInputReason: null,
      committedBy: person.id,
    });
    if (!draw) throw new DomainError('DRAW_EXISTS', `任务 #${task.id} 刚刚已发布抽取公告。`);
    const { sizes, counts, hash } = await tx.draws.freezeTargets(draw.id, task.id, wanted);
    watch.lap('freeze');
    const strata: StratumDraw[] = [];
    for (const stratum of ['all', ...RISK_CLASSES] as Stratum[]) {
      const rule = rules[stratum];
      if (!rule) continue;
      const pool = sizes[stratum] ?? 0;
      strata.push({ stratum, rule, pool, n: quotaOf(rule, pool) });
    }
    const poolSize = strata.reduce((a, s) => a + s.pool, 0);
    if (strata.every((s) => s.n === 0)) {
      throw new DomainError(
        'DRAW_EMPTY',
        poolSize === 0
          ? `计划 #${plan.id} 的范围内没有可抽取的检查对象（范围内存续对象 ${counts.inScope} 个，排除近期检查过的 ${counts.excludedRecent} 个）。`
          : `按计划的比例，对象池中的 ${poolSize} 个对象抽取数量为 0。`,
        '请导入检查对象名录库，或调整计划后再抽取。',
      );
    }
    const committed = (await tx.draws.update(draw.id, draw.version, {
      filters: { ...wanted, ...counts },
      strata,
      poolSize,
      poolHash: hash,
    }))!;
    const moved = (await tx.tasks.update(task.id, task.version, { state }))!;
    await tx.audit.append({
      actor: input.by,
      action: 'draw.commit',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: {
        task: task.id,
        algorithm: DRAW_ALGORITHM,
        poolSize,
        poolHash: committed.poolHash,
        botCommitment: committed.botCommitment,
        revealAt: committed.revealAt.toISOString(),
        strata: strata.map((s) => `${s.stratum}:${s.n}/${s.pool}`).join(','),
      },
    });
    const card = await drawCardOf(tx, committed, services.timeZone);
    const key = `${drawSubject(draw.id)}:notice`;
    await sendTracked(tx, services.platform, { chatId: task.chatId }, drawSubject(draw.id), key, card);
    for (const departmentId of await takingPart(tx, task)) {
      for (const l of reachable(await liaisonsOf(tx, departmentId), services.platform)) {
        await sendTracked(
          tx,
          services.platform,
          { userId: l.chatUserId! },
          drawSubject(draw.id),
          `${key}:${l.id}`,
          card,
        );
      }
    }
    await refreshCopies(
      tx,
      taskSubject(task.id),
      `v${moved.version}`,
      await taskCardOf(tx, moved, services.timeZone),
    );
    watch.lap('notice');
    return { draw: committed, task: moved, card };
  });
  services.logger.info('draw committed', {
    draw: result.draw.id,
    pool: result.draw.poolSize,
    ms: watch.laps,
  });
  return result;
}

/** A department adds its contribution to the seed before the reveal time; it sees the hash at once. */
export async function contributeToDraw(
  services: Services,
  input: { drawId: number; value: string; person: Person; by: AuditActor },
) {
  const { person } = input;
  const value = input.value.trim();
  return services.store.transaction(async (tx) => {
    const draw = await requireDraw(tx, input.drawId, true);
    const task = await requireTask(tx, draw.taskId);
    if (!person.roles.includes('liaison') || !(await takingPart(tx, task)).includes(person.departmentId))
      refuse('只有参加这项任务的部门的联络员可以贡献随机数。');
    if (draw.state !== 'committed')
      throw new DomainError(STALE_CARD, `抽取 #${draw.id} 已经完成，不再接受随机数。`);
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
 * Draws: the lead department's liaison or the office, after the reveal time (or once every department has
 * contributed). The seed needs one input beyond the bot's entropy unless the office writes why there is none.
 */
export async function runTargetDraw(
  services: Services,
  input: { drawId: number; version: number; person: Person; by: AuditActor; noInputReason?: string },
) {
  const { person } = input;
  const now = services.clock.now();
  const reason = input.noInputReason?.trim() || null;
  const inspectorDays = (await settingValue(services.store, 'draws.inspectorDays'))!;
  const calendar = await workingCalendar(services.store);
  const watch = stopwatch();
  const result = await services.store.transaction(async (tx) => {
    const found = await requireDraw(tx, input.drawId);
    const task = await requireTask(tx, found.taskId, true);
    const draw = await requireDraw(tx, input.drawId, true);
    const office = person.roles.includes('office');
    const lead = person.roles.includes('liaison') && person.departmentId === task.leadDepartmentId;
    if (!office && !lead) refuse('只有牵头部门的联络员或联席会议办公室可以抽取。');
    if (draw.state !== 'committed')
      throw new DomainError(STALE_CARD, `抽取 #${draw.id} 已经完成，不能再次抽取。`);
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
    if (contributions.length === 0) {
      if (!reason || !office) {
        refuse(
          '除机器人熵值外，还没有任何部门贡献随机数。',
          '确实无法取得时，由联席会议办公室在卡片上写明原因后抽取。',
        );
      }
    }
    const departmentCodes = new Map((await tx.departments.list()).map((d) => [d.id, d.code]));
    const inputs: SeedInput[] = contributions.map((c) => ({
      kind: 'contribution',
      label: departmentCodes.get(c.departmentId) ?? String(c.departmentId),
      value: c.value,
    }));
    const ref = taskRef(task);
    const seed = drawSeed(ref, draw.poolHash, seedInputs(draw.botEntropy, inputs));
    // The domain's own algorithm, on the frozen pool: the specification is what draws.
    watch.lap('checks');
    const pool = parsePool(await tx.draws.poolText(draw.id));
    watch.lap('read');
    const rules = Object.fromEntries(draw.strata.map((s) => [s.stratum, s.rule]));
    const selection = selectTargets(seed, pool, rules, draw.split);
    watch.lap('select');
    const auditHead = (await tx.audit.head()) ?? null;
    const receipt = receiptOf(
      {
        taskRef: ref,
        taskName: task.name,
        drawnAt: now.toISOString(),
        split: draw.split,
        botEntropy: draw.botEntropy,
        inputs,
        auditHead,
      },
      {
        size: draw.poolSize,
        hash: draw.poolHash,
        ...(draw.poolSize <= EMBED_POOL_LIMIT ? { entries: pool } : {}),
      },
      seed,
      selection,
    );
    const text = `${JSON.stringify(receipt, null, 1)}\n`;
    const receiptHash = sha256(text);
    watch.lap('receipt');
    await tx.draws.savePicks(draw.id, selection.picks);
    watch.lap('picks');
    const drawn = (await tx.draws.update(draw.id, draw.version, {
      state: 'drawn',
      seed,
      receipt: text,
      receiptHash,
      drawnBy: person.id,
      drawnAt: now,
      noInputReason: contributions.length === 0 ? reason : null,
    }))!;
    const moved = (await tx.tasks.update(task.id, task.version, {
      state: next(taskMachine, task.state, 'draw'),
    }))!;
    await tx.audit.append({
      actor: input.by,
      action: 'draw.targets',
      subject: drawSubject(draw.id),
      outcome: 'ok',
      details: {
        task: task.id,
        seed,
        poolHash: draw.poolHash,
        inputs: inputs.map((i) => `${i.label}:${sha256(i.value)}`).join(','),
        picks: selection.picks.length,
        receiptHash,
        ...(drawn.noInputReason ? { noInputReason: drawn.noInputReason } : {}),
      },
    });

    watch.lap('store');
    const view = await drawView(tx, drawn, services.timeZone);
    const card = drawCard(view);
    await refreshCopies(tx, drawSubject(draw.id), `v${drawn.version}`, card);
    await refreshCopies(
      tx,
      taskSubject(task.id),
      `v${moved.version}`,
      await taskCardOf(tx, moved, services.timeZone),
    );
    const key = `${drawSubject(draw.id)}:drawn`;
    const files = await drawFiles(tx, drawn);
    for (const [i, file] of files.entries()) {
      await tx.outbox.enqueue(
        services.platform,
        { op: 'send', message: { to: { chatId: task.chatId }, file } },
        `${key}:file:${i}`,
      );
    }

    // Hand-over (seed 000 art. 18): every department of the task gets the list at once, with its deadline.
    const today = localDate(now, services.timeZone);
    const due = calendar.addWorkingDays(today, inspectorDays);
    const dueText = describeDeadline(due);
    const names = new Map((await tx.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
    const sheet = services.sheets ? await picksSheet(services, tx, drawn, task.name) : undefined;
    for (const departmentId of departments) {
      const department = names.get(departmentId) ?? `#${departmentId}`;
      const people = reachable(await liaisonsOf(tx, departmentId), services.platform);
      const handover = handoverCard(view, department, { text: dueText, days: inspectorDays });
      for (const l of people) {
        const to = { userId: l.chatUserId! };
        const k = `${key}:handover:${departmentId}:${l.id}`;
        await tx.outbox.enqueue(services.platform, { op: 'send', message: { to, card: handover } }, k);
        if (sheet) {
          await tx.outbox.enqueue(
            services.platform,
            { op: 'send', message: { to, file: sheet } },
            `${k}:sheet`,
          );
        }
      }
      if (people.length === 0) {
        await toOffice(tx, services.platform, `${key}:handover:${departmentId}`, {
          text: `任务“${task.name}”（#${task.id}）已抽取检查对象，但${department}没有绑定联络员，名单无法送达，请落实后由其联络员发送 /draw show ${task.id} 领取。`,
        });
      }
      await tx.draws.addHandover({
        drawId: draw.id,
        departmentId,
        handedOn: today,
        inspectorsDue: due.ok ? due.date : null,
        inspectorsDueText: dueText,
        reached: people.length > 0,
      });
    }
    watch.lap('handover');
    return { draw: drawn, card };
  });
  services.logger.info('draw made', { draw: result.draw.id, pool: result.draw.poolSize, ms: watch.laps });
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
      base64: Buffer.from(await repos.draws.poolText(draw.id)).toString('base64'),
    });
  }
  return files;
}

/** The drawn list as a spreadsheet: every pick with the library's name and address, its stratum and team. */
export async function picksSheet(services: Services, repos: Repos, draw: Draw, taskName: string) {
  const picks = await repos.draws.picks(draw.id);
  const rows = [
    ['序号', '统一社会信用代码/编号', '名称', '地址', '片区', '信用风险分类', '分层', '检查组'],
    ...picks.map((p) => [
      String(p.position),
      p.id,
      p.name,
      p.address ?? '',
      p.area ?? '',
      p.riskClass ?? '',
      stratumLabel(p.stratum),
      `第 ${p.team} 组`,
    ]),
  ];
  const title = `${taskName} 检查对象名单（抽取 #${draw.id}）`;
  const bytes = await services.sheets!.write('检查对象名单', rows, { title });
  return { name: `检查对象名单-任务${draw.taskId}.xlsx`, base64: bytes.toString('base64') };
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
  const pool = Buffer.from(await repos.draws.poolText(draw.id));
  if (sha256(pool) !== draw.poolHash) problems.push('保存的对象池与公告中的对象池哈希不一致。');
  const { receipt, problems: found } = verifyReceiptFile(draw.receipt, pool);
  if (receipt.pool.hash !== draw.poolHash) problems.push('收据中的对象池哈希与公告不一致。');
  if (receipt.seed.botCommitment !== draw.botCommitment)
    problems.push('收据中的机器人熵值承诺与公告不一致。');
  return [...problems, ...found];
}
