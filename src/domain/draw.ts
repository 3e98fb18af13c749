// The verifiable target draw (product.md §4; seed 000 art. 18; seed 002 art. 12): a frozen pool, a seed nobody
// can steer, a selection anyone can recompute from the receipt with no database. Everything here is defined to
// the byte, so that this file is the specification a verifier needs (docs/decisions.md, "Draws").
//
// - Pool: one line per target, `<id>\t<stratum>\n` in UTF-8, lines sorted by id in byte order; the pool hash is
//   SHA-256 of those bytes (lowercase hex). The stratum is part of the line, so a changed credit class changes
//   the hash too.
// - Seed: SHA-256 of `jointcheck-draw/1\n`, `task:<task ref>\n`, `pool:<pool hash>\n`, then one line per input,
//   `<kind>\t<label>\t<SHA-256 of the input's UTF-8 value>\n`, lines sorted in byte order. Inputs enter by their
//   hash, so any text (newlines included) is a valid contribution and the encoding stays unambiguous.
// - Score: SHA-256 of the UTF-8 bytes of `<seed hex><purpose><id>` (purpose `target`), lowercase hex; the
//   seed is always 64 characters, so the concatenation is unambiguous. PostgreSQL's
//   `sha256(convert_to(seed || 'target' || id, 'UTF8'))` orders ids exactly the same way.
// - Selection: within each stratum, ascending score (ties, never seen with SHA-256, by id); the first n are
//   drawn, the rest in the same order are the reserve (递补). Drawn targets are dealt to teams round-robin in
//   ascending score over all strata.
import { hash } from 'node:crypto';
import { drawSize, type Rounding, STRATA, type Stratum } from './plan-record.ts';

export const DRAW_ALGORITHM = 'jointcheck-draw/1';

export const sha256 = (text: string | Buffer) => hash('sha256', text, 'hex');

export interface PoolEntry {
  id: string;
  stratum: Stratum;
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const SAFE = /^[^\t\n\r]+$/;

/** Ids up to this many bytes are radix-sorted (credit codes are 18); a pool with a longer one is compared. */
const LONGEST_RADIX_ID = 64;
/** The strata's names as bytes: a line's stratum is checked in place, with no string made for it. */
const STRATUM_BYTES = STRATA.map((s) => Uint8Array.from(Buffer.from(s, 'utf8')));
function isStratum(bytes: Uint8Array, at: number, length: number): boolean {
  for (const name of STRATUM_BYTES) {
    if (name.length !== length) continue;
    let k = 0;
    while (k < length && bytes[at + k] === name[k]) k++;
    if (k === length) return true;
  }
  return false;
}
const TAB = 9;
const LF = 10;
const CR = 13;

/**
 * The canonical bytes of pool lines given in any order (`<id>\t<stratum>\n` each, UTF-8): the same lines sorted by
 * id in byte order, by an LSD radix sort over the id bytes (0 past the end of a shorter id, which so sorts first).
 * Only the positions where ids differ count, two at a time: one stable counting pass per pair, from the last. Bytes,
 * not strings: 3,000,000 lines go in under a second, where sorting and joining strings took several. Refused where a
 * line is not a pool line or an id repeats.
 */
export function canonicalLines(input: Buffer): Buffer {
  // Plain byte arrays: indexing a Buffer measured two to three times slower in these loops.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.length);
  const size = bytes.length;
  if (size === 0) return Buffer.alloc(0);
  if (size >= 2 ** 32) throw new Error('对象池文件过大');
  if (bytes[size - 1] !== LF) throw new Error('对象池文件应以换行结束');
  // One pass over the bytes: where each line starts, how long its id is, whether its stratum is one we know, and
  // at which positions some id differs from the first (the only positions the sort needs to look at).
  let n = 0;
  for (let k = 0; k < size; k++) if (bytes[k] === LF) n++;
  const starts = new Uint32Array(n + 1);
  const lengths = new Uint32Array(n);
  const varies = new Uint8Array(LONGEST_RADIX_ID);
  let longest = 0;
  for (let i = 0, k = 0; i < n; i++) {
    const start = k;
    while (bytes[k] !== TAB && bytes[k] !== LF && bytes[k] !== CR) k++;
    const tab = k;
    k++;
    while (k < size && bytes[k] !== LF && bytes[k] !== CR && bytes[k] !== TAB) k++;
    const end = k;
    const s = end - tab - 1;
    const known = bytes[tab] === TAB && tab > start && bytes[end] === LF && isStratum(bytes, tab + 1, s);
    if (!known) {
      const stop = input.indexOf(LF, start);
      throw new Error(
        `对象池第 ${i + 1} 行格式不对：“${input.toString('utf8', start, stop === -1 ? size : stop)}”`,
      );
    }
    const length = tab - start;
    starts[i] = start;
    lengths[i] = length;
    if (length > longest) longest = length;
    if (longest <= LONGEST_RADIX_ID) {
      const first = lengths[0]!;
      const shorter = Math.min(length, first);
      for (let x = 0; x < shorter; x++) if (bytes[start + x] !== bytes[x]) varies[x] = 1;
      for (let x = shorter; x < length + first - shorter; x++) varies[x] = 1;
    }
    k = end + 1;
  }
  starts[n] = size;
  let from = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  let to = new Uint32Array(n);
  // Every pass visits every line, so one very long id would make them all slow: beyond that, compare instead.
  const positions: number[] = [];
  if (longest > LONGEST_RADIX_ID) {
    from.sort((a, b) =>
      // buf.compare(target, …, source range) compares the source range (here a) with the target range (b).
      input.compare(input, starts[b], starts[b]! + lengths[b]!, starts[a], starts[a]! + lengths[a]!),
    );
  } else for (let x = 0; x < longest; x++) if (varies[x]) positions.push(x);
  // A digit is two positions' bytes, each 0 past the end of the id or the byte + 1: 257 × 257 values.
  const digit = new Uint32Array(n);
  const count = new Uint32Array(257 * 257 + 1);
  for (let hi = positions.length; hi > 0; hi -= 2) {
    const low = positions[hi - 1]!;
    const high = hi >= 2 ? positions[hi - 2]! : -1;
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const at = starts[i]!;
      const length = lengths[i]!;
      const d =
        (high >= 0 && high < length ? bytes[at + high]! + 1 : 0) * 257 +
        (low < length ? bytes[at + low]! + 1 : 0);
      digit[i] = d;
      count[d + 1]!++;
    }
    for (let b = 1; b < count.length; b++) count[b]! += count[b - 1]!;
    for (let j = 0; j < n; j++) {
      const i = from[j]!;
      to[count[digit[i]!]!++] = i;
    }
    [from, to] = [to, from];
  }
  // Where each line goes in that order, then the lines copied in their own order (reading the input in sequence
  // is several times faster than gathering it in sorted order).
  const to2 = new Uint32Array(n);
  for (let j = 0, w = 0; j < n; j++) {
    const i = from[j]!;
    to2[i] = w;
    w += starts[i + 1]! - starts[i]!;
  }
  const out = new Uint8Array(size);
  for (let i = 0; i < n; i++) {
    let w = to2[i]!;
    const stop = starts[i + 1]!;
    for (let k = starts[i]!; k < stop; k++) out[w++] = bytes[k]!;
  }
  // Two neighbours with the same id are one target twice: read back in order, each id against the one before.
  for (let k = 0, previous = -1, previousLength = 0; k < size; ) {
    let tab = k;
    while (out[tab] !== TAB) tab++;
    const length = tab - k;
    let same = length === previousLength;
    for (let x = 0; same && x < length; x++) same = out[k + x] === out[previous + x];
    if (same)
      throw new Error(`对象编号“${Buffer.from(out.subarray(k, tab)).toString('utf8')}”在对象池中重复`);
    previous = k;
    previousLength = length;
    k = tab + 1;
    while (out[k] !== LF) k++;
    k++;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}

/** The pool's canonical bytes: refused if an id repeats or holds a tab or line break. */
export function canonicalPool(entries: readonly PoolEntry[]): Buffer {
  for (const e of entries) {
    if (!SAFE.test(e.id)) throw new Error(`对象编号“${e.id}”含有制表符或换行，不能进入对象池`);
  }
  return canonicalLines(Buffer.from(entries.map((e) => `${e.id}\t${e.stratum}\n`).join(''), 'utf8'));
}

/**
 * A UTF-16 code unit moved so that comparing units orders strings by code point, as their UTF-8 bytes are ordered:
 * surrogates (U+D800–DFFF, the halves of code points past U+FFFF) go above U+E000–FFFF.
 */
const byCodePoint = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/**
 * The first line (from 1) of pool text whose id does not come strictly after the one before it in byte order —
 * out of order, or the same id again (or that is no `<id>\t…` line at all) — or 0 when the lines are in canonical
 * order. A single pass with no copies, for a pool stored in that order already.
 */
export function firstUnorderedLine(text: string): number {
  for (let start = 0, before = -1, beforeLength = 0, line = 1; start < text.length; line++) {
    const tab = text.indexOf('\t', start);
    const end = text.indexOf('\n', start);
    if (tab === -1 || end === -1 || tab > end) return line;
    const length = tab - start;
    if (before >= 0) {
      const shorter = Math.min(length, beforeLength);
      let k = 0;
      while (k < shorter && text.charCodeAt(start + k) === text.charCodeAt(before + k)) k++;
      const after =
        k < shorter
          ? byCodePoint(text.charCodeAt(start + k)) > byCodePoint(text.charCodeAt(before + k))
          : length > beforeLength;
      if (!after) return line;
    }
    before = start;
    beforeLength = length;
    start = end + 1;
  }
  return 0;
}

const STRATUM_NAMES = new Set<string>(STRATA);

/** Reads pool lines back (a pool file); refused where a line is not `<id>\t<stratum>`. */
export function parsePool(bytes: Buffer | string): PoolEntry[] {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('对象池文件应以换行结束');
  // One pass with indexOf: a 3,000,000-line pool file is read in a fraction of what split() twice takes.
  const entries: PoolEntry[] = [];
  for (let start = 0, line = 1; start < text.length; line++) {
    const end = text.indexOf('\n', start);
    const tab = text.indexOf('\t', start);
    const stratum = tab > start && tab < end ? text.slice(tab + 1, end) : '';
    if (!STRATUM_NAMES.has(stratum)) {
      throw new Error(`对象池文件第 ${line} 行格式不对：“${text.slice(start, end)}”`);
    }
    entries.push({ id: text.slice(start, tab), stratum: stratum as Stratum });
    start = end + 1;
  }
  return entries;
}

export const poolHash = (entries: readonly PoolEntry[]) => sha256(canonicalPool(entries));

/** One input to the seed: the bot's entropy, a department's contribution, or a public beacon's value. */
export interface SeedInput {
  kind: 'bot' | 'contribution' | 'beacon';
  /** Who or what: `entropy`, a department's code, `drand:quicknet:12345678`. */
  label: string;
  value: string;
}

export function seedMaterial(taskRef: string, pool: string, inputs: readonly SeedInput[]): string {
  for (const i of inputs) {
    if (!SAFE.test(i.label)) throw new Error(`种子输入的名称“${i.label}”含有制表符或换行`);
  }
  const lines = inputs.map((i) => `${i.kind}\t${i.label}\t${sha256(i.value)}\n`).sort(byteOrder);
  return `${DRAW_ALGORITHM}\ntask:${taskRef}\npool:${pool}\n${lines.join('')}`;
}

/**
 * What is wrong with a list of seed inputs as a whole: exactly one bot entropy, and each (kind, label) once —
 * otherwise extra inputs could be added until the seed gave a wanted result.
 */
export function inputProblems(inputs: readonly SeedInput[]): string[] {
  const problems: string[] = [];
  const bots = inputs.filter((i) => i.kind === 'bot').length;
  if (bots !== 1) problems.push(`种子输入中应有且只有一项机器人熵值，收据中有 ${bots} 项。`);
  const seen = new Set<string>();
  for (const i of inputs) {
    const key = `${i.kind}\t${i.label}`;
    if (seen.has(key)) problems.push(`种子输入“${i.label}”出现了不止一次。`);
    seen.add(key);
  }
  return problems;
}

export const drawSeed = (taskRef: string, pool: string, inputs: readonly SeedInput[]) =>
  sha256(seedMaterial(taskRef, pool, inputs));

export const score = (seed: string, purpose: string, id: string) => sha256(`${seed}${purpose}${id}`);

export interface Ranked {
  id: string;
  /** The score's leading 52 bits (`scorePrefix`): what ranked ids are ordered by first. */
  prefix: number;
  score: string;
}

/**
 * A ranked id whose whole score is computed when first read: only ids with equal prefixes need it to be ordered,
 * and a 3,000,000-target draw ranks 165,000 ids (hashing each again took a tenth of a second).
 */
class RankedId implements Ranked {
  readonly id: string;
  readonly prefix: number;
  readonly #seed: string;
  readonly #purpose: string;
  #score: string | undefined;
  constructor(seed: string, purpose: string, id: string, prefix: number) {
    this.#seed = seed;
    this.#purpose = purpose;
    this.id = id;
    this.prefix = prefix;
  }
  get score(): string {
    this.#score ??= score(this.#seed, this.#purpose, this.id);
    return this.#score;
  }
}

/** Whether `a` ranks before `b`: the lower score (by prefix, then in full), equal scores by the id's bytes. */
export const ranksBefore = (a: Ranked, b: Ranked) =>
  a.prefix !== b.prefix
    ? a.prefix < b.prefix
    : a.score !== b.score
      ? a.score < b.score
      : byteOrder(a.id, b.id) < 0;

/**
 * A score's leading 52 bits (its first 13 hex digits) as a number, exact in a double: what the selection compares
 * first. The digest is taken as 'binary' (latin1) text, one character a byte: measured faster than hex or a Buffer.
 */
export function scorePrefix(seed: string, purpose: string, id: string): number {
  const d = hash('sha256', `${seed}${purpose}${id}`, 'binary');
  const high =
    (((d.charCodeAt(0) * 256 + d.charCodeAt(1)) * 256 + d.charCodeAt(2)) * 256 + d.charCodeAt(3)) * 256;
  return (high + d.charCodeAt(4)) * 4096 + d.charCodeAt(5) * 16 + (d.charCodeAt(6) >> 4);
}

/**
 * The `k` lowest-scoring ids, in ascending order. Scores are compared first by their leading 52 bits (exact in
 * a double), found by a selection over a Float64Array rather than a sort of every id; only the candidates at or
 * below the k-th value are compared in full.
 */
export function lowest(seed: string, purpose: string, ids: readonly string[], k: number): Ranked[] {
  const prefix = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) prefix[i] = scorePrefix(seed, purpose, ids[i]!);
  const at = shortlist(prefix, k);
  return rankShortlists(
    seed,
    purpose,
    [{ size: at.length, prefix: (j) => prefix[at[j]!]!, id: (j) => ids[at[j]!]! }],
    k,
  );
}

/**
 * The value that would sit at index `k` if `values` were sorted (Hoare's selection; reorders `values`).
 * Self-contained, like `shortlist`: the scoring workers run its source (app/score-workers.ts).
 */
export function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * Where in `prefixes` the `depth` lowest are, with any equal to the last of them: their positions, in ascending
 * prefix (equal prefixes by position). Calls nothing but `kthSmallest`, so that the scoring workers can run it on
 * their part of a pool: the k lowest of a whole pool are among the k lowest of each of its parts.
 *
 * The order without a comparator: the positions dealt into as many buckets as there are of them by their prefix's
 * place between the lowest and the highest (in order of position, so equal prefixes stay so), then one insertion
 * pass, which moves only the few that share a bucket — SHA-256 prefixes are uniform.
 */
export function shortlist(prefixes: Float64Array, depth: number): Uint32Array {
  const n = prefixes.length;
  if (depth <= 0 || n === 0) return new Uint32Array(0);
  const threshold = depth >= n ? Number.POSITIVE_INFINITY : kthSmallest(prefixes.slice(), depth - 1);
  let m = 0;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const p = prefixes[i]!;
    if (p <= threshold) {
      m++;
      if (p < low) low = p;
      if (p > high) high = p;
    }
  }
  const span = high - low + 1;
  const ends = new Uint32Array(m + 1);
  for (let i = 0; i < n; i++) {
    const p = prefixes[i]!;
    if (p <= threshold) ends[Math.min(m - 1, Math.floor(((p - low) / span) * m)) + 1]!++;
  }
  for (let b = 0; b < m; b++) ends[b + 1]! += ends[b]!;
  const at = new Uint32Array(m);
  for (let i = 0; i < n; i++) {
    const p = prefixes[i]!;
    if (p <= threshold) at[ends[Math.min(m - 1, Math.floor(((p - low) / span) * m))]!++] = i;
  }
  for (let j = 1; j < m; j++) {
    const x = at[j]!;
    const p = prefixes[x]!;
    let k = j - 1;
    while (k >= 0 && prefixes[at[k]!]! > p) {
      at[k + 1] = at[k]!;
      k--;
    }
    at[k + 1] = x;
  }
  return at;
}

/** A shortlist read by position (`shortlist`'s order): how many, and each one's score prefix and id. */
export interface Shortlist {
  size: number;
  prefix(j: number): number;
  id(j: number): string;
}

/**
 * The `k` lowest-scoring ids of one pool given as shortlists of its parts, in ascending score. Merged by prefix;
 * equal prefixes, which SHA-256 all but never gives, by the whole score and then the id — over the whole run of
 * them at the cut, which every shortlist holds entire.
 */
export function rankShortlists(
  seed: string,
  purpose: string,
  lists: readonly Shortlist[],
  k: number,
): Ranked[] {
  if (k <= 0) return [];
  // The merge by prefix alone, then the ids of those taken: which list each came from, in order.
  const next = lists.map(() => 0);
  const prefixes: number[] = [];
  const from: number[] = [];
  for (let last = Number.NaN; ; ) {
    let best = -1;
    let low = Number.POSITIVE_INFINITY;
    for (let l = 0; l < lists.length; l++) {
      if (next[l]! < lists[l]!.size) {
        const p = lists[l]!.prefix(next[l]!);
        if (p < low) {
          best = l;
          low = p;
        }
      }
    }
    if (best === -1 || (prefixes.length >= k && low !== last)) break;
    next[best]!++;
    prefixes.push(low);
    from.push(best);
    last = low;
  }
  next.fill(0);
  const ranked: Ranked[] = from.map(
    (l, i) => new RankedId(seed, purpose, lists[l]!.id(next[l]!++), prefixes[i]!),
  );
  for (let at = 0; at < ranked.length; ) {
    let to = at + 1;
    while (to < ranked.length && prefixes[to] === prefixes[at]) to++;
    if (to - at > 1) {
      const run = ranked.slice(at, to);
      run.sort((a, b) => (ranksBefore(a, b) ? -1 : 1));
      ranked.splice(at, to - at, ...run);
    }
    at = to;
  }
  ranked.length = Math.min(ranked.length, k);
  return ranked;
}

/** What a plan draws from a stratum: a ratio under its rounding rule, or a count. */
export type StratumRule = { ratio: number; rounding: Rounding } | { count: number };

export interface StratumDraw {
  stratum: Stratum;
  rule: StratumRule;
  pool: number;
  /** How many the rule draws from this pool. */
  n: number;
}

export const quotaOf = (rule: StratumRule, pool: number) =>
  'ratio' in rule ? drawSize(pool, rule.ratio, rule.rounding) : Math.min(pool, rule.count);

export interface TargetPick {
  id: string;
  stratum: Stratum;
  /** 1-based. */
  team: number;
}

export interface TargetSelection {
  strata: StratumDraw[];
  picks: TargetPick[];
  /** Per stratum, the next targets in order after the picks (at most `reserveSize` each). */
  reserve: Partial<Record<Stratum, Ranked[]>>;
}

/**
 * How many reserve targets a receipt lists per stratum: a tenth of those drawn, at least 10 (replacements are
 * rare: product.md §4.8). The order goes on beyond them, and anyone can extend it from the seed and the pool.
 */
export const reserveSize = (n: number) => Math.max(10, Math.ceil(n / 10));

/** A stratum's ranked ids, the drawn first and then the reserve, however they were ranked (here or in a database). */
export interface RankedStratum {
  stratum: Stratum;
  rule: StratumRule;
  pool: number;
  /** The first `rankDepth(n)` ids of the stratum in ascending score (fewer when the stratum is smaller). */
  ranked: Ranked[];
}

/** How deep a stratum of `pool` targets is ranked under `rule`: the quota and the reserve listed after it. */
export function rankDepth(rule: StratumRule, pool: number): number {
  const n = quotaOf(rule, pool);
  return n + reserveSize(n);
}

/** Draws the first n of each ranked stratum, keeps the rest as its reserve, and deals the picks to teams. */
export function assembleSelection(
  ranked: readonly RankedStratum[],
  split: { teams: number } | { perTeam: number },
): TargetSelection {
  const strata: StratumDraw[] = [];
  const lists: { stratum: Stratum; drawn: Ranked[] }[] = [];
  const reserve: TargetSelection['reserve'] = {};
  for (const stratum of STRATA) {
    const r = ranked.find((x) => x.stratum === stratum);
    if (!r) continue;
    const n = quotaOf(r.rule, r.pool);
    strata.push({ stratum, rule: r.rule, pool: r.pool, n });
    lists.push({ stratum, drawn: r.ranked.slice(0, n) });
    reserve[stratum] = r.ranked.slice(n, n + reserveSize(n));
  }
  // Each stratum's picks are in ascending score already: merged, not sorted again, and dealt as they come.
  const total = lists.reduce((sum, l) => sum + l.drawn.length, 0);
  const teams = 'teams' in split ? split.teams : Math.max(1, Math.ceil(total / split.perTeam));
  const picks: TargetPick[] = [];
  const next = lists.map(() => 0);
  while (picks.length < total) {
    let best = 0;
    let top: Ranked | undefined;
    for (let l = 0; l < lists.length; l++) {
      const x = lists[l]!.drawn[next[l]!];
      if (x && (!top || ranksBefore(x, top))) {
        best = l;
        top = x;
      }
    }
    next[best]!++;
    picks.push({
      id: top!.id,
      stratum: lists[best]!.stratum,
      team: (picks.length % teams) + 1,
    });
  }
  return { strata, picks, reserve };
}

/** A pool holds targets of a stratum its plan draws nothing from: the pool and the rules do not belong together. */
export const uncoveredStratum = (stratum: Stratum) =>
  new Error(`对象池中有“${stratum}”分层的对象，但计划没有该分层的比例`);

/**
 * Each stratum of a pool ranked under its rule, as deep as `rankDepth`: its drawn targets and then its reserve.
 * Refused where the pool holds a stratum the rules do not draw from.
 */
export function rankTargets(
  seed: string,
  pool: readonly PoolEntry[],
  rules: Partial<Record<Stratum, StratumRule>>,
): RankedStratum[] {
  const ranked: RankedStratum[] = [];
  for (const stratum of STRATA) {
    const ids = pool.filter((e) => e.stratum === stratum).map((e) => e.id);
    const rule = rules[stratum];
    if (!rule) {
      if (ids.length > 0) throw uncoveredStratum(stratum);
      continue;
    }
    ranked.push({
      stratum,
      rule,
      pool: ids.length,
      ranked: lowest(seed, 'target', ids, rankDepth(rule, ids.length)),
    });
  }
  return ranked;
}

/**
 * Draws from each stratum by its rule and deals the picks to teams: `teams` teams, or as many teams of
 * `perTeam` targets as the picks need. A large pool is ranked on every core instead (app/score-workers.ts), to
 * the same result.
 */
export function selectTargets(
  seed: string,
  pool: readonly PoolEntry[],
  rules: Partial<Record<Stratum, StratumRule>>,
  split: { teams: number } | { perTeam: number },
): TargetSelection {
  return assembleSelection(rankTargets(seed, pool, rules), split);
}
