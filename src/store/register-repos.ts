// The registers (一单两库) in the database: targets and matters. Upserts report what they did: a row whose
// imported fields hash the same as before (and that is active) is left alone, so re-importing a file changes
// nothing.

import { and, arrayContains, asc, desc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { matters, people, personConflicts, personLeaves, targets } from '../../drizzle/schema.ts';
import type { Repos } from '../app/ports.ts';
import { searchKeys, searchText } from '../domain/search-grams.ts';
import type { TargetRecord } from '../domain/target-record.ts';
import { copyInto, type Db } from './db.ts';

/** Rows a name search reads before checking that each name really contains the query. */
const CANDIDATES = 500;

/** Rows per unnest statement (its size is bounded by memory, not by bind parameters). */
const UNNEST_BATCH = 5_000;
/** Joins a row's list values into one text for unnest; a control character no register text contains. */
const SEPARATOR = '\u001f';

/**
 * Loads smaller than this keep the library's large indexes maintained row by row. Above it, and when the load
 * writes at least half as many rows as the library holds, they are dropped inside the import's transaction and
 * built again at its end: maintaining a GIN index for a million new rows costs about three times a fresh build,
 * and a b-tree is built from sorted input in one pass. Searches and draws wait for the import to commit meanwhile
 * (the drop locks the table); an import rolled back restores the indexes with everything else.
 */
const BULK_MIN_ROWS = 50_000;
/** Those indexes, as their migrations define them (0009 and 0022); a test compares the rebuilt definitions. */
const BULK_INDEXES = {
  targets_search_keys_idx: 'on targets using gin (search_keys)',
  targets_pool_order_idx: `on targets (code collate "C")
    include (risk_class, last_inspected, object_type, industry, area, tags) where active and status = '存续'`,
};

/** Rows per statement: PostgreSQL allows 65,535 bind parameters; a target row binds 15. */
const BATCH = 2_000;

export function targetRepo(db: Db, now: () => Date): Repos['targets'] {
  // Repos are made per transaction; the lock below lasts until the transaction ends.
  let library: Promise<'empty' | 'filled'> | undefined;
  return {
    async upsertMany(rows) {
      const counts = { inserted: 0, updated: 0, unchanged: 0 };
      // Imports into the library take turns (readers are not held up): the COPY below relies on no other
      // transaction adding the same code meanwhile. A library empty when locked has nothing to look up.
      library ??= (async () => {
        await db.execute(sql`lock table targets in share row exclusive mode`);
        const [any] = await db.select({ id: targets.id }).from(targets).limit(1);
        return any ? 'filled' : 'empty';
      })();
      const state = await library;
      for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
        const slice = rows.slice(i, i + UNNEST_BATCH);
        if (state === 'empty') {
          await insertTargets(db, slice, now().toISOString());
          counts.inserted += slice.length;
          continue;
        }
        // What the library holds of these codes, by the code index. (Joining the batch to the table instead
        // lets the planner pick a scan of the whole table, which a million-row import then repeats per batch.)
        const known = new Map(
          (
            await db
              .select({ code: targets.code, rowHash: targets.rowHash, active: targets.active })
              .from(targets)
              .where(sql`${targets.code} = any(${sql.param(slice.map((r) => r.code))}::text[])`)
          ).map((k) => [k.code, k]),
        );
        const batch = slice.filter((r) => {
          const k = known.get(r.code);
          return !k || k.rowHash !== r.rowHash || !k.active;
        });
        counts.unchanged += slice.length - batch.length;
        if (batch.length === 0) continue;
        const fresh = batch.filter((r) => !known.has(r.code));
        const changed = batch.filter((r) => known.has(r.code));
        const at = now().toISOString();
        // New codes go in by COPY: the table lock above means nobody else adds them meanwhile.
        await insertTargets(db, fresh, at);
        counts.inserted += fresh.length;
        if (changed.length > 0) {
          const column = <T>(pick: (r: (typeof changed)[number]) => T) => sql.param(changed.map(pick));
          const joined = (list: string[]) => list.join(SEPARATOR);
          // Changed rows: one array parameter per column, unnested into rows (a batch binds 17 values, not tens
          // of thousands). The code list steers the planner to the code index rather than a scan of the table.
          await db.execute(sql`
            update targets t set code_kind = u.code_kind, name = u.name, object_type = u.object_type,
              industry = u.industry, area = u.area, address = u.address,
              registration_authority = u.registration_authority, jurisdiction = u.jurisdiction,
              risk_class = u.risk_class, status = u.status,
              tags = case when u.tags = '' then '{}'::text[] else string_to_array(u.tags, ${SEPARATOR}) end,
              last_inspected = u.last_inspected::date, department_id = u.department_id, row_hash = u.row_hash,
              search_keys = u.search_keys::integer[], active = true, updated_at = ${at}::timestamptz
            from unnest(
              ${column((r) => r.code)}::text[], ${column((r) => r.codeKind)}::text[], ${column((r) => r.name)}::text[],
              ${column((r) => r.objectType)}::text[], ${column((r) => r.industry)}::text[], ${column((r) => r.area)}::text[],
              ${column((r) => r.address)}::text[], ${column((r) => r.registrationAuthority)}::text[],
              ${column((r) => r.jurisdiction)}::text[], ${column((r) => r.riskClass)}::text[], ${column((r) => r.status)}::text[],
              ${column((r) => joined(r.tags))}::text[], ${column((r) => r.lastInspected)}::text[],
              ${column((r) => r.departmentId)}::int[], ${column((r) => r.rowHash)}::text[],
              ${column((r) => `{${searchKeys(r.name).join(',')}}`)}::text[]
            ) as u(code, code_kind, name, object_type, industry, area, address, registration_authority, jurisdiction,
              risk_class, status, tags, last_inspected, department_id, row_hash, search_keys)
            where t.code = any(${column((r) => r.code)}::text[]) and t.code = u.code`);
          counts.updated += changed.length;
        }
      }
      return counts;
    },
    async beginBulkWrite(expectedWrites) {
      if (expectedWrites < BULK_MIN_ROWS) return;
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(targets);
      if (expectedWrites * 2 < Number(row?.n ?? 0)) return;
      for (const name of Object.keys(BULK_INDEXES)) await db.execute(sql.raw(`drop index if exists ${name}`));
    },
    async endBulkWrite() {
      for (const [name, definition] of Object.entries(BULK_INDEXES))
        await db.execute(sql.raw(`create index if not exists ${name} ${definition}`));
    },
    async settle() {
      // Outside any transaction (VACUUM refuses one): marks the pages just written all-visible, so a draw's
      // freeze reads the pool-order index alone, and refreshes the planner's statistics.
      await db.execute(sql`vacuum (analyze) targets`);
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
      const keys = searchKeys(q);
      const code = q.replace(/\s/g, '').toUpperCase();
      const rows = await db
        .select()
        .from(targets)
        .where(or(eq(targets.code, code), arrayContains(targets.searchKeys, keys)))
        .orderBy(desc(targets.active), sql`length(${targets.name})`, asc(targets.name))
        .limit(CANDIDATES);
      // The pieces may all occur without the query occurring in a row: keep names that contain it (compared
      // the way the pieces were made, so brackets and width do not matter).
      const wanted = searchText(q);
      const hits = rows.filter((r) => r.code === code || searchText(r.name).includes(wanted));
      return { more: hits.length > limit, targets: hits.slice(0, limit).map(toTarget) };
    },
    async countByStatus() {
      const rows = await db
        .select({ status: targets.status, count: sql<number>`count(*)::int` })
        .from(targets)
        .where(eq(targets.active, true))
        .groupBy(targets.status)
        .orderBy(targets.status);
      return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
    },
    async countByRisk(scope) {
      // An empty list in the scope means "any".
      const any = (column: AnyPgColumn, values: string[]) =>
        values.length > 0 ? sql`${column} = any(${sql.param(values)}::text[])` : undefined;
      const rows = await db
        .select({ risk: targets.riskClass, count: sql<number>`count(*)::int` })
        .from(targets)
        .where(
          and(
            eq(targets.active, true),
            eq(targets.status, '存续'),
            any(targets.objectType, scope.objectTypes),
            any(targets.industry, scope.industries),
            any(targets.area, scope.areas),
            scope.tags.length > 0 ? sql`${targets.tags} && ${sql.param(scope.tags)}::text[]` : undefined,
          ),
        )
        .groupBy(targets.riskClass);
      return Object.fromEntries(rows.map((r) => [r.risk ?? 'none', Number(r.count)]));
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

/** Appends new targets (codes the library does not hold) by COPY. */
function insertTargets(db: Db, rows: TargetRow[], at: string) {
  return copyInto(
    db,
    'targets',
    [
      'code',
      'code_kind',
      'name',
      'object_type',
      'industry',
      'area',
      'address',
      'registration_authority',
      'jurisdiction',
      'risk_class',
      'status',
      'tags',
      'last_inspected',
      'department_id',
      'row_hash',
      'search_keys',
      'active',
      'updated_at',
    ],
    rows.map((r) => [
      r.code,
      r.codeKind,
      r.name,
      r.objectType,
      r.industry,
      r.area,
      r.address,
      r.registrationAuthority,
      r.jurisdiction,
      r.riskClass,
      r.status,
      r.tags,
      r.lastInspected,
      r.departmentId,
      r.rowHash,
      searchKeys(r.name),
      true,
      at,
    ]),
  );
}

type TargetRow = Parameters<Repos['targets']['upsertMany']>[0][number];

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
              ratioFloor: sql`excluded.ratio_floor`,
              ratioCeiling: sql`excluded.ratio_ceiling`,
              frequency: sql`excluded.frequency`,
              qualificationTags: sql`excluded.qualification_tags`,
              needsExpert: sql`excluded.needs_expert`,
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
        ratioFloor: r.ratioFloor,
        ratioCeiling: r.ratioCeiling,
        frequency: r.frequency,
        qualificationTags: r.qualificationTags,
        needsExpert: r.needsExpert,
      }));
    },
  };
}

/** Inspectors live in `people`; the library's rows are matched on their register key, or adopt a bound person. */
export function inspectorRepo(db: Db): Repos['inspectors'] {
  /** A department's people in the inspector library, still listed there. */
  const activeInspectors = (departmentId: number) =>
    db
      .select()
      .from(people)
      .where(
        and(
          eq(people.departmentId, departmentId),
          eq(people.active, true),
          arrayContains(people.roles, ['inspector']),
        ),
      );
  return {
    async registered() {
      const rows = await db
        .select({ registerKey: people.registerKey, name: people.name })
        .from(people)
        .where(isNotNull(people.registerKey));
      return rows.map((r) => ({ registerKey: r.registerKey!, name: r.name }));
    },
    async addLeave(personId, leave) {
      await db.insert(personLeaves).values({
        personId,
        fromDate: leave.from,
        toDate: leave.to,
        reason: leave.reason,
        createdAt: leave.at,
      });
    },
    async addConflict(personId, conflict) {
      const rows = await db
        .insert(personConflicts)
        .values({
          personId,
          targetCode: conflict.targetCode,
          reason: conflict.reason,
          createdAt: conflict.at,
        })
        .onConflictDoNothing()
        .returning({ id: personConflicts.id });
      return rows.length === 1;
    },
    async conflicts(personId) {
      return db
        .select({ targetCode: personConflicts.targetCode, reason: personConflicts.reason })
        .from(personConflicts)
        .where(eq(personConflicts.personId, personId))
        .orderBy(asc(personConflicts.id));
    },
    async candidates(departmentId) {
      const rows = await activeInspectors(departmentId).orderBy(asc(people.id));
      const ids = rows.map((r) => r.id);
      const leaves = ids.length
        ? await db.select().from(personLeaves).where(inArray(personLeaves.personId, ids))
        : [];
      const conflicts = ids.length
        ? await db.select().from(personConflicts).where(inArray(personConflicts.personId, ids))
        : [];
      return rows.map((p) => ({
        id: p.id,
        name: p.name,
        active: p.active,
        chatPlatform: p.chatPlatform,
        chatUserId: p.chatUserId,
        certificateNo: p.certificateNo,
        certificateValidUntil: p.certificateValidUntil,
        qualificationTags: p.qualificationTags,
        isExpert: p.isExpert,
        area: p.area,
        unit: p.unit,
        leaves: leaves
          .filter((l) => l.personId === p.id)
          .map((l) => ({ from: l.fromDate, to: l.toDate, at: l.createdAt })),
        conflicts: conflicts
          .filter((c) => c.personId === p.id)
          .map((c) => ({ targetCode: c.targetCode, at: c.createdAt })),
      }));
    },
    async list(departmentId) {
      const rows = await activeInspectors(departmentId).orderBy(asc(people.unit), asc(people.name));
      const leaves = rows.length
        ? await db
            .select()
            .from(personLeaves)
            .where(
              inArray(
                personLeaves.personId,
                rows.map((r) => r.id),
              ),
            )
        : [];
      return rows.map((p) => ({
        id: p.id,
        name: p.name,
        unit: p.unit,
        position: p.position,
        certificateNo: p.certificateNo,
        certificateValidUntil: p.certificateValidUntil,
        qualificationTags: p.qualificationTags,
        expertise: p.expertise,
        area: p.area,
        isExpert: p.isExpert,
        bound: p.chatUserId !== null,
        leaves: leaves
          .filter((l) => l.personId === p.id)
          .map((l) => ({ from: l.fromDate, to: l.toDate, reason: l.reason })),
      }));
    },
    async upsertMany(rows) {
      const counts = { inserted: 0, updated: 0, unchanged: 0 };
      const existing = new Map(
        (
          await db
            .select({
              id: people.id,
              key: people.registerKey,
              hash: people.rowHash,
              active: people.active,
              roles: people.roles,
              version: people.version,
            })
            .from(people)
            .where(
              inArray(
                people.registerKey,
                rows.map((r) => r.registerKey),
              ),
            )
        ).map((p) => [p.key!, p]),
      );
      for (const row of rows) {
        const attributes = {
          name: row.name,
          unit: row.unit,
          position: row.position,
          certificateNo: row.certificateNo,
          certificateValidUntil: row.certificateValidUntil,
          qualificationTags: row.qualificationTags,
          expertise: row.expertise,
          area: row.area,
          isExpert: row.isExpert,
          rowHash: row.rowHash,
          active: true,
        };
        const known = existing.get(row.registerKey);
        if (known) {
          if (known.hash === row.rowHash && known.active) {
            counts.unchanged++;
            continue;
          }
          const roles = known.roles.includes('inspector') ? known.roles : [...known.roles, 'inspector'];
          await db
            .update(people)
            .set({ ...attributes, roles, version: known.version + 1 })
            .where(eq(people.id, known.id));
          counts.updated++;
          continue;
        }
        // One record per human: a colleague already bound by name in this department becomes this inspector.
        const candidates = await db
          .select({ id: people.id, roles: people.roles, version: people.version })
          .from(people)
          .where(
            and(
              eq(people.departmentId, row.departmentId),
              eq(people.name, row.name),
              isNull(people.registerKey),
            ),
          );
        if (candidates.length === 1) {
          const [person] = candidates;
          const roles = person!.roles.includes('inspector') ? person!.roles : [...person!.roles, 'inspector'];
          await db
            .update(people)
            .set({ ...attributes, registerKey: row.registerKey, roles, version: person!.version + 1 })
            .where(eq(people.id, person!.id));
          counts.updated++;
          continue;
        }
        await db.insert(people).values({
          ...attributes,
          departmentId: row.departmentId,
          registerKey: row.registerKey,
          roles: ['inspector'],
        });
        counts.inserted++;
      }
      return counts;
    },
  };
}
