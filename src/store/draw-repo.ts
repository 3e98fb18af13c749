// Draws: the record, its frozen pool (one array of ids per stratum, in byte order), the contributions, the picks
// and the hand-overs. The pool is frozen, hashed and ranked inside the database: PostgreSQL's sha256() over the
// same bytes gives exactly the domain's hash and order (test/store/draw-order.test.ts; docs/decisions.md).
import { and, asc, eq, sql } from 'drizzle-orm';
import {
  drawContributions,
  drawHandovers,
  drawPicks,
  drawPools,
  draws,
  targets,
} from '../../drizzle/schema.ts';
import type { Draw, DrawFilters, Repos } from '../app/ports.ts';
import type { PoolEntry } from '../domain/draw.ts';
import type { Stratum } from '../domain/plan-record.ts';
import { type Db, rowsOf } from './db.ts';

const toDraw = (r: typeof draws.$inferSelect): Draw => ({
  ...r,
  kind: r.kind as Draw['kind'],
  state: r.state as Draw['state'],
  filters: r.filters as Draw['filters'],
  strata: r.strata as Draw['strata'],
  split: r.split as Draw['split'],
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
  return sql`
    select t.code,
      case when t.risk_class = any(${classes}::text[]) then t.risk_class else 'all' end as stratum,
      ${recent} as recent,
      -- Uncorrelated, so the planner hashes it once rather than probing per target.
      t.code in (
        select p.code from draw_picks p
        join draws d on d.id = p.draw_id
        join tasks k on k.id = d.task_id
        where d.state = 'drawn' and d.kind = 'targets' and d.task_id <> ${taskId} and k.state <> 'cancelled'
      ) as open_elsewhere
    from targets t
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
      const [row] = await db
        .update(draws)
        .set({ ...patch, version: sql`${draws.version} + 1` })
        .where(and(eq(draws.id, id), eq(draws.version, version)))
        .returning();
      return row && toDraw(row);
    },
    async freezeTargets(drawId, taskId, filters) {
      // One statement: the scope read once, the pool stored per stratum, its canonical hash and the counts.
      const [row] = rowsOf<{
        in_scope: number;
        recent: number;
        open_elsewhere: number;
        no_quota: number;
        sizes: { stratum: Stratum; n: number }[] | null;
        hash: string;
      }>(
        await db.execute(sql`
          with scoped as materialized (${scopedTargets(taskId, filters)}),
          kept as materialized (
            select code, stratum from scoped s
            where not s.recent and not (${filters.excludeOpen}::boolean and s.open_elsewhere)
              and (s.stratum <> 'all' or ${filters.withAll}::boolean)
          ),
          stored as (
            insert into draw_pools (draw_id, stratum, codes)
            select ${drawId}, stratum, array_agg(code order by code collate "C") from kept group by stratum
            returning stratum, cardinality(codes) as n
          )
          select
            (select count(*)::int from scoped) as in_scope,
            (select count(*)::int from scoped where recent) as recent,
            (select count(*)::int from scoped where open_elsewhere) as open_elsewhere,
            (select count(*)::int from scoped where stratum = 'all' and not ${filters.withAll}::boolean)
              as no_quota,
            (select json_agg(json_build_object('stratum', stratum, 'n', n)) from stored) as sizes,
            (select encode(sha256(convert_to(coalesce(
              string_agg(code || E'\\t' || stratum || E'\\n', '' order by code collate "C"), ''), 'UTF8')), 'hex')
             from kept) as hash`),
      );
      return {
        sizes: Object.fromEntries((row!.sizes ?? []).map((r) => [r.stratum, Number(r.n)])),
        counts: {
          inScope: Number(row!.in_scope),
          excludedRecent: Number(row!.recent),
          openElsewhere: Number(row!.open_elsewhere),
          noQuota: Number(row!.no_quota),
        } satisfies Partial<DrawFilters>,
        hash: row!.hash,
      };
    },
    async pool(drawId) {
      const rows = await db
        .select({ stratum: drawPools.stratum, codes: drawPools.codes })
        .from(drawPools)
        .where(eq(drawPools.drawId, drawId));
      const entries: PoolEntry[] = [];
      for (const r of rows) for (const id of r.codes) entries.push({ id, stratum: r.stratum as Stratum });
      return entries.sort((a, b) => Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)));
    },
    async rank(drawId, stratum, seed, k) {
      if (k <= 0) return [];
      const score = sql`sha256(convert_to(${seed} || 'target' || u.code, 'UTF8'))`;
      return rowsOf<{ id: string; score: string }>(
        await db.execute(sql`
          select u.code as id, encode(${score}, 'hex') as score
          from draw_pools p, unnest(p.codes) as u(code)
          where p.draw_id = ${drawId} and p.stratum = ${stratum}
          order by ${score}, u.code collate "C" limit ${k}`),
      );
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
      // One statement of five arrays rather than rows of parameters: 150,000 picks in one round trip.
      await db.execute(sql`
        insert into draw_picks (draw_id, position, code, stratum, team, score)
        select ${drawId}, p.position, p.code, p.stratum, p.team, p.score
        from unnest(
          ${sql.param(picks.map((_, i) => i + 1))}::int[],
          ${sql.param(picks.map((p) => p.id))}::text[],
          ${sql.param(picks.map((p) => p.stratum))}::text[],
          ${sql.param(picks.map((p) => p.team))}::int[],
          ${sql.param(picks.map((p) => p.score))}::text[]
        ) as p(position, code, stratum, team, score)`);
    },
    async pickCount(drawId) {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(drawPicks)
        .where(eq(drawPicks.drawId, drawId));
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
        })
        .from(drawPicks)
        .leftJoin(targets, eq(targets.code, drawPicks.code))
        .where(eq(drawPicks.drawId, drawId))
        .orderBy(asc(drawPicks.position));
      const rows = await (limit === undefined ? query : query.limit(limit));
      return rows.map((r) => ({ ...r, stratum: r.stratum as Stratum, name: r.name ?? '' }));
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
  };
}
