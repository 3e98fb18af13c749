// Draws: the record, its frozen pool (its canonical bytes), the contributions, the picks, the hand-overs and the
// requests the office decides. The pool's lines are read in canonical order from an index kept for it, stored and
// hashed by one statement; the selection is the domain's (docs/decisions.md, "Draws in the chat").
import { and, asc, eq, getTableColumns, isNull, type SQL, sql } from 'drizzle-orm';
import {
  drawChoices,
  drawContributions,
  drawHandovers,
  drawPicks,
  drawRedraws,
  drawReplacements,
  draws,
  drawTeamMembers,
  targets,
  tasks,
} from '../../drizzle/schema.ts';
import type {
  ChoiceRequest,
  Draw,
  DrawFilters,
  RedrawRequest,
  ReplacementRequest,
  Repos,
} from '../app/ports.ts';
import { STRATA, type Stratum } from '../domain/plan-record.ts';
import { copyInto, type Db, escapedRows, rowsOf } from './db.ts';

const toReplacement = (r: typeof drawReplacements.$inferSelect): ReplacementRequest => ({
  ...r,
  cause: r.cause as ReplacementRequest['cause'],
  state: r.state as ReplacementRequest['state'],
});

const toChoice = (r: typeof drawChoices.$inferSelect): ChoiceRequest => ({
  ...r,
  state: r.state as ChoiceRequest['state'],
});

const toRedraw = (r: typeof drawRedraws.$inferSelect): RedrawRequest => ({
  ...r,
  state: r.state as RedrawRequest['state'],
});

const toDraw = (r: typeof draws.$inferSelect): Draw => ({
  ...r,
  kind: r.kind as Draw['kind'],
  state: r.state as Draw['state'],
  filters: r.filters as Draw['filters'],
  strata: r.strata as Draw['strata'],
  split: r.split as Draw['split'],
  beacon: r.beacon as Draw['beacon'],
});

/** The target draws of the other open tasks (all but `taskId`'s): a target they drew is flagged in a new pool. */
const otherOpenDraws = (taskId: number) => sql`
  from draws d
  join tasks k on k.id = d.task_id
  where d.state = 'drawn' and d.kind = 'targets' and d.task_id <> ${taskId} and k.state <> 'cancelled'`;

/**
 * The targets of a scope (active, 存续) in canonical order, each with the end of its pool line (`\t<stratum>\n`,
 * a constant per stratum), the flags the notice reports, and whether it is kept in the pool. The filters are
 * known here, so a condition that cannot hold is left out, and with no codes drawn in other open tasks (`open`),
 * so is looking for them. Also the condition for a line to be kept, over those columns (null: every line is).
 */
function scopedTargets(f: Parameters<Repos['draws']['freezeTargets']>[2], open: readonly string[]) {
  const others = open.length > 0;
  const any = (column: string, values: string[]) =>
    values.length > 0 ? sql`and ${sql.raw(column)} = any(${sql.param(values)}::text[])` : sql``;
  const tags = f.scope.tags.length > 0 ? sql`and t.tags && ${sql.param(f.scope.tags)}::text[]` : sql``;
  const recent = f.checkedSince
    ? sql`(t.last_inspected is not null and t.last_inspected >= ${f.checkedSince}::date)`
    : sql`false`;
  const tail =
    f.classes.length > 0
      ? sql`case t.risk_class ${sql.join(
          f.classes.map((k) => sql`when ${k} then ${lineEnd(k)}`),
          sql` `,
        )} else ${lineEnd('all')} end`
      : sql`${lineEnd('all')}::text`;
  // Kept in the pool: asked of the row above, in the statement around it.
  const kept = [
    ...(f.checkedSince ? [sql`not s.recent`] : []),
    ...(f.excludeOpen && others ? [sql`not s.open_elsewhere`] : []),
    ...(f.withAll ? [] : [sql`s.tail <> ${lineEnd('all')}`]),
  ];
  const query = sql`
    select t.code, ${tail} as tail, ${recent} as recent,
      ${others ? sql`t.code = any(${sql.param(open)}::text[])` : sql`false`} as open_elsewhere
    from targets t
    where t.active and t.status = '存续'
      ${any('t.object_type', f.scope.objectTypes)}
      ${any('t.industry', f.scope.industries)}
      ${any('t.area', f.scope.areas)}
      ${tags}
    order by t.code collate "C"`;
  return { query, kept: kept.length > 0 ? sql.join(kept, sql` and `) : null };
}

/**
 * How a draw reads a frozen pool: slices of 64 KB, 64 of them (4 MB, about 175,000 lines) by each query, one row
 * each. Small rows keep the server's memory small and used again from row to row: one 4 MB value a query took it
 * three fresh 4 MB allocations, and reading a 69 MB pool so took four times as long where fresh memory is slow to
 * map (docs/decisions.md, "Fresh memory is what a large draw costs").
 */
const POOL_SLICE = 64 << 10;
const SLICES_A_QUERY = 64;

/** The end of a pool line of `stratum`: `\t<stratum>\n` (domain/draw.ts). */
const lineEnd = (stratum: Stratum) => `\t${stratum}\n`;

/** Sets settings for the rest of the transaction (as `SET LOCAL`); returns what they were. */
async function swapSettings(db: Db, values: Record<string, string>): Promise<Record<string, string>> {
  const names = Object.keys(values);
  const [before] = rowsOf<Record<string, string>>(
    await db.execute(
      sql`select ${sql.join(
        names.map((name) => sql`current_setting(${name}) as ${sql.identifier(name)}`),
        sql`, `,
      )}`,
    ),
  );
  await db.execute(
    sql`select ${sql.join(
      names.map((name) => sql`set_config(${name}, ${values[name]}, true)`),
      sql`, `,
    )}`,
  );
  return before!;
}

export function drawRepo(db: Db): Repos['draws'] {
  const poolSlices = async (drawId: number, sliceBytes = POOL_SLICE) => {
    const [row] = rowsOf<{ size: number }>(
      await db.execute(sql`select octet_length(content) as size from draw_pools where draw_id = ${drawId}`),
    );
    const size = Number(row?.size ?? 0);
    const step = sliceBytes * SLICES_A_QUERY;
    async function* slices() {
      // Each slice of the uncompressed bytes is fetched alone (bytea, migration 0024), in their order.
      for (let at = 0; at < size; at += step) {
        const rows = await escapedRows(
          db,
          `select encode(substr(content, g, ${sliceBytes}), 'escape') from draw_pools,
            generate_series($2::int, $3::int, ${sliceBytes}) as g where draw_id = $1 order by g`,
          [drawId, at + 1, Math.min(at + step, size)],
        );
        if (rows.length === 0) throw new Error(`draw ${drawId}: its pool is gone`);
        yield* rows;
      }
    }
    return { size, slices: slices() };
  };
  return {
    async create(d) {
      const [row] = await db
        .insert(draws)
        .values({ ...d, state: 'committed' })
        .onConflictDoNothing()
        .returning();
      return row && toDraw(row);
    },
    async get(id) {
      const [row] = await db.select().from(draws).where(eq(draws.id, id));
      return row && toDraw(row);
    },
    async forTask(taskId) {
      const rows = await db.select().from(draws).where(eq(draws.taskId, taskId)).orderBy(asc(draws.id));
      return rows.map(toDraw);
    },
    async lock(id) {
      const [row] = await db.select().from(draws).where(eq(draws.id, id)).for('update');
      return row && toDraw(row);
    },
    async update(id, version, patch) {
      const where = and(eq(draws.id, id), eq(draws.version, version));
      const set = { ...patch, version: sql`${draws.version} + 1` };
      if (patch.receipt === undefined) {
        const [row] = await db.update(draws).set(set).where(where).returning();
        return row && toDraw(row);
      }
      // A receipt just written (25 MB for a 3,000,000-target draw) is not read back: the caller holds it.
      const { receipt: _, ...columns } = getTableColumns(draws);
      const [row] = await db.update(draws).set(set).where(where).returning(columns);
      return row && toDraw({ ...row, receipt: patch.receipt });
    },
    async freezeTargets(drawId, taskId, filters) {
      // One statement, all in the database: the library read in canonical order from `targets_pool_order_idx`
      // (migration 0022; the table itself is not visited), the kept lines joined and stored, with the counts the
      // notice reports; the hash is taken in RETURNING, from the row as inserted. Nothing of the pool crosses to
      // this process.
      //
      // The order is the subquery's ORDER BY: a sorted subquery is never merged into the query around it, and a
      // plain aggregate over it reads its rows as they come. The draw checks the order again before using the
      // pool (app/score-workers.ts).
      //
      // The codes drawn in other open tasks come here first and go back as an array: a list given as a value
      // is looked up in a hash table built once (PostgreSQL 14 and later), so the index is read once and each
      // target asked in constant time, in its order. A join would sort those codes and merge (a second more for
      // 300,000 of them, which share their first eight bytes), and a subquery's rows are hashed only when the
      // planner's statistics say so. The plan is made for these values each time (force_custom_plan): a generic
      // plan would not know the list, and would search it line by line. JIT compiling costs more than it saves
      // on a query run once. The pool text (69 MB for 3,000,000 targets) is built once and inserted as it is: no
      // CTE holds it, since a CTE read twice is kept in a store of its own, a copy that costs as much again where
      // fresh memory is slow to map (about 16 µs a page on some virtual machines: 0.3 s for each copy of that
      // pool). The memory is the database server's, taken only as far as needed. For this statement only: the
      // rest of the transaction gets back its settings.
      const before = await swapSettings(db, { jit: 'off', plan_cache_mode: 'force_custom_plan' });
      // Only the strata a line can be kept in are counted: the plan's classes, and `all` when it is drawn from.
      const strata = STRATA.filter((k) => (k === 'all' ? filters.withAll : filters.classes.includes(k)));
      // What the notice reports, each counted only where it can be other than 0.
      const open = rowsOf<{ code: string }>(
        await db.execute(
          sql`select p.code from draw_picks p where p.withdrawn is null and p.draw_id in (select d.id ${otherOpenDraws(taskId)})`,
        ),
      ).map((r) => r.code);
      const others = open.length > 0;
      const scoped = scopedTargets(filters, open);
      // A line kept, of a stratum: where every line is kept, or every line has one stratum, not asked per line.
      const keptIn = (k: Stratum) => {
        const conditions = [
          ...(scoped.kept ? [scoped.kept] : []),
          ...(filters.classes.length > 0 ? [sql`s.tail = ${lineEnd(k)}`] : []),
        ];
        return conditions.length > 0
          ? sql`count(*) filter (where ${sql.join(conditions, sql` and `)})`
          : sql`count(*)`;
      };
      const counts = Object.entries<SQL>({
        in_scope: sql`count(*)`,
        ...(others ? { open_elsewhere: sql`count(*) filter (where s.open_elsewhere)` } : {}),
        ...(filters.checkedSince ? { recent: sql`count(*) filter (where s.recent)` } : {}),
        ...(filters.withAll ? {} : { unclassed: sql`count(*) filter (where s.tail = ${lineEnd('all')})` }),
        ...Object.fromEntries(strata.map((k) => [`n_${k}`, keptIn(k)])),
      });
      const keptOnly = scoped.kept ? sql`filter (where ${scoped.kept})` : sql``;
      const [stored] = rowsOf<{ hash: string; counts: Record<string, number> }>(
        await db.execute(sql`
          insert into draw_pools (draw_id, content, counts)
          select ${drawId}, convert_to(coalesce(string_agg(s.code || s.tail, '') ${keptOnly}, ''), 'UTF8'),
            jsonb_build_object(${sql.join(
              counts.map(([name, count]) => sql`${name}::text, ${count}`),
              sql`, `,
            )})
          from (${scoped.query}) s
          returning encode(sha256(content), 'hex') as hash, counts`),
      );
      await swapSettings(db, before);
      const c = stored!.counts;
      return {
        sizes: Object.fromEntries(
          strata.map((k) => [k, Number(c[`n_${k}`])]).filter(([, n]) => Number(n) > 0),
        ),
        counts: {
          inScope: Number(c.in_scope),
          excludedRecent: Number(c.recent ?? 0),
          openElsewhere: Number(c.open_elsewhere ?? 0),
          noQuota: Number(c.unclassed ?? 0),
        } satisfies Partial<DrawFilters>,
        hash: String(stored!.hash),
      };
    },
    poolSlices,
    async poolBytes(drawId) {
      const { size, slices } = await poolSlices(drawId);
      const bytes = Buffer.allocUnsafe(size);
      let filled = 0;
      for await (const slice of slices) filled += slice.copy(bytes, filled);
      return bytes.subarray(0, filled);
    },
    async storePool(drawId, content) {
      await db.execute(
        sql`insert into draw_pools (draw_id, content) values (${drawId}, convert_to(${content}, 'UTF8'))`,
      );
    },
    async saveMembers(members) {
      if (members.length > 0) await db.insert(drawTeamMembers).values([...members]);
    },
    async withdrawMember(drawId, team, personId, reason) {
      await db
        .update(drawTeamMembers)
        .set({ withdrawn: reason, leader: false })
        .where(
          and(
            eq(drawTeamMembers.drawId, drawId),
            eq(drawTeamMembers.team, team),
            eq(drawTeamMembers.personId, personId),
          ),
        );
    },
    async setLeader(drawId, team, personId) {
      await db
        .update(drawTeamMembers)
        .set({ leader: sql`${drawTeamMembers.personId} = ${personId ?? -1}` })
        .where(and(eq(drawTeamMembers.drawId, drawId), eq(drawTeamMembers.team, team)));
    },
    async members(drawId) {
      return db
        .select()
        .from(drawTeamMembers)
        .where(eq(drawTeamMembers.drawId, drawId))
        .orderBy(asc(drawTeamMembers.team), asc(drawTeamMembers.position));
    },
    async contribute(c) {
      const rows = await db.insert(drawContributions).values(c).onConflictDoNothing().returning();
      return rows.length > 0;
    },
    async contributions(drawId) {
      return db
        .select()
        .from(drawContributions)
        .where(eq(drawContributions.drawId, drawId))
        .orderBy(asc(drawContributions.createdAt));
    },
    async savePicks(drawId, picks) {
      // COPY: 150,000 picks parse far faster as COPY text than as bound parameters.
      await copyInto(
        db,
        'draw_picks',
        ['draw_id', 'position', 'code', 'stratum', 'team'],
        picks.map((p, i) => [drawId, i + 1, p.id, p.stratum, p.team]),
      );
    },
    async pickCount(drawId) {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(drawPicks)
        .where(and(eq(drawPicks.drawId, drawId), isNull(drawPicks.withdrawn)));
      return Number(row?.n ?? 0);
    },
    async picks(drawId, limit) {
      const query = db
        .select({
          position: drawPicks.position,
          id: drawPicks.code,
          stratum: drawPicks.stratum,
          team: drawPicks.team,
          name: targets.name,
          address: targets.address,
          area: targets.area,
          riskClass: targets.riskClass,
          replaces: drawPicks.replaces,
          withdrawn: drawPicks.withdrawn,
        })
        .from(drawPicks)
        .leftJoin(targets, eq(targets.code, drawPicks.code))
        .where(eq(drawPicks.drawId, drawId))
        .orderBy(asc(drawPicks.position));
      const rows = await (limit === undefined ? query : query.limit(limit));
      return rows.map((r) => ({ ...r, stratum: r.stratum as Stratum, name: r.name ?? '' }));
    },
    async requestRedraw(r) {
      const [row] = await db
        .insert(drawRedraws)
        .values({ ...r, state: 'requested' })
        .onConflictDoNothing()
        .returning();
      return row && toRedraw(row);
    },
    async redraw(id) {
      const [row] = await db.select().from(drawRedraws).where(eq(drawRedraws.id, id));
      return row && toRedraw(row);
    },
    async redraws(drawId) {
      const rows = await db
        .select()
        .from(drawRedraws)
        .where(eq(drawRedraws.drawId, drawId))
        .orderBy(asc(drawRedraws.id));
      return rows.map(toRedraw);
    },
    async decideRedraw(id, version, patch) {
      const [row] = await db
        .update(drawRedraws)
        .set({ ...patch, version: sql`${drawRedraws.version} + 1` })
        .where(and(eq(drawRedraws.id, id), eq(drawRedraws.version, version)))
        .returning();
      return row && toRedraw(row);
    },
    async replacePick(drawId, code, reason, replacement) {
      const [old] = await db
        .update(drawPicks)
        .set({ withdrawn: reason })
        .where(and(eq(drawPicks.drawId, drawId), eq(drawPicks.code, code)))
        .returning();
      const [last] = await db
        .select({ n: sql<number>`max(${drawPicks.position})::int` })
        .from(drawPicks)
        .where(eq(drawPicks.drawId, drawId));
      await db.insert(drawPicks).values({
        drawId,
        position: Number(last!.n) + 1,
        code: replacement,
        stratum: old!.stratum,
        team: old!.team,
        replaces: code,
      });
    },
    async requestReplacement(r) {
      const [row] = await db
        .insert(drawReplacements)
        .values({ ...r, state: 'requested' })
        .onConflictDoNothing()
        .returning();
      return row && toReplacement(row);
    },
    async replacement(id) {
      const [row] = await db.select().from(drawReplacements).where(eq(drawReplacements.id, id));
      return row && toReplacement(row);
    },
    async replacements(drawId) {
      const rows = await db
        .select()
        .from(drawReplacements)
        .where(eq(drawReplacements.drawId, drawId))
        .orderBy(asc(drawReplacements.decidedAt), asc(drawReplacements.id));
      return rows.map(toReplacement);
    },
    async decideReplacement(id, version, patch) {
      const [row] = await db
        .update(drawReplacements)
        .set({ ...patch, version: sql`${drawReplacements.version} + 1` })
        .where(and(eq(drawReplacements.id, id), eq(drawReplacements.version, version)))
        .returning();
      return row && toReplacement(row);
    },
    async requestChoice(r) {
      const [row] = await db
        .insert(drawChoices)
        .values({ ...r, state: 'requested' })
        .onConflictDoNothing()
        .returning();
      return row && toChoice(row);
    },
    async choice(id) {
      const [row] = await db.select().from(drawChoices).where(eq(drawChoices.id, id));
      return row && toChoice(row);
    },
    async choices(drawId) {
      const rows = await db
        .select()
        .from(drawChoices)
        .where(eq(drawChoices.drawId, drawId))
        .orderBy(asc(drawChoices.id));
      return rows.map(toChoice);
    },
    async decideChoice(id, version, patch) {
      const [row] = await db
        .update(drawChoices)
        .set({ ...patch, version: sql`${drawChoices.version} + 1` })
        .where(and(eq(drawChoices.id, id), eq(drawChoices.version, version)))
        .returning();
      return row && toChoice(row);
    },
    async addHandover(h) {
      await db.insert(drawHandovers).values(h).onConflictDoNothing();
    },
    async handovers(drawId) {
      return db
        .select()
        .from(drawHandovers)
        .where(eq(drawHandovers.drawId, drawId))
        .orderBy(asc(drawHandovers.departmentId));
    },
    async inspectorsOwed(platform) {
      const rows = await db
        .select({
          handover: drawHandovers,
          taskId: draws.taskId,
          noticeId: sql<number | null>`(
            select i.id from draws i where i.task_id = ${draws.taskId} and i.kind = 'inspectors'
              and i.department_id = ${drawHandovers.departmentId} and i.state = 'committed')`,
          redrawnAt: sql<string | null>`(
            select max(r.decided_at) from draw_redraws r join draws i on i.id = r.draw_id
            where i.task_id = ${draws.taskId} and i.kind = 'inspectors'
              and i.department_id = ${drawHandovers.departmentId} and r.state = 'approved')`,
        })
        .from(drawHandovers)
        .innerJoin(draws, eq(draws.id, drawHandovers.drawId))
        .innerJoin(tasks, eq(tasks.id, draws.taskId))
        .where(
          and(
            eq(draws.kind, 'targets'),
            eq(draws.state, 'drawn'),
            eq(tasks.state, 'drawn'),
            eq(tasks.chatPlatform, platform),
            sql`not exists (
              select 1 from draws i where i.task_id = ${draws.taskId} and i.kind = 'inspectors'
                and i.department_id = ${drawHandovers.departmentId} and i.state = 'drawn')`,
          ),
        )
        .orderBy(asc(draws.taskId), asc(drawHandovers.departmentId));
      return rows.map((r) => ({
        ...r.handover,
        taskId: r.taskId,
        noticeId: r.noticeId,
        redrawnAt: r.redrawnAt === null ? null : new Date(r.redrawnAt),
      }));
    },
    async checkedBy(departmentId, exceptTaskId, since) {
      const rows = rowsOf<{ person_id: number; code: string }>(
        await db.execute(sql`
          select distinct m.person_id, p.code collate "C" as code
          from draw_team_members m
          join draws d on d.id = m.draw_id
          join tasks k on k.id = d.task_id
          join draw_picks p on p.draw_id = (d.filters->>'targetDrawId')::int and p.team = m.team
          where d.kind = 'inspectors' and d.state = 'drawn' and d.department_id = ${departmentId}
            and d.task_id <> ${exceptTaskId} and k.state <> 'cancelled'
            and d.drawn_at >= ${since}::date
            and m.withdrawn is null and p.withdrawn is null
          order by 2`),
      );
      const checked = new Map<number, string[]>();
      for (const r of rows) {
        const id = Number(r.person_id);
        checked.set(id, [...(checked.get(id) ?? []), r.code]);
      }
      return checked;
    },
    async updateHandover(drawId, departmentId, patch) {
      await db
        .update(drawHandovers)
        .set(patch)
        .where(and(eq(drawHandovers.drawId, drawId), eq(drawHandovers.departmentId, departmentId)));
    },
  };
}
