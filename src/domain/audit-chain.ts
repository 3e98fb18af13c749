// The audit chain: each entry stores the previous entry's hash and its own, SHA-256 over a canonical
// JSON of the entry (keys sorted at every level, no whitespace, UTF-8). Changing, removing or reordering
// any entry breaks the chain from that entry on; publishing the head hash (in draw receipts and digests)
// also exposes a rewrite of the whole chain.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface AuditActor {
  /** `user` for a chat user, `cli` for the command line, `system` for the bot itself. */
  kind: 'user' | 'cli' | 'system';
  id: string;
  name?: string;
  personId?: number;
}

/** What a caller supplies; the chain adds seq, at and the hashes. */
export interface AuditRecord {
  actor: AuditActor;
  action: string;
  subject?: string | null;
  outcome: 'ok' | 'refused' | 'failed';
  details?: { [key: string]: Json };
  /** The message or card action that caused it. */
  source?: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: AuditActor;
  action: string;
  subject: string | null;
  outcome: string;
  details: { [key: string]: Json };
  source: string | null;
  prevHash: string;
  hash: string;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
}

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, subject, outcome, details, source, prevHash } = entry;
  const body = canonicalJson({ seq, at, actor, action, subject, outcome, details, source, prevHash });
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** Builds the next entry of a chain whose head is `head` (undefined for an empty chain). */
export function nextEntry(
  head: { seq: number; hash: string } | undefined,
  at: string,
  r: AuditRecord,
): AuditEntry {
  const unhashed = {
    seq: (head?.seq ?? 0) + 1,
    at,
    actor: r.actor,
    action: r.action,
    subject: r.subject ?? null,
    outcome: r.outcome,
    details: r.details ?? {},
    source: r.source ?? null,
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: hashEntry(unhashed) };
}

export type ChainProblem =
  | { kind: 'missing'; seq: number }
  | { kind: 'changed'; seq: number }
  | { kind: 'unlinked'; seq: number }
  | { kind: 'head-not-found'; head: string };

export interface ChainReport {
  ok: boolean;
  count: number;
  head: { seq: number; hash: string } | undefined;
  problem?: ChainProblem;
}

/**
 * Checks a chain one entry at a time, in stored seq order, and names the first bad entry.
 * `knownHeads` are head hashes published earlier (in receipts, digests): each must still be in the chain,
 * or the chain was rewritten. Removing only the newest entries is visible through published heads alone.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private readonly seen = new Set<string>();
  count = 0;
  problem: ChainProblem | undefined;

  constructor(private readonly knownHeads: readonly string[] = []) {}

  /** Returns false once a problem is found (later entries need not be read). */
  push(entry: AuditEntry): boolean {
    if (this.problem) return false;
    this.count++;
    const { hash, ...unhashed } = entry;
    if (entry.seq !== this.expectedSeq) this.problem = { kind: 'missing', seq: this.expectedSeq };
    else if (hashEntry(unhashed) !== hash) this.problem = { kind: 'changed', seq: entry.seq };
    else if (entry.prevHash !== this.prevHash) this.problem = { kind: 'unlinked', seq: entry.seq };
    if (this.problem) return false;
    if (this.knownHeads.length > 0) this.seen.add(hash);
    this.prevHash = hash;
    this.expectedSeq++;
    return true;
  }

  finish(): ChainReport {
    if (this.problem) return { ok: false, count: this.count, head: undefined, problem: this.problem };
    const head = this.count === 0 ? undefined : { seq: this.expectedSeq - 1, hash: this.prevHash };
    const lost = this.knownHeads.find((h) => !this.seen.has(h));
    if (lost) return { ok: false, count: this.count, head, problem: { kind: 'head-not-found', head: lost } };
    return { ok: true, count: this.count, head };
  }
}

export function verifyChain(entries: Iterable<AuditEntry>, knownHeads: readonly string[] = []): ChainReport {
  const verifier = new ChainVerifier(knownHeads);
  for (const entry of entries) if (!verifier.push(entry)) break;
  return verifier.finish();
}

export function describeProblem(problem: ChainProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `第 ${problem.seq} 条记录缺失（被删除或序号被改动）`;
    case 'changed':
      return `第 ${problem.seq} 条记录的内容被修改（或与其他记录调换了位置）`;
    case 'unlinked':
      return `第 ${problem.seq} 条记录与前一条不衔接（前一条被替换或顺序被调换）`;
    case 'head-not-found':
      return `已公布的链头 ${problem.head.slice(0, 16)}… 不在当前审计链中：整条链可能被重写`;
  }
}
