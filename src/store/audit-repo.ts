// The audit chain in the database. Appends take a transaction-scoped advisory lock, so concurrent
// transactions (also from two instances) append one after another and each links to the true head.
import { and, asc, desc, eq } from 'drizzle-orm';
import { auditLog } from '../../drizzle/schema.ts';
import type { Repos } from '../app/ports.ts';
import { type AuditActor, type AuditEntry, type Json, nextEntry } from '../domain/audit-chain.ts';
import { type Db, sql } from './db.ts';

const AUDIT_LOCK_KEY = 7_305_112_027;

type Row = typeof auditLog.$inferSelect;

export function toEntry(row: Row): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor as AuditActor,
    action: row.action,
    subject: row.subject,
    outcome: row.outcome,
    details: row.details as { [key: string]: Json },
    source: row.source,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export function auditRepo(db: Db, now: () => Date, inTransaction: boolean): Repos['audit'] {
  const head = async () => {
    const [row] = await db
      .select({ seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.seq))
      .limit(1);
    return row;
  };
  return {
    async append(record) {
      const write = async (tx: Db) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
        const [last] = await tx
          .select({ seq: auditLog.seq, hash: auditLog.hash })
          .from(auditLog)
          .orderBy(desc(auditLog.seq))
          .limit(1);
        const entry = nextEntry(last, now().toISOString(), record);
        await tx.insert(auditLog).values({
          ...entry,
          actor: entry.actor,
          details: entry.details,
        });
        return entry;
      };
      // Outside a transaction the lock still needs one to be scoped to.
      return inTransaction ? write(db) : db.transaction((tx) => write(tx as unknown as Db));
    },
    head,
    async list(options = {}) {
      const rows = await db
        .select()
        .from(auditLog)
        .where(options.action ? and(eq(auditLog.action, options.action)) : undefined)
        .orderBy(options.limit ? desc(auditLog.seq) : asc(auditLog.seq))
        .limit(options.limit ?? 1_000_000);
      const entries = rows.map(toEntry);
      return options.limit ? entries.reverse() : entries;
    },
  };
}

/** Reads the whole chain in seq order, a page at a time, for verification. */
export async function* readChain(db: Db, pageSize = 5_000): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.seq} > ${after}`)
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    for (const row of rows) yield toEntry(row);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.seq;
  }
}
