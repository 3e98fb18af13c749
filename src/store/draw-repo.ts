// Draws: the record, its frozen pool (its canonical bytes), the contributions, the picks, the hand-overs and the
// requests the office decides. The pool's lines are gathered by one parallel scan, put in canonical order by the
// domain's radix sort and stored as those bytes; the selection is the domain's (docs/decisions.md, "Draws in the
// chat").
import { and, asc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import {
  drawChoices,
  drawContributions,
  drawHandovers,
  drawPicks,
  drawPools,
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
import { canonicalLines, sha256 } from '../domain/draw.ts';
import { STRATA, type Stratum } from '../domain/plan-record.ts';
import { copyInto, type Db, rowsOf } from './db.ts';

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

/** The targets of a scope (active, 存续) with their stratum and the flags the notice reports. */
function scopedTargets(taskId: number, f: Parameters<Repos['draws']['freezeTargets']>[2]) {
  const any = (column: string, values: string[]) =>
    values.length > 0 ? sql`and ${sql.raw(column)} = any(${sql.param(values)}::text[])` : sql``;
  const tags = f.scope.tags.length > 0 ? sql`and t.tags && ${sql.param(f.scope.tags)}::text[]` : sql``;
  const recent = f.checkedSince
    ? sql`(t.last_inspected is not null and t.last_inspected >= ${f.checkedSince}::date)`
    : sql`false`;
  const classes = sql.param(f.classes);
  // Drawn in another open task: a join, never `code in (subquery)` — once those picks outgrow work_mem, the
  // planner stops hashing such a subquery and scans it again for every target of the library.
  return sql`
    select t.code,
      case when t.risk_class = any(${classes}::text[]) then t.risk_class else 'all' end as stratum,
      ${recent} as recent,
      o.code is not null as open_elsewhere
    from targets t
    left join (
      select distinct p.code from draw_picks p
      join draws d on d.id = p.draw_id
      join tasks k on k.id = d.task_id
      where d.state = 'drawn' and d.kind = 'targets' and d.task_id <> ${taskId} and k.state <> 'cancelled'
        and p.withdrawn is null
    ) o on o.code = t.code
    where t.active and t.status = '存续'
      ${any('t.object_type', f.scope.objectTypes)}
      ${any('t.industry', f.scope.industries)}
      ${any('t.area', f.scope.areas)}
      ${tags}`;
}

export function drawRepo(db: Db): Repos['draws'] {
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
    async freezeTargets(drawId, taskId, filters, lap = () => {}) {
      const scoped = scopedTargets(taskId, filters);
      const kept = sql`not s.recent and not (${filters.excludeOpen}::boolean and s.open_elsewhere)
        and (s.stratum <> 'all' or ${filters.withAll}::boolean)`;
      // One scan of the library, on every core (the planner is told parallel workers cost nothing to start, for
      // this transaction only): the counts, and the kept lines in no particular order. They are put in canonical
      // order here, by the domain's own radix sort of the ids — far faster than the database's sort of 3,000,000
      // codes that share their first characters — then hashed and stored.
      await db.execute(sql`set local parallel_setup_cost = 0`);
      await db.execute(sql`set local parallel_tuple_cost = 0`);
      // Room to hash the codes drawn in other open tasks in one batch (300,000 codes: 1.2 s against 1.3–1.8 s).
      await db.execute(sql`set local work_mem = '64MB'`);
      const [counted] = rowsOf<Record<string, number | string | null>>(
        await db.execute(sql`
          select string_agg(s.code || E'\\t' || s.stratum || E'\\n', '') filter (where ${kept}) as lines,
            count(*)::int as in_scope,
            count(*) filter (where s.recent)::int as recent,
            count(*) filter (where s.open_elsewhere)::int as open_elsewhere,
            count(*) filter (where s.stratum = 'all' and not ${filters.withAll}::boolean)::int as no_quota,
            ${sql.join(
              STRATA.map(
                (k) =>
                  sql`count(*) filter (where ${kept} and s.stratum = ${k})::int as ${sql.identifier(`n_${k}`)}`,
              ),
              sql`, `,
            )}
          from (${scoped}) s`),
      );
      const c = counted!;
      lap('scan');
      const bytes = canonicalLines(Buffer.from(String(c.lines ?? ''), 'utf8'));
      lap('sort');
      const content = bytes.toString('utf8');
      await db.insert(drawPools).values({ drawId, content });
      lap('pool');
      return {
        sizes: Object.fromEntries(
          STRATA.map((k) => [k, Number(c[`n_${k}`])]).filter(([, n]) => Number(n) > 0),
        ),
        counts: {
          inScope: Number(c.in_scope),
          excludedRecent: Number(c.recent),
          openElsewhere: Number(c.open_elsewhere),
          noQuota: Number(c.no_quota),
        } satisfies Partial<DrawFilters>,
        hash: sha256(bytes),
      };
    },
    async poolText(drawId) {
      const [row] = await db
        .select({ content: drawPools.content })
        .from(drawPools)
        .where(eq(drawPools.drawId, drawId));
      return row?.content ?? '';
    },
    async storePool(drawId, content) {
      await db.insert(drawPools).values({ drawId, content });
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
        ['draw_id', 'position', 'code', 'stratum', 'team', 'score'],
        picks.map((p, i) => [drawId, i + 1, p.id, p.stratum, p.team, p.score]),
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
          score: drawPicks.score,
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
        code: replacement.id,
        stratum: old!.stratum,
        team: old!.team,
        score: replacement.score,
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
