// The target draw of a joint task (product.md §4.1–4.4; seed 000 art. 18; seed 002 art. 12–13), inside the
// protocol of draw-protocol.ts:
// 1. commit — the lead department's liaison freezes the pool from the plan's scope, hashes it, fixes the bot's
//    entropy by its hash and posts the notice in the task's chat (and to every department's liaisons);
// 2. draw — the seed from every input, the selection by the domain's algorithm, the receipt, the picks;
// 3. hand-over — every department gets the list at once with its deadline for drawing its inspectors.
import { randomBytes } from 'node:crypto';
import { handoverCard } from '../cards/draw-card.ts';
import type { AuditActor } from '../domain/audit-chain.ts';
import {
  assembleSelection,
  DRAW_ALGORITHM,
  drawSeed,
  parsePool,
  quotaOf,
  type StratumDraw,
  type StratumRule,
  sha256,
} from '../domain/draw.ts';
import { receiptLines, receiptOf, seedInputs } from '../domain/draw-receipt.ts';
import { DomainError } from '../domain/errors.ts';
import { localDate, monthsBefore } from '../domain/local-date.ts';
import { RISK_CLASSES, type Stratum, statedQuotas, stratumLabel } from '../domain/plan-record.ts';
import { next, taskMachine } from '../domain/workflow.ts';
import { describeDeadline } from '../domain/working-days.ts';
import { workingCalendar } from './calendar.ts';
import { liaisonsOf, refreshCopies, toOffice } from './card-copies.ts';
import { type DrawMaker, postNotice, refuse, replacedBy, runDraw, stopwatch } from './draw-protocol.ts';
import {
  drawSubject,
  EMBED_POOL_LIMIT,
  filterLines,
  inspectorsDueFrom,
  reachable,
  takingPart,
  targetDrawView,
  taskRef,
} from './draw-views.ts';
import type { BeaconVerifier, Draw, DrawBeacon, DrawFilters, Person, Repos } from './ports.ts';
import { rankPool } from './score-workers.ts';
import type { Services } from './services.ts';
import { requireTask, taskCardOf, taskSubject } from './tasks.ts';
import { settingValue } from './workspace-settings.ts';

/** The first round of the chain produced after the reveal time: named in the notice, unknown to everyone then. */
function beaconAfter(beacons: BeaconVerifier, chain: string, revealAt: Date): DrawBeacon {
  const round = beacons.roundAfter(chain, revealAt);
  return { chain, round, at: beacons.roundTime(chain, round).toISOString() };
}

/** The plan's quotas as the draw's rules, per stratum. */
function rulesOf(plan: { ratios: object; counts: object; rounding: 'up' | 'nearest' | 'down' }) {
  const rules: Partial<Record<Stratum, StratumRule>> = {};
  for (const q of statedQuotas(plan.ratios, plan.counts)) {
    rules[q.stratum] = 'ratio' in q ? { ratio: q.ratio, rounding: plan.rounding } : { count: q.count };
  }
  return rules;
}

/**
 * `/draw targets`: the lead department's liaison commits the task's target draw. The pool is frozen and hashed,
 * the bot's entropy drawn and committed by its hash, and the notice posted in the task's chat and sent to every
 * department's liaisons. Returns the notice (for the reply when typed in the task's chat).
 */
export async function commitTargetDraw(
  services: Services,
  input: { taskId: number; person: Person; by: AuditActor; minutes?: number; beacon?: string },
) {
  const { person } = input;
  const beacons = services.beacons;
  if (input.beacon !== undefined && !beacons?.chains.includes(input.beacon)) {
    throw new DomainError(
      'BEACON_UNKNOWN',
      `不认识公开随机源“${input.beacon}”。`,
      `可用的公开随机源：${beacons?.chains.join('、') || '（本部署未配置）'}。`,
    );
  }
  const minutes = input.minutes ?? (await settingValue(services.store, 'draws.contributionMinutes'))!;
  const recentMonths = await settingValue(services.store, 'draws.recentMonths');
  const excludeOpen = (await settingValue(services.store, 'draws.excludeOpenTasks')) === 1;
  const now = services.clock.now();
  const watch = stopwatch();
  const result = await services.store.transaction(async (tx) => {
    const task = await requireTask(tx, input.taskId, true);
    if (task.leadDepartmentId !== person.departmentId || !person.roles.includes('liaison'))
      refuse('只有任务牵头部门的联络员可以抽取检查对象。');
    const earlier = await tx.draws.forTask(task.id);
    const existing = earlier.find((d) => d.kind === 'targets' && d.state !== 'superseded');
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
    const revealAt = new Date(now.getTime() + minutes * 60_000);
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
      revealAt,
      // Named now, produced after the reveal time: nobody, the bot included, can know it at the commit.
      beacon: input.beacon !== undefined ? beaconAfter(beacons!, input.beacon, revealAt) : null,
      noInputReason: null,
      committedBy: person.id,
      replacesId: replacedBy(earlier, 'targets', task.leadDepartmentId)?.id ?? null,
    });
    if (!draw) throw new DomainError('DRAW_EXISTS', `任务 #${task.id} 刚刚已发布抽取公告。`);
    watch.lap('prepare');
    const { sizes, counts, hash } = await tx.draws.freezeTargets(draw.id, task.id, wanted);
    watch.lap('pool');
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
        ...(committed.beacon ? { beacon: `drand:${committed.beacon.chain}:${committed.beacon.round}` } : {}),
        strata: strata.map((s) => `${s.stratum}:${s.n}/${s.pool}`).join(','),
      },
    });
    const liaisons: Person[] = [];
    for (const departmentId of await takingPart(tx, task))
      liaisons.push(...(await liaisonsOf(tx, departmentId)));
    const card = await postNotice(tx, services, task, committed, liaisons);
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

/** The target draw's own part of the protocol: who draws, the selection, and the hand-over that follows. */
function targetMaker(
  services: Services,
  days: { inspectors: number; dispatch: number },
  calendar: Awaited<ReturnType<typeof workingCalendar>>,
): DrawMaker {
  return {
    mayDraw(person, task) {
      if (!person.roles.includes('liaison') || person.departmentId !== task.leadDepartmentId)
        refuse('只有牵头部门的联络员或联席会议办公室可以抽取。');
    },
    async make(tx, { task, draw, inputs, now, auditHead, watch }) {
      const ref = taskRef(task);
      const seed = drawSeed(ref, draw.poolHash, seedInputs(draw.botEntropy, inputs));
      // The domain's own algorithm, on the frozen pool: the specification is what draws. The scores are
      // computed on every core, while the pool is still being read. A small pool, which travels in the receipt,
      // is read whole, once, before the picks' COPY below holds the connection.
      const small = draw.poolSize <= EMBED_POOL_LIMIT ? await tx.draws.poolBytes(draw.id) : null;
      const ranked = await rankPool(
        small ? { size: small.length, slices: [small] } : await tx.draws.poolSlices(draw.id),
        seed,
        draw.strata,
      );
      watch.lap('score');
      const selection = assembleSelection(ranked, draw.split);
      const entries = small ? parsePool(small) : null;
      watch.lap('select');
      const receipt = receiptOf(
        {
          taskRef: ref,
          taskName: task.name,
          drawnAt: now.toISOString(),
          split: draw.split,
          botEntropy: draw.botEntropy,
          inputs,
          auditHead,
          filters: filterLines(draw.filters as DrawFilters),
          ...(draw.beacon?.signature
            ? {
                beacon: {
                  chain: draw.beacon.chain,
                  round: draw.beacon.round,
                  signature: draw.beacon.signature,
                },
              }
            : {}),
        },
        {
          size: draw.poolSize,
          hash: draw.poolHash,
          ...(entries ? { entries } : {}),
        },
        seed,
        selection,
      );
      // The picks go to the database while the receipt is written here, in pieces with this thread's other work
      // let through between them: the picks' COPY, larger than the socket takes at once, goes on meanwhile.
      const saving = tx.draws.savePicks(draw.id, selection.picks);
      // Awaited below; until then a failure is not an unhandled rejection.
      saving.catch(() => {});
      let text: string;
      try {
        text = await joinLettingThrough(receiptLines(receipt));
      } catch (error) {
        // Not a word to the database until the COPY is over: the rollback would otherwise cut into it.
        await saving.catch(() => {});
        throw error;
      }
      watch.lap('receipt');
      await saving;
      watch.lap('picks');
      return { seed, receipt: text, details: { picks: selection.picks.length } };
    },
    async after(tx, { task, drawn, now }) {
      const moved = (await tx.tasks.update(task.id, task.version, {
        state: next(taskMachine, task.state, 'draw'),
      }))!;
      // Hand-over (seed 000 art. 18): every department of the task gets the list at once, with its deadline.
      const view = await targetDrawView(tx, drawn, services.timeZone);
      const key = `${drawSubject(drawn.id)}:drawn`;
      const today = localDate(now, services.timeZone);
      const due = inspectorsDueFrom(calendar, today, days.inspectors);
      const dispatch = calendar.addWorkingDays(today, days.dispatch);
      const names = new Map((await tx.departments.list()).map((d) => [d.id, d.shortName ?? d.name]));
      const sheet = services.sheets ? await picksSheet(services, tx, drawn, task.name) : undefined;
      for (const departmentId of await takingPart(tx, task)) {
        const department = names.get(departmentId) ?? `#${departmentId}`;
        const people = reachable(await liaisonsOf(tx, departmentId), services.platform);
        const handover = handoverCard(view, department, {
          text: due.inspectorsDueText,
          days: days.inspectors,
          ...(dispatch.ok ? { dispatch: describeDeadline(dispatch) } : {}),
        });
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
          drawId: drawn.id,
          departmentId,
          handedOn: today,
          ...due,
          reached: people.length > 0,
          dispatchDue: dispatch.ok ? dispatch.date : null,
        });
      }
      return moved;
    },
  };
}

/** Joins many pieces of text, letting the event loop run every `every` pieces (I/O waiting on it goes on). */
async function joinLettingThrough(pieces: Iterable<string>, every = 5_000): Promise<string> {
  const out: string[] = [];
  for (const piece of pieces) {
    if (out.push(piece) % every === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return out.join('');
}

/** Draws the targets: the lead department's liaison or the office (draw-protocol.ts says when). */
export async function runTargetDraw(
  services: Services,
  input: { drawId: number; version: number; person: Person; by: AuditActor; noInputReason?: string },
) {
  const days = {
    inspectors: (await settingValue(services.store, 'draws.inspectorDays'))!,
    dispatch: (await settingValue(services.store, 'draws.dispatchDays'))!,
  };
  const calendar = await workingCalendar(services.store);
  return runDraw(services, input, targetMaker(services, days, calendar));
}

/** The drawn list as a spreadsheet: every pick in force with the library's name and address, stratum and team. */
export async function picksSheet(services: Services, repos: Repos, draw: Draw, taskName: string) {
  const picks = (await repos.draws.picks(draw.id)).filter((p) => !p.withdrawn);
  const rows = [
    ['序号', '统一社会信用代码/编号', '名称', '地址', '片区', '信用风险分类', '分层', '检查组', '备注'],
    ...picks.map((p, i) => [
      String(i + 1),
      p.id,
      p.name,
      p.address ?? '',
      p.area ?? '',
      p.riskClass ?? '',
      stratumLabel(p.stratum),
      `第 ${p.team} 组`,
      p.replaces ? `递补（替换 ${p.replaces}）` : '',
    ]),
  ];
  const title = `${taskName} 检查对象名单（抽取 #${draw.id}）`;
  const bytes = await services.sheets!.write('检查对象名单', rows, { title });
  return { name: `检查对象名单-任务${draw.taskId}.xlsx`, base64: bytes.toString('base64') };
}
