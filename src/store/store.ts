// Drizzle implementations of the repository ports. Rows are mapped to the port's plain types, so no
// drizzle type leaves this folder.
import { and, arrayContains, asc, desc, eq, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import {
  calendarOverrides,
  cardCopies,
  chatFiles,
  chatUsers,
  departments,
  inboundEvents,
  outbox,
  people,
  plans,
  settings,
} from '../../drizzle/schema.ts';
import type { ChatRef, OutboxPayload, Person, Plan, Repos, Store } from '../app/ports.ts';
import type { Role } from '../domain/roles.ts';
import { auditRepo } from './audit-repo.ts';
import type { Db } from './db.ts';
import { drawRepo } from './draw-repo.ts';
import { inspectorRepo, matterRepo, targetRepo } from './register-repos.ts';
import { jointPlanRepo, taskRepo } from './task-repos.ts';

/** How long a claimed outbox row stays with its sender before another may retry it. */
const DEFAULT_CLAIM_LEASE_MS = 60_000;

type PersonRow = typeof people.$inferSelect;
const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  departmentId: r.departmentId,
  name: r.name,
  roles: r.roles as Role[],
  chatPlatform: r.chatPlatform,
  chatUserId: r.chatUserId,
  unit: r.unit,
  version: r.version,
});

const departmentColumns = {
  id: departments.id,
  code: departments.code,
  name: departments.name,
  shortName: departments.shortName,
  aliases: departments.aliases,
  units: departments.units,
};

function toPlan(r: typeof plans.$inferSelect): Plan {
  return {
    ...r,
    kind: r.kind as Plan['kind'],
    scope: r.scope as Plan['scope'],
    ratios: r.ratios as Plan['ratios'],
    counts: r.counts as Plan['counts'],
    rounding: r.rounding as Plan['rounding'],
    state: r.state as Plan['state'],
  };
}

function repos(db: Db, now: () => Date, inTransaction: boolean): Repos {
  return {
    departments: {
      list: () => db.select(departmentColumns).from(departments).orderBy(asc(departments.code)),
      async get(id) {
        const [row] = await db.select(departmentColumns).from(departments).where(eq(departments.id, id));
        return row;
      },
      async find(text) {
        const t = text.trim();
        const [row] = await db
          .select(departmentColumns)
          .from(departments)
          .where(
            or(
              eq(departments.code, t),
              eq(departments.name, t),
              eq(departments.shortName, t),
              arrayContains(departments.aliases, [t]),
            ),
          )
          .limit(1);
        return row;
      },
      async create(d) {
        const [row] = await db.insert(departments).values(d).returning(departmentColumns);
        return row!;
      },
      async addNames(id, list, names) {
        const [current] = await db.select(departmentColumns).from(departments).where(eq(departments.id, id));
        const merged = [
          ...new Set([...(current?.[list] ?? []), ...names.map((a) => a.trim()).filter(Boolean)]),
        ];
        const [row] = await db
          .update(departments)
          .set({ [list]: merged })
          .where(eq(departments.id, id))
          .returning(departmentColumns);
        return row!;
      },
    },
    people: {
      async get(id) {
        const [row] = await db.select().from(people).where(eq(people.id, id));
        return row && toPerson(row);
      },
      async findByChatAccount(platform, userId) {
        const [row] = await db
          .select()
          .from(people)
          .where(and(eq(people.chatPlatform, platform), eq(people.chatUserId, userId)));
        return row && toPerson(row);
      },
      async listByDepartment(departmentId) {
        const rows = await db
          .select()
          .from(people)
          .where(eq(people.departmentId, departmentId))
          .orderBy(asc(people.id));
        return rows.map(toPerson);
      },
      async listWithRole(role) {
        const rows = await db
          .select()
          .from(people)
          .where(arrayContains(people.roles, [role]))
          .orderBy(asc(people.id));
        return rows.map(toPerson);
      },
      async listBound() {
        const rows = await db
          .select()
          .from(people)
          .where(isNotNull(people.chatUserId))
          .orderBy(asc(people.departmentId), asc(people.id));
        return rows.map(toPerson);
      },
      async create(p) {
        const [row] = await db
          .insert(people)
          .values({ ...p, boundAt: p.chatUserId ? now() : null })
          .returning();
        return toPerson(row!);
      },
      async update(id, version, patch) {
        const boundAt = patch.chatUserId === undefined ? {} : { boundAt: patch.chatUserId ? now() : null };
        const [row] = await db
          .update(people)
          .set({ ...patch, ...boundAt, version: version + 1 })
          .where(and(eq(people.id, id), eq(people.version, version)))
          .returning();
        return row && toPerson(row);
      },
    },
    chatUsers: {
      async upsert(u) {
        await db
          .insert(chatUsers)
          .values({ ...u, lastSeenAt: now() })
          .onConflictDoUpdate({
            target: [chatUsers.platform, chatUsers.userId],
            set: { displayName: u.displayName, lastSeenAt: now() },
          });
      },
      async get(platform, userId) {
        const [row] = await db
          .select({
            platform: chatUsers.platform,
            userId: chatUsers.userId,
            displayName: chatUsers.displayName,
          })
          .from(chatUsers)
          .where(and(eq(chatUsers.platform, platform), eq(chatUsers.userId, userId)));
        return row;
      },
      list: (platform) =>
        db
          .select({
            platform: chatUsers.platform,
            userId: chatUsers.userId,
            displayName: chatUsers.displayName,
          })
          .from(chatUsers)
          .where(eq(chatUsers.platform, platform))
          .orderBy(asc(chatUsers.userId)),
    },
    audit: auditRepo(db, now, inTransaction),
    outbox: {
      async enqueue(platform, payload, idempotencyKey) {
        await db
          .insert(outbox)
          .values({
            platform,
            op: payload.op,
            target:
              payload.op === 'send'
                ? payload.message.to
                : { messageId: payload.messageId ?? payload.messageKey },
            payload,
            idempotencyKey,
            nextAttemptAt: now(),
          })
          .onConflictDoNothing({ target: outbox.idempotencyKey });
      },
    },
    inbound: {
      async accept(key, payload) {
        const rows = await db
          .insert(inboundEvents)
          .values({
            key,
            receivedAt: now(),
            updatedAt: now(),
            ...(payload === undefined ? {} : { status: 'processing', payload }),
          })
          .onConflictDoNothing()
          .returning({ key: inboundEvents.key });
        return rows.length === 1;
      },
      async finish(key) {
        await db
          .update(inboundEvents)
          .set({ status: 'done', payload: null, updatedAt: now() })
          .where(eq(inboundEvents.key, key));
      },
      async claimStale(olderThan, limit) {
        const due = db
          .select({ key: inboundEvents.key })
          .from(inboundEvents)
          .where(and(eq(inboundEvents.status, 'processing'), lte(inboundEvents.updatedAt, olderThan)))
          .orderBy(asc(inboundEvents.receivedAt))
          .limit(limit)
          .for('update', { skipLocked: true });
        return db
          .update(inboundEvents)
          .set({ updatedAt: now(), attempts: sql`${inboundEvents.attempts} + 1` })
          .where(inArray(inboundEvents.key, due))
          .returning({
            key: inboundEvents.key,
            payload: inboundEvents.payload,
            attempts: inboundEvents.attempts,
          });
      },
    },
    targets: targetRepo(db, now),
    matters: matterRepo(db, now),
    inspectors: inspectorRepo(db),
    jointPlans: jointPlanRepo(db, now),
    tasks: taskRepo(db, now),
    draws: drawRepo(db),
    chatFiles: {
      async add(f) {
        await db
          .insert(chatFiles)
          .values({ ...f, receivedAt: now() })
          .onConflictDoNothing();
      },
      async latest(platform, chatId, senderId, since) {
        const [row] = await db
          .select()
          .from(chatFiles)
          .where(
            and(
              eq(chatFiles.platform, platform),
              eq(chatFiles.chatId, chatId),
              eq(chatFiles.senderId, senderId),
              sql`${chatFiles.receivedAt} >= ${since.toISOString()}::timestamptz`,
            ),
          )
          .orderBy(desc(chatFiles.receivedAt))
          .limit(1);
        return row;
      },
    },
    plans: {
      async create(p) {
        const [row] = await db
          .insert(plans)
          .values({ ...p, state: 'draft', updatedAt: now() })
          .returning();
        return toPlan(row!);
      },
      async get(id) {
        const [row] = await db.select().from(plans).where(eq(plans.id, id));
        return row && toPlan(row);
      },
      async list(filter) {
        const rows = await db
          .select()
          .from(plans)
          .where(
            and(
              filter.year === undefined ? undefined : eq(plans.year, filter.year),
              filter.departmentId === undefined
                ? undefined
                : or(
                    eq(plans.leadDepartmentId, filter.departmentId),
                    arrayContains(plans.participantIds, [filter.departmentId]),
                  ),
            ),
          )
          .orderBy(desc(plans.year), asc(plans.id));
        return rows.map(toPlan);
      },
      async update(id, version, patch) {
        const [row] = await db
          .update(plans)
          .set({ ...patch, version: sql`${plans.version} + 1`, updatedAt: now() })
          .where(and(eq(plans.id, id), eq(plans.version, version)))
          .returning();
        return row && toPlan(row);
      },
      async latestRevision(id) {
        let [current] = await db.select().from(plans).where(eq(plans.id, id));
        for (;;) {
          const [newer] = await db.select().from(plans).where(eq(plans.revisesId, current!.id));
          if (!newer) return toPlan(current!);
          current = newer;
        }
      },
    },
    cardCopies: {
      async add(subject, platform, copy) {
        const ref = 'outboxKey' in copy ? `key:${copy.outboxKey}` : `msg:${copy.messageId}`;
        await db.insert(cardCopies).values({ subject, platform, ref }).onConflictDoNothing();
      },
      async list(subject) {
        const rows = await db
          .select({ platform: cardCopies.platform, ref: cardCopies.ref })
          .from(cardCopies)
          .where(eq(cardCopies.subject, subject))
          .orderBy(asc(cardCopies.createdAt));
        return rows.map((r) =>
          r.ref.startsWith('key:')
            ? { platform: r.platform, outboxKey: r.ref.slice(4) }
            : { platform: r.platform, messageId: r.ref.slice(4) },
        );
      },
    },
    calendar: {
      async overrides() {
        const rows = await db.select().from(calendarOverrides).orderBy(asc(calendarOverrides.date));
        const years = new Map<number, { offDays: string[]; workDays: string[] }>();
        for (const r of rows) {
          const y = years.get(r.year) ?? { offDays: [], workDays: [] };
          years.set(r.year, y);
          (r.off ? y.offDays : y.workDays).push(r.date);
        }
        return [...years].map(([year, y]) => ({ year, ...y, source: 'override' as const }));
      },
      async replaceYear(schedule) {
        await db.delete(calendarOverrides).where(eq(calendarOverrides.year, schedule.year));
        await db
          .insert(calendarOverrides)
          .values([
            ...schedule.offDays.map((date) => ({ year: schedule.year, date, off: true })),
            ...schedule.workDays.map((date) => ({ year: schedule.year, date, off: false })),
          ]);
      },
    },
    settings: {
      async get<T>(key: string) {
        const [row] = await db.select().from(settings).where(eq(settings.key, key));
        return row?.value as T | undefined;
      },
      async set(key, value) {
        await db
          .insert(settings)
          .values({ key, value, updatedAt: now() })
          .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now() } });
      },
    },
  };
}

export function createStore(
  db: Db,
  now: () => Date = () => new Date(),
  options: { claimLeaseMs?: number } = {},
): Store {
  const leaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  return {
    ...repos(db, now, false),
    transaction: (fn) => db.transaction((tx) => fn(repos(tx as unknown as Db, now, true))),
    outboxSender: {
      async claim(platform, limit, at) {
        // SKIP LOCKED: several senders (instances) may drain one outbox; each row goes to one of them.
        const due = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            and(
              eq(outbox.platform, platform),
              inArray(outbox.status, ['pending', 'sending']),
              lte(outbox.nextAttemptAt, at),
            ),
          )
          .orderBy(asc(outbox.id))
          .limit(limit)
          .for('update', { skipLocked: true });
        const rows = await db
          .update(outbox)
          .set({
            status: 'sending',
            attempts: sql`${outbox.attempts} + 1`,
            nextAttemptAt: new Date(at.getTime() + leaseMs),
          })
          .where(inArray(outbox.id, due))
          .returning({
            id: outbox.id,
            idempotencyKey: outbox.idempotencyKey,
            payload: outbox.payload,
            attempts: outbox.attempts,
            createdAt: outbox.createdAt,
          });
        return rows.sort((a, b) => a.id - b.id).map((r) => ({ ...r, payload: r.payload as OutboxPayload }));
      },
      async markSent(id, messageId, at) {
        await db
          .update(outbox)
          .set({ status: 'sent', messageId, sentAt: at, lastError: null })
          .where(eq(outbox.id, id));
      },
      async markRetry(id, error, nextAttemptAt) {
        await db
          .update(outbox)
          .set({ status: 'pending', lastError: error, nextAttemptAt })
          .where(eq(outbox.id, id));
      },
      async markFailed(id, error, status = 'failed') {
        await db.update(outbox).set({ status, lastError: error }).where(eq(outbox.id, id));
      },
      async messageIdForKey(key) {
        const [row] = await db
          .select({ messageId: outbox.messageId })
          .from(outbox)
          .where(and(eq(outbox.idempotencyKey, key), eq(outbox.status, 'sent')));
        return row?.messageId ?? undefined;
      },
      async findSent(messageId) {
        const [row] = await db
          .select({ target: outbox.target, sentAt: outbox.sentAt })
          .from(outbox)
          .where(and(eq(outbox.messageId, messageId), eq(outbox.op, 'send'), eq(outbox.status, 'sent')))
          .limit(1);
        return row?.sentAt ? { to: row.target as ChatRef, sentAt: row.sentAt } : undefined;
      },
      async replacePayload(id, payload, at) {
        await db
          .update(outbox)
          .set({ payload, status: 'pending', nextAttemptAt: at })
          .where(eq(outbox.id, id));
      },
      listUndelivered: (limit) =>
        db
          .select({
            id: outbox.id,
            platform: outbox.platform,
            status: outbox.status,
            lastError: outbox.lastError,
            createdAt: outbox.createdAt,
          })
          .from(outbox)
          .where(inArray(outbox.status, ['failed', 'unknown']))
          .orderBy(desc(outbox.id))
          .limit(limit),
      async pendingCount(platform) {
        const [row] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(outbox)
          .where(and(eq(outbox.platform, platform), inArray(outbox.status, ['pending', 'sending'])));
        return Number(row?.n ?? 0);
      },
    },
  };
}
