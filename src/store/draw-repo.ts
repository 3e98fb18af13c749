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

/** Picks are written in batches well under the 65,535 bind parameters of one statement. */
const PICK_BATCH = 5_000;

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
      const scoped = scopedTargets(taskId, filters);
      const kept = sql`not s.recent and not (${filters.excludeOpen}::boolean and s.open_elsewhere)
        and (s.stratum <> 'all' or ${filters.withAll}::boolean)`;
      const counted = rowsOf<{
        in_scope: number;
        recent: number;
        open_elsewhere: number;
        no_quota: number;
      }>(
        await db.execute(sql`
          select count(*)::int as in_scope,
            count(*) filter (where s.recent)::int as recent,
            count(*) filter (where s.open_elsewhere)::int as open_elsewhere,
            count(*) filter (where s.stratum = 'all' and not ${filters.withAll}::boolean)::int as no_quota
          from (${scoped}) s`),
      )[0]!;
      await db.execute(sql`
        insert into draw_pools (draw_id, stratum, codes)
        select ${drawId}, s.stratum, array_agg(s.code order by s.code collate "C")
        from (${scoped}) s where ${kept} group by s.stratum`);
      const sizes = rowsOf<{ stratum: Stratum; n: number }>(
        await db.execute(
          sql`select stratum, cardinality(codes)::int as n from draw_pools where draw_id = ${drawId}`,
        ),
      );
      return {
        sizes: Object.fromEntries(sizes.map((r) => [r.stratum, Number(r.n)])),
        counts: {
          inScope: Number(counted.in_scope),
          excludedRecent: Number(counted.recent),
          openElsewhere: Number(counted.open_elsewhere),
          noQuota: Number(counted.no_quota),
        } satisfies Partial<DrawFilters>,
      };
    },
    async poolHash(drawId) {
      const [row] = rowsOf<{ hash: string | null }>(
        await db.execute(sql`
          select encode(sha256(convert_to(coalesce(
            string_agg(u.code || E'\\t' || p.stratum || E'\\n', '' order by u.code collate "C"), ''), 'UTF8')), 'hex') as hash
          from draw_pools p, unnest(p.codes) as u(code) where p.draw_id = ${drawId}`),
      );
      return row!.hash!;
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
      for (let i = 0; i < picks.length; i += PICK_BATCH) {
        await db.insert(drawPicks).values(
          picks.slice(i, i + PICK_BATCH).map((p, j) => ({
            drawId,
            position: i + j + 1,
            code: p.id,
            stratum: p.stratum,
            team: p.team,
            score: p.score,
          })),
        );
      }
    },
    async picks(drawId) {
      const rows = await db
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
