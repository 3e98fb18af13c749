// Ranking a large frozen pool on every core. A target draw scores every id of its pool by SHA-256
// (domain/draw.ts); on a 3,000,000-line pool that is most of the draw's time, and it splits cleanly: the pool is
// read from the database a slice at a time into memory shared with the workers, each run of whole lines handed to
// a worker as soon as it is in, so reading and scoring go on together; each worker scores its lines and keeps,
// per stratum, the shortlist that can hold the lowest; this thread merges the shortlists. The ranking itself is
// the domain's, which gets the same answer with or without these (tested).
//
// The worker is a short script evaluated from a string rather than a module file, so that it runs the same under
// tsx, under the test runner and from the CLI, none of which would hand a `.ts` worker file to plain Node. The
// domain's two selection functions go into it as their own source text, so there is one copy of each.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  firstUnorderedLine,
  kthSmallest,
  parsePool,
  type RankedStratum,
  rankDepth,
  rankShortlists,
  rankTargets,
  type StratumDraw,
  shortlist,
  uncoveredStratum,
} from '../domain/draw.ts';
import { DomainError } from '../domain/errors.ts';
import { STRATA, type Stratum, stratumLabel } from '../domain/plan-record.ts';
import type { PoolSlices } from './ports.ts';

/** Below this many bytes of pool (about 100,000 lines), starting workers costs more than it saves. */
export const PARALLEL_FROM = 2_000_000;

/** The most a worker is handed at a time (about 45,000 lines): smaller than a slice read, so that all share it. */
const RUN_BYTES = 1 << 20;

// Each worker is sent runs of whole lines `<id>\t<stratum>\n` of the pool's bytes, shared with it rather than
// copied, and computes every id's `scorePrefix` — the first 52 bits of SHA-256(`<seed>target<id>`) as a number,
// the domain's definition, checked against it by the tests — hashing the id's own UTF-8 bytes after the seed's,
// with no string made for it. Sent null, it returns per stratum the domain's `shortlist` of all its lines, as
// deep as the draw ranks: where those lines start in the pool, and their prefixes. Only the shortlists come back,
// not a number per line. A line that is not a pool line stops the worker, naming its byte offset. It also says
// how many lines each stratum has, and whether each id of a run comes after the one before in byte order, the
// canonical order.
//
// A worker keeps no number per line either: per stratum, a buffer of candidates twice as deep as the draw ranks.
// When it is full, only those at or under its depth-th lowest prefix stay, and from then on a line over that
// prefix is passed over as it is scored: the depth lowest, and any equal to the last of them, are always among
// those kept, which is all `shortlist` needs. The memory follows the quota, not the pool, and is taken once
// (fresh memory is slow to map on some machines; docs/decisions.md).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
${kthSmallest}
${shortlist}
const { pool, seed, strata, depths } = workerData;
const names = strata.map((name) => Buffer.from(name));
// What is hashed: the seed and purpose, then the id copied in after them; one view per id length. Two such
// inputs, taken in turn, so that the id before is still there to compare with.
const head = Buffer.from(seed + 'target');
const inputs = [new Uint8Array(head.length + 64), new Uint8Array(head.length + 64)];
for (const input of inputs) input.set(head);
const views = [[], []];
const counts = strata.map(() => 0);
// Per stratum ranked: the candidates (where each line starts, its prefix), how many, and the prefix over which
// a line cannot be among the lowest.
const kept = strata.map((_, code) => {
  const room = depths[code] > 0 ? Math.max(2 * depths[code], 1024) : 0;
  return { starts: new Uint32Array(room), prefixes: new Float64Array(room), n: 0, over: Infinity, spare: null };
});
function prune(list, depth) {
  list.spare ??= new Float64Array(list.prefixes.length);
  const scratch = list.spare.subarray(0, list.n);
  scratch.set(list.prefixes.subarray(0, list.n));
  const cut = kthSmallest(scratch, depth - 1);
  let m = 0;
  for (let i = 0; i < list.n; i++) {
    if (list.prefixes[i] <= cut) {
      list.starts[m] = list.starts[i];
      list.prefixes[m++] = list.prefixes[i];
    }
  }
  list.n = m;
  list.over = cut;
  // Only where most of them share one prefix: more room.
  if (m === list.prefixes.length) {
    const starts = new Uint32Array(2 * m);
    const prefixes = new Float64Array(2 * m);
    starts.set(list.starts);
    prefixes.set(list.prefixes);
    Object.assign(list, { starts, prefixes, spare: null });
  }
}
let ordered = true;
function score(from, to) {
  const bytes = new Uint8Array(pool, from, to - from);
  const h = head.length;
  let before = -1;
  for (let start = 0, turn = 0; start < bytes.length; turn ^= 1) {
    // The id, up to the tab, copied in after the seed and compared with the one before as it goes.
    let input = inputs[turn];
    const last = inputs[turn ^ 1];
    let at = start;
    let length = 0;
    let order = before < 0 ? 1 : 0;
    for (let b = bytes[at]; b !== 9 && b !== 10 && at < bytes.length; b = bytes[++at]) {
      if (h + length === input.length) {
        const wider = new Uint8Array(2 * input.length);
        wider.set(input);
        input = inputs[turn] = wider;
        views[turn] = [];
        if (last.length < wider.length) {
          const other = new Uint8Array(wider.length);
          other.set(last);
          inputs[turn ^ 1] = other;
          views[turn ^ 1] = [];
        }
      }
      if (order === 0) order = length === before ? 1 : b > last[h + length] ? 1 : b < last[h + length] ? -1 : 0;
      input[h + length++] = b;
    }
    // Still 0: the same id as the one before, or a start of it.
    if (order !== 1) ordered = false;
    // The stratum, up to the end of the line.
    const tab = at;
    let end = tab + 1;
    while (end < bytes.length && bytes[end] !== 10) end++;
    let code = -1;
    if (length > 0 && bytes[tab] === 9 && end < bytes.length) {
      for (let k = 0; k < names.length && code === -1; k++) {
        const name = names[k];
        if (name.length !== end - tab - 1) continue;
        let j = 0;
        while (j < name.length && bytes[tab + 1 + j] === name[j]) j++;
        if (j === name.length) code = k;
      }
    }
    if (code === -1) throw new Error('the line at byte ' + (from + start) + ' of the pool is not a pool line');
    counts[code]++;
    before = length;
    const list = kept[code];
    if (list.prefixes.length > 0) {
      const view = views[turn][length] ?? (views[turn][length] = input.subarray(0, h + length));
      const d = hash('sha256', view, 'binary');
      const high = (((d.charCodeAt(0) * 256 + d.charCodeAt(1)) * 256 + d.charCodeAt(2)) * 256 + d.charCodeAt(3)) * 256;
      const prefix = (high + d.charCodeAt(4)) * 4096 + d.charCodeAt(5) * 16 + (d.charCodeAt(6) >> 4);
      if (prefix <= list.over) {
        list.starts[list.n] = from + start;
        list.prefixes[list.n++] = prefix;
        if (list.n === list.prefixes.length) prune(list, depths[code]);
      }
    }
    start = end + 1;
  }
}
function finish() {
  const lists = kept.map((list, code) => {
    const values = list.prefixes.subarray(0, list.n);
    const at = shortlist(values, depths[code]);
    const out = { starts: new Uint32Array(at.length), prefixes: new Float64Array(at.length) };
    for (let i = 0; i < at.length; i++) {
      out.starts[i] = list.starts[at[i]];
      out.prefixes[i] = values[at[i]];
    }
    return out;
  });
  parentPort.postMessage({ counts, lists, ordered }, lists.flatMap((l) => [l.starts.buffer, l.prefixes.buffer]));
}
parentPort.on('message', (run) => (run === null ? finish() : score(run.from, run.to)));
`;

interface Scored {
  /** Lines per stratum (as `STRATA` orders them). */
  counts: number[];
  /** Per stratum, its shortlist: where each line starts in the pool, and its score prefix. */
  lists: { starts: Uint32Array; prefixes: Float64Array }[];
  /** Every id of each run after the one before it in byte order. */
  ordered: boolean;
}

/** A worker scoring the runs of `pool` it is sent; `finish` asks for its shortlists. */
function scorer(pool: SharedArrayBuffer, seed: string, depths: number[]) {
  const worker = new Worker(WORKER, { eval: true, workerData: { pool, seed, strata: STRATA, depths } });
  const scored = new Promise<Scored>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`score worker stopped with code ${code}`)));
  });
  // A worker that fails while the pool is still being read is reported by `finish`, not left unhandled.
  scored.catch(() => {});
  return {
    score: (from: number, to: number) => worker.postMessage({ from, to }),
    finish: () => {
      worker.postMessage(null);
      return scored;
    },
    stop: () => void worker.terminate(),
  };
}

/** Refuses pool text out of canonical order from `line` (0: none): the pool's hash was taken over these bytes. */
function refuseUnordered(line: number): void {
  if (line > 0)
    throw new DomainError(
      'POOL_NOT_CANONICAL',
      `冻结的对象池第 ${line} 行不符合规范顺序（应按编号的字节顺序升序、不重复），不能据此抽取，请联系管理员。`,
    );
}

/** Refuses a pool whose strata are not the sizes its notice published. */
function refuseResized(ranked: readonly RankedStratum[], declared: readonly StratumDraw[]): void {
  const sizes = (list: readonly { stratum: Stratum; pool: number }[]) =>
    STRATA.map((k) => list.find((s) => s.stratum === k))
      .filter((s) => s !== undefined && s.pool > 0)
      .map((s) => `${stratumLabel(s!.stratum)} ${s!.pool}`)
      .join('、');
  if (sizes(ranked) !== sizes(declared))
    throw new DomainError(
      'POOL_NOT_CANONICAL',
      `冻结的对象池（${sizes(ranked) || '空'}）与抽取公告公布的（${sizes(declared) || '空'}）不一致，不能据此抽取，请联系管理员。`,
    );
}

/** `filled`, refused unless it is the size the pool was said to have. */
function sized(filled: number, pool: PoolSlices): number {
  if (filled !== pool.size) throw new Error(`对象池读出 ${filled} 字节，与记录的 ${pool.size} 字节不符`);
  return filled;
}

/** The slices into `into` from its start; how many bytes they came to (more than it holds: refused). */
async function fill(into: Uint8Array, pool: PoolSlices, each?: (filled: number) => void): Promise<number> {
  let filled = 0;
  for await (const slice of pool.slices) {
    if (filled + slice.length > into.length) throw new Error('对象池比它记录的大小更长');
    into.set(slice, filled);
    filled += slice.length;
    each?.(filled);
  }
  return filled;
}

/**
 * A frozen pool's canonical bytes ranked for the target draw: each of the notice's strata under its rule, as deep
 * as `rankDepth` (the drawn, then the reserve), for the domain's `assembleSelection` — the same ranking as
 * `rankTargets`. From `parallelFrom` bytes up the pool is read into memory shared with workers on the machine's
 * cores, which score each run of lines as it comes in. Refused unless the lines are in canonical order (checked
 * by the workers, each over its runs, and here where the runs meet) and its strata have the sizes the notice
 * published.
 */
export async function rankPool(
  pool: PoolSlices,
  seed: string,
  strata: readonly StratumDraw[],
  parallelFrom = PARALLEL_FROM,
  parts = Math.min(availableParallelism(), 8),
): Promise<RankedStratum[]> {
  const rules = Object.fromEntries(strata.map((s) => [s.stratum, s.rule]));
  if (pool.size < parallelFrom || parts < 2) {
    const bytes = Buffer.allocUnsafe(pool.size);
    const text = bytes.toString('utf8', 0, sized(await fill(bytes, pool), pool));
    const entries = parsePool(text);
    refuseUnordered(firstUnorderedLine(text));
    const ranked = rankTargets(seed, entries, rules);
    refuseResized(ranked, strata);
    return ranked;
  }
  const depths = STRATA.map((k) => {
    const s = strata.find((x) => x.stratum === k);
    return s ? rankDepth(s.rule, s.pool) : 0;
  });
  const shared = new SharedArrayBuffer(pool.size);
  const all = Buffer.from(shared);
  const scorers: ReturnType<typeof scorer>[] = [];
  // Where each run handed out starts: runs go to the workers in turn, whole lines of at most RUN_BYTES (a longer
  // line alone), as soon as they are read.
  const cuts = [0];
  const handOut = (end: number) => {
    for (let from = cuts.at(-1)!; from < end; from = cuts.at(-1)!) {
      const cut = end - from <= RUN_BYTES ? end : all.lastIndexOf(10, from + RUN_BYTES - 1) + 1;
      const to = cut > from ? cut : all.indexOf(10, from) + 1;
      scorers[(cuts.length - 1) % parts]!.score(from, to);
      cuts.push(to);
    }
  };
  let scored: Scored[];
  try {
    // Started here, so that a worker that cannot start leaves none of the others running.
    for (let p = 0; p < parts; p++) scorers.push(scorer(shared, seed, depths));
    const filled = await fill(all, pool, (filled) => handOut(all.lastIndexOf(10, filled - 1) + 1));
    sized(filled, pool);
    if (cuts.at(-1) !== filled) throw new Error('对象池文件应以换行结束');
    scored = await Promise.all(scorers.map((s) => s.finish()));
  } finally {
    for (const s of scorers) s.stop();
  }
  // The order, from what the workers saw and each run's first id against the last before it; where that finds a
  // fault, the check over the whole text, which names the line.
  const idBytes = (at: number) => all.subarray(at, all.indexOf(9, at));
  const lastBefore = (cut: number) => idBytes(all.lastIndexOf(10, cut - 2) + 1);
  const seams = cuts.slice(1, -1);
  const plain =
    scored.every((s) => s.ordered) && seams.every((cut) => Buffer.compare(lastBefore(cut), idBytes(cut)) < 0);
  if (!plain) refuseUnordered(firstUnorderedLine(all.toString('utf8')));
  const ranked: RankedStratum[] = [];
  for (const [k, stratum] of STRATA.entries()) {
    const size = scored.reduce((n, s) => n + s.counts[k]!, 0);
    const rule = rules[stratum];
    if (!rule) {
      if (size > 0) throw uncoveredStratum(stratum);
      continue;
    }
    const lists = scored.map(({ lists }) => ({
      size: lists[k]!.starts.length,
      prefix: (j: number) => lists[k]!.prefixes[j]!,
      id: (j: number) => idBytes(lists[k]!.starts[j]!).toString('utf8'),
    }));
    ranked.push({ stratum, rule, pool: size, ranked: rankShortlists(seed, 'target', lists, depths[k]!) });
  }
  refuseResized(ranked, strata);
  return ranked;
}
