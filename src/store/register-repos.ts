// The registers (一单两库) in the database: targets and matters. Upserts report what they did: a row whose
// imported fields hash the same as before (and that is active) is left alone, so re-importing a file changes
// nothing.
import { and, arrayContains, asc, desc, eq, or, sql } from 'drizzle-orm';
import { matters, targets } from '../../drizzle/schema.ts';
import type { Repos } from '../app/ports.ts';
import { searchGrams, searchText } from '../domain/search-grams.ts';
import type { TargetRecord } from '../domain/target-record.ts';
import type { Db } from './db.ts';

/** Rows a name search reads before checking that each name really contains the query. */
const CANDIDATES = 500;

/** Rows per statement: PostgreSQL allows 65,535 bind parameters; a target row binds 15. */
const BATCH = 2_000;

export function targetRepo(db: Db, now: () => Date): Repos['targets'] {
  return {
    async upsertMany(rows) {
      const counts = { inserted: 0, updated: 0, unchanged: 0 };
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        const at = now();
        const written = await db
          .insert(targets)
          .values(batch.map((r) => ({ ...r, active: true, updatedAt: at, searchGrams: searchGrams(r.name) })))
          .onConflictDoUpdate({
            target: targets.code,
            set: {
              codeKind: sql`excluded.code_kind`,
              name: sql`excluded.name`,
              objectType: sql`excluded.object_type`,
              industry: sql`excluded.industry`,
              area: sql`excluded.area`,
              address: sql`excluded.address`,
              registrationAuthority: sql`excluded.registration_authority`,
              jurisdiction: sql`excluded.jurisdiction`,
              riskClass: sql`excluded.risk_class`,
              status: sql`excluded.status`,
              tags: sql`excluded.tags`,
              lastInspected: sql`excluded.last_inspected`,
              departmentId: sql`excluded.department_id`,
              rowHash: sql`excluded.row_hash`,
              searchGrams: sql`excluded.search_grams`,
              active: true,
              updatedAt: at,
            },
            setWhere: sql`${targets.rowHash} is distinct from excluded.row_hash or not ${targets.active}`,
          })
          // xmax = 0 marks a row this statement inserted (rather than updated).
          .returning({ inserted: sql<boolean>`(xmax = 0)` });
        const inserted = written.filter((w) => w.inserted === true || String(w.inserted) === 'true').length;
        counts.inserted += inserted;
        counts.updated += written.length - inserted;
        counts.unchanged += batch.length - written.length;
      }
      return counts;
    },
    async deactivateMissing(scope, keep) {
      const inScope =
        'tag' in scope
          ? arrayContains(targets.tags, [scope.tag])
          : eq(targets.departmentId, scope.departmentId);
      // The kept codes travel as one array parameter, however many there are.
      const rows = await db
        .update(targets)
        .set({ active: false, updatedAt: now() })
        .where(
          and(
            inScope,
            eq(targets.active, true),
            sql`not (${targets.code} = any(${sql.param(keep)}::text[]))`,
          ),
        )
        .returning({ id: targets.id });
      return rows.length;
    },
    async search(query, limit) {
      const q = query.trim();
      const grams = searchGrams(q);
      const code = q.replace(/\s/g, '').toUpperCase();
      const rows = await db
        .select()
        .from(targets)
        .where(or(eq(targets.code, code), arrayContains(targets.searchGrams, grams)))
        .orderBy(desc(targets.active), sql`length(${targets.name})`, asc(targets.name))
        .limit(CANDIDATES);
      // The pieces may all occur without the query occurring in a row: keep names that contain it (compared
      // the way the pieces were made, so brackets and width do not matter).
      const wanted = searchText(q);
      const hits = rows.filter((r) => r.code === code || searchText(r.name).includes(wanted));
      return { more: hits.length > limit, targets: hits.slice(0, limit).map(toTarget) };
    },
    async count() {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(targets);
      return Number(row?.n ?? 0);
    },
    async findByCode(code) {
      const [row] = await db.select().from(targets).where(eq(targets.code, code));
      return row && toTarget(row);
    },
  };
}

function toTarget(row: typeof targets.$inferSelect) {
  return {
    id: row.id,
    active: row.active,
    code: row.code,
    codeKind: row.codeKind as TargetRecord['codeKind'],
    name: row.name,
    objectType: row.objectType,
    industry: row.industry,
    area: row.area,
    address: row.address,
    registrationAuthority: row.registrationAuthority,
    jurisdiction: row.jurisdiction,
    riskClass: row.riskClass as TargetRecord['riskClass'],
    status: row.status,
    tags: row.tags,
    lastInspected: row.lastInspected,
  };
}

/** The matters list: upserted on the variant key, like targets on their code. */
export function matterRepo(db: Db, now: () => Date): Repos['matters'] {
  return {
    async upsertMany(rows) {
      const counts = { inserted: 0, updated: 0, unchanged: 0 };
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        const at = now();
        const written = await db
          .insert(matters)
          .values(batch.map((r) => ({ ...r, active: true, updatedAt: at })))
          .onConflictDoUpdate({
            target: matters.variantKey,
            set: {
              seq: sql`excluded.seq`,
              bases: sql`excluded.bases`,
              ratio: sql`excluded.ratio`,
              frequency: sql`excluded.frequency`,
              rowHash: sql`excluded.row_hash`,
              active: true,
              updatedAt: at,
            },
            setWhere: sql`${matters.rowHash} is distinct from excluded.row_hash or not ${matters.active}`,
          })
          .returning({ inserted: sql<boolean>`(xmax = 0)` });
        const inserted = written.filter((w) => w.inserted === true || String(w.inserted) === 'true').length;
        counts.inserted += inserted;
        counts.updated += written.length - inserted;
        counts.unchanged += batch.length - written.length;
      }
      return counts;
    },
    async list(filter = {}) {
      const rows = await db
        .select()
        .from(matters)
        .where(filter.departmentId === undefined ? undefined : eq(matters.departmentId, filter.departmentId))
        .orderBy(asc(matters.departmentId), asc(matters.id));
      return rows.map((r) => ({
        id: r.id,
        departmentId: r.departmentId,
        active: r.active,
        seq: r.seq,
        category: r.category,
        name: r.name,
        targetType: r.targetType,
        level: r.level as 'key' | 'general',
        methods: r.methods,
        subject: r.subject,
        bases: r.bases,
        cooperating: r.cooperating,
        ratio: r.ratio,
        frequency: r.frequency,
      }));
    },
  };
}
