// Ranking a large frozen pool on every core. A target draw scores every id of its pool by SHA-256
// (domain/draw.ts); on a 3,000,000-line pool that is most of the draw's time, and it splits cleanly: each worker
// takes whole lines of the canonical pool's bytes, scores them and keeps, per stratum, the shortlist that can hold
// the lowest; this thread merges the shortlists. The ranking itself is the domain's, which gets the same answer
// with or without these (tested).
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

/** Below this much pool text (about 100,000 lines), starting workers costs more than it saves. */
export const PARALLEL_FROM = 2_000_000;

// Each worker reads whole lines `<id>\t<stratum>\n` of its slice of the pool's bytes, shared with it rather than
// copied, and computes every id's `scorePrefix` — the first 52 bits of SHA-256(`<seed>target<id>`) as a number,
// the domain's definition, checked against it by the tests — hashing the id's own UTF-8 bytes after the seed's,
// with no string made for it; then, per stratum, the domain's `shortlist` of its part as deep as the draw ranks:
// where those lines start in the whole pool, and their prefixes. Only the shortlists come back, not a number per
// line. A line that is not a pool line stops the worker with its number. It also says how many lines each stratum
// has, and whether each id comes after the one before in byte order, the canonical order.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
${kthSmallest}
${shortlist}
const { pool, from, to, seed, strata, depths } = workerData;
const bytes = new Uint8Array(pool, from, to - from);
const names = strata.map((name) => Buffer.from(name));
// The stratum between two places of the slice, as its index in strata (-1: none).
function stratumAt(a, b) {
  for (let k = 0; k < names.length; k++) {
    const name = names[k];
    if (name.length !== b - a) continue;
    let j = 0;
    while (j < name.length && bytes[a + j] === name[j]) j++;
    if (j === name.length) return k;
  }
  return -1;
}
// What is hashed: the seed and purpose, then the id copied in after them; one view per id length.
const head = Buffer.from(seed + 'target');
let input = new Uint8Array(head.length + 64);
input.set(head);
let views = [];
let lines = 0;
for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
const prefixes = new Float64Array(lines);
const codes = new Uint8Array(lines);
const starts = new Uint32Array(lines);
const counts = strata.map(() => 0);
let ordered = true;
for (let start = 0, before = -1, beforeLength = 0, n = 0; n < lines; n++) {
  const end = bytes.indexOf(10, start);
  const tab = bytes.indexOf(9, start);
  const code = tab > start && tab < end ? stratumAt(tab + 1, end) : -1;
  if (code === -1) throw new Error('line ' + (n + 1) + ' of its slice is not a pool line');
  starts[n] = start;
  codes[n] = code;
  counts[code]++;
  const length = tab - start;
  if (before >= 0) {
    const shorter = Math.min(length, beforeLength);
    let k = 0;
    while (k < shorter && bytes[start + k] === bytes[before + k]) k++;
    if (!(k < shorter ? bytes[start + k] > bytes[before + k] : length > beforeLength)) ordered = false;
  }
  before = start;
  beforeLength = length;
  if (head.length + length > input.length) {
    input = new Uint8Array(head.length + length);
    input.set(head);
    views = [];
  }
  for (let k = 0; k < length; k++) input[head.length + k] = bytes[start + k];
  const view = views[length] ?? (views[length] = input.subarray(0, head.length + length));
  const d = hash('sha256', view, 'binary');
  const high = (((d.charCodeAt(0) * 256 + d.charCodeAt(1)) * 256 + d.charCodeAt(2)) * 256 + d.charCodeAt(3)) * 256;
  prefixes[n] = (high + d.charCodeAt(4)) * 4096 + d.charCodeAt(5) * 16 + (d.charCodeAt(6) >> 4);
  start = end + 1;
}
const lists = strata.map((_, code) => {
  if (!(depths[code] > 0) || counts[code] === 0) return { starts: new Uint32Array(0), prefixes: new Float64Array(0) };
  const mine = new Uint32Array(counts[code]);
  const values = new Float64Array(counts[code]);
  for (let n = 0, j = 0; n < lines; n++) {
    if (codes[n] === code) {
      mine[j] = n;
      values[j++] = prefixes[n];
    }
  }
  const at = shortlist(values, depths[code]);
  const out = { starts: new Uint32Array(at.length), prefixes: new Float64Array(at.length) };
  for (let j = 0; j < at.length; j++) {
    out.starts[j] = from + starts[mine[at[j]]];
    out.prefixes[j] = values[at[j]];
  }
  return out;
});
parentPort.postMessage(
  { counts, lists, ordered },
  lists.flatMap((l) => [l.starts.buffer, l.prefixes.buffer]),
);
`;

interface Scored {
  /** Lines per stratum (as `STRATA` orders them). */
  counts: number[];
  /** Per stratum, its shortlist: where each line starts in the whole text, and its score prefix. */
  lists: { starts: Uint32Array; prefixes: Float64Array }[];
  /** Every id after the one before it in byte order. */
  ordered: boolean;
}

function scoreSlice(
  pool: SharedArrayBuffer,
  from: number,
  to: number,
  seed: string,
  depths: number[],
): Promise<Scored> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { pool, from, to, seed, strata: STRATA, depths },
    });
    worker.once('message', (out: Scored) => {
      resolve(out);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`score worker stopped with code ${code}`));
    });
  });
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

/**
 * A frozen pool's canonical bytes ranked for the target draw: each of the notice's strata under its rule, as deep
 * as `rankDepth` (the drawn, then the reserve), for the domain's `assembleSelection` — the same ranking as
 * `rankTargets`. From `parallelFrom` bytes up the pool is shared with workers on the machine's cores, which read
 * it in place. Refused unless the lines are in canonical order (checked by the workers, each over its slice, and
 * here where the slices meet) and its strata have the sizes the notice published.
 */
export async function rankPool(
  bytes: Uint8Array,
  seed: string,
  strata: readonly StratumDraw[],
  parallelFrom = PARALLEL_FROM,
  parts = Math.min(availableParallelism(), 8),
): Promise<RankedStratum[]> {
  const rules = Object.fromEntries(strata.map((s) => [s.stratum, s.rule]));
  const textOf = () => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  if (bytes.length < parallelFrom || parts < 2) {
    const text = textOf();
    const pool = parsePool(text);
    refuseUnordered(firstUnorderedLine(text));
    const ranked = rankTargets(seed, pool, rules);
    refuseResized(ranked, strata);
    return ranked;
  }
  if (bytes.at(-1) !== 10) throw new Error('对象池文件应以换行结束');
  // One copy, shared by every worker: a copy each would be as many again.
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  const all = Buffer.from(shared.buffer);
  // Cut at line ends near equal shares of the pool.
  const cuts = [0];
  for (let p = 1; p < parts; p++) {
    const at = all.indexOf(10, Math.floor((all.length * p) / parts));
    cuts.push(Math.max(cuts.at(-1)!, at === -1 ? all.length : at + 1));
  }
  cuts.push(all.length);
  const depths = STRATA.map((k) => {
    const s = strata.find((x) => x.stratum === k);
    return s ? rankDepth(s.rule, s.pool) : 0;
  });
  const slices = await Promise.all(
    cuts.slice(0, -1).map((from, p) => scoreSlice(shared.buffer, from, cuts[p + 1]!, seed, depths)),
  );
  // The order, from what the workers saw and each slice's first id against the last before it; where that finds
  // a fault, the check over the whole text, which names the line.
  const idBytes = (at: number) => all.subarray(at, all.indexOf(9, at));
  const lastBefore = (cut: number) => idBytes(all.lastIndexOf(10, cut - 2) + 1);
  const seams = cuts.slice(1, -1).filter((cut) => cut > 0 && cut < all.length);
  const plain =
    slices.every((s) => s.ordered) && seams.every((cut) => Buffer.compare(lastBefore(cut), idBytes(cut)) < 0);
  if (!plain) refuseUnordered(firstUnorderedLine(textOf()));
  const ranked: RankedStratum[] = [];
  for (const [k, stratum] of STRATA.entries()) {
    const pool = slices.reduce((n, s) => n + s.counts[k]!, 0);
    const rule = rules[stratum];
    if (!rule) {
      if (pool > 0) throw uncoveredStratum(stratum);
      continue;
    }
    const lists = slices.map(({ lists }) => ({
      size: lists[k]!.starts.length,
      prefix: (j: number) => lists[k]!.prefixes[j]!,
      id: (j: number) => idBytes(lists[k]!.starts[j]!).toString('utf8'),
    }));
    ranked.push({ stratum, rule, pool, ranked: rankShortlists(seed, 'target', lists, depths[k]!) });
  }
  refuseResized(ranked, strata);
  return ranked;
}
