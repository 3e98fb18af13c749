// Scoring a large frozen pool on every core. A target draw ranks every id of its pool by SHA-256
// (domain/draw.ts); on a 3,000,000-line pool that is most of the draw's time, and it splits cleanly: each worker
// takes whole lines of the canonical pool text and returns their `scorePrefix` values in order. The selection
// itself stays in the domain, which gets the same answer with or without these (tested).
//
// The worker is a short script evaluated from a string rather than a module file, so that it runs the same under
// tsx, under the test runner and from the CLI, none of which would hand a `.ts` worker file to plain Node.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { firstUnorderedLine, type PoolColumns, type PoolEntry, parsePool } from '../domain/draw.ts';
import { DomainError } from '../domain/errors.ts';
import { STRATA } from '../domain/plan-record.ts';

/** Below this much pool text (about 100,000 lines), starting workers costs more than it saves. */
export const PARALLEL_FROM = 2_000_000;

// For each line `<id>\t<stratum>\n` of its slice: where the line starts, its stratum's index in `strata`, and the
// `scorePrefix` — the first 52 bits of SHA-256(`<seed><purpose><id>`) as a number, the domain's definition,
// checked against it by the tests. A line that is not a pool line stops the worker with its number. Whether each
// id comes after the one before, by JavaScript's comparison — exactly byte order unless the slice holds a
// surrogate (a character past U+FFFF), which it reports so that the exact check runs instead.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { text, seed, purpose, strata } = workerData;
let lines = 0;
for (let i = text.indexOf('\\n'); i !== -1; i = text.indexOf('\\n', i + 1)) lines++;
const prefixes = new Float64Array(lines);
const codes = new Uint8Array(lines);
const starts = new Uint32Array(lines);
let previous = '';
let ordered = true;
for (let start = 0, n = 0; n < lines; n++) {
  const end = text.indexOf('\\n', start);
  const tab = text.indexOf('\\t', start);
  const code = tab > start && tab < end ? strata.indexOf(text.slice(tab + 1, end)) : -1;
  if (code === -1) throw new Error('line ' + (n + 1) + ' of its slice is not a pool line');
  starts[n] = start;
  codes[n] = code;
  const id = text.slice(start, tab);
  if (n > 0 && !(previous < id)) ordered = false;
  previous = id;
  const d = hash('sha256', seed + purpose + id, 'binary');
  const high = (((d.charCodeAt(0) * 256 + d.charCodeAt(1)) * 256 + d.charCodeAt(2)) * 256 + d.charCodeAt(3)) * 256;
  prefixes[n] = (high + d.charCodeAt(4)) * 4096 + d.charCodeAt(5) * 16 + (d.charCodeAt(6) >> 4);
  start = end + 1;
}
const surrogates = /[\\uD800-\\uDFFF]/.test(text);
parentPort.postMessage({ prefixes, codes, starts, ordered, surrogates }, [prefixes.buffer, codes.buffer, starts.buffer]);
`;

interface Scored {
  prefixes: Float64Array;
  codes: Uint8Array;
  starts: Uint32Array;
  /** Every id after the one before it, as JavaScript compares strings. */
  ordered: boolean;
  /** Some id holds a character past U+FFFF, where that comparison is not byte order. */
  surrogates: boolean;
}

function scoreSlice(text: string, seed: string, purpose: string): Promise<Scored> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { text, seed, purpose, strata: STRATA } });
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

/**
 * A frozen pool's canonical text, ready for `selectTargets`: parsed, or — from `parallelFrom` characters up — read
 * in place by position with every line's `scorePrefix(seed, purpose, id)` computed on the machine's cores. Its
 * order is checked on the way (by the workers, each over its slice, and here where the slices meet): refused
 * unless canonical.
 */
export async function scoredPool(
  text: string,
  seed: string,
  purpose: string,
  parallelFrom = PARALLEL_FROM,
  parts = Math.min(availableParallelism(), 8),
): Promise<{ pool: PoolEntry[] | PoolColumns; prefixes?: Float64Array }> {
  if (text.length < parallelFrom || parts < 2) {
    const pool = parsePool(text);
    refuseUnordered(firstUnorderedLine(text));
    return { pool };
  }
  if (!text.endsWith('\n')) throw new Error('对象池文件应以换行结束');
  // Cut at line ends near equal shares of the text.
  const cuts = [0];
  for (let p = 1; p < parts; p++) {
    const at = text.indexOf('\n', Math.floor((text.length * p) / parts));
    cuts.push(Math.max(cuts.at(-1)!, at === -1 ? text.length : at + 1));
  }
  cuts.push(text.length);
  const slices = await Promise.all(
    cuts.slice(0, -1).map((from, p) => scoreSlice(text.slice(from, cuts[p + 1]), seed, purpose)),
  );
  // The order, from what the workers saw and each slice's first id against the last before it; where that is not
  // exact (a surrogate) or finds a fault, the exact check over the whole text, which names the line.
  const idAt = (at: number) => text.slice(at, text.indexOf('\t', at));
  const lastBefore = (cut: number) => idAt(text.lastIndexOf('\n', cut - 2) + 1);
  const seams = cuts.slice(1, -1).filter((cut) => cut > 0 && cut < text.length);
  const plain =
    slices.every((s) => s.ordered && !s.surrogates) && seams.every((cut) => lastBefore(cut) < idAt(cut));
  if (!plain) refuseUnordered(firstUnorderedLine(text));
  const size = slices.reduce((n, s) => n + s.prefixes.length, 0);
  const prefixes = new Float64Array(size);
  const codes = new Uint8Array(size);
  const starts = new Uint32Array(size);
  let at = 0;
  for (const [p, s] of slices.entries()) {
    prefixes.set(s.prefixes, at);
    codes.set(s.codes, at);
    for (let i = 0; i < s.starts.length; i++) starts[at + i] = s.starts[i]! + cuts[p]!;
    at += s.prefixes.length;
  }
  const pool: PoolColumns = {
    size,
    id: (i) => text.slice(starts[i]!, text.indexOf('\t', starts[i]!)),
    stratum: (i) => STRATA[codes[i]!]!,
    strata: codes,
  };
  return { pool, prefixes };
}
