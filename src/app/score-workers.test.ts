// Ranking a pool on every core must change nothing but the time: the ranking made from the workers' shortlists is
// the one the domain makes from the parsed pool (domain/draw.ts is the specification).
import { describe, expect, it } from 'vitest';
import {
  assembleSelection,
  canonicalPool,
  type PoolEntry,
  parsePool,
  quotaOf,
  rankTargets,
  type StratumDraw,
  selectTargets,
  sha256,
} from '../domain/draw.ts';
import type { Stratum } from '../domain/plan-record.ts';
import { rankPool } from './score-workers.ts';

/** A pool read as the database hands it out: in slices of `size` bytes, cut anywhere in a line or a character. */
const slicesOf = (bytes: Buffer, size = 4093) => ({
  size: bytes.length,
  slices: (async function* () {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  })(),
});

const CLASSES: Stratum[] = ['A', 'B', 'C', 'D', 'all'];
// Ids of uneven length, a few outside ASCII, so a cut between workers falls anywhere in a line.
const entries: PoolEntry[] = Array.from({ length: 30_011 }, (_, i) => ({
  id: i % 997 === 0 ? `沪食药${i}号` : `91370105MA${String(i * 7919).padStart(i % 3 === 0 ? 9 : 8, '0')}`,
  stratum: CLASSES[i % CLASSES.length]!,
}));
const bytes = canonicalPool(entries);
const text = bytes.toString('utf8');
const pool = parsePool(text);
const seed = sha256('score workers');
const rules = {
  A: { ratio: 3, rounding: 'up' as const },
  B: { ratio: 5, rounding: 'up' as const },
  C: { count: 40 },
  D: { ratio: 20, rounding: 'nearest' as const },
  all: { ratio: 5, rounding: 'down' as const },
};

/** The strata a notice would publish for this pool. */
const strataOf = (entries: readonly PoolEntry[]): StratumDraw[] =>
  CLASSES.map((stratum) => {
    const pool = entries.filter((e) => e.stratum === stratum).length;
    return { stratum, rule: rules[stratum], pool, n: quotaOf(rules[stratum], pool) };
  });
const strata = strataOf(pool);

/** A notice's strata for `n` targets drawn from as one stratum, all of them ranked. */
const allOf = (n: number): StratumDraw[] => [{ stratum: 'all', rule: { count: n }, pool: n, n }];

describe('rankPool', () => {
  it('ranks every stratum as the domain does, when split over three workers or parsed here', async () => {
    const expected = rankTargets(seed, pool, rules);
    const parallel = await rankPool(slicesOf(bytes), seed, strata, 1, 3);
    expect(parallel).toEqual(expected);
    expect(await rankPool(slicesOf(bytes), seed, strata)).toEqual(expected);
    // Read in one slice, the pool is handed to the workers in runs of at most 1 MB.
    const big = canonicalPool(
      Array.from({ length: 60_000 }, (_, i) => ({ id: `91370105MB${i}`, stratum: 'all' })),
    );
    expect(big.length).toBeGreaterThan(1 << 20);
    const all = [{ stratum: 'all' as const, rule: rules.all, pool: 60_000, n: quotaOf(rules.all, 60_000) }];
    expect(await rankPool(slicesOf(big, big.length), seed, all, 1, 2)).toEqual(
      rankTargets(seed, parsePool(big), { all: rules.all }),
    );
    const selection = assembleSelection(parallel, { teams: 7 });
    expect(selection).toEqual(selectTargets(seed, pool, rules, { teams: 7 }));
    expect(selection.picks.length).toBeGreaterThan(1000);
    // Another seed, another draw.
    const other = await rankPool(slicesOf(bytes), sha256('another'), strata, 1, 3);
    expect(assembleSelection(other, { teams: 7 }).picks).not.toEqual(selection.picks);
  });

  it('refuses a pool whose strata are not the sizes the notice published, or that its rules do not cover', async () => {
    const declared = strata.map((s) => (s.stratum === 'B' ? { ...s, pool: s.pool + 1 } : s));
    for (const parallelFrom of [1, Number.POSITIVE_INFINITY]) {
      await expect(rankPool(slicesOf(bytes), seed, declared, parallelFrom, 3)).rejects.toThrow(
        `B 类 ${strata[1]!.pool}、C 类 ${strata[2]!.pool}、D 类 ${strata[3]!.pool}）与抽取公告公布的（全部对象 ${strata[4]!.pool}、A 类 ${strata[0]!.pool}、B 类 ${strata[1]!.pool + 1}、`,
      );
      await expect(rankPool(slicesOf(bytes), seed, strata.slice(1), parallelFrom, 3)).rejects.toThrow(
        '对象池中有“A”分层的对象，但计划没有该分层的比例',
      );
    }
  });

  it('refuses a pool text that is not canonical', async () => {
    await expect(rankPool(slicesOf(Buffer.from(`${text}9137XYZ\tE\n`)), seed, strata, 1, 3)).rejects.toThrow(
      'not a pool line',
    );
  });

  it('checks the order where two workers’ slices meet, and past U+FFFF by bytes, not UTF-16 units', async () => {
    // Ids of one length (23 bytes a line), read in two slices that meet after line 1,001 of 2,000: two runs, one
    // to each worker.
    const even = Array.from({ length: 2000 }, (_, i) => `91370105MA${String(i).padStart(8, '0')}\tall\n`);
    const swapped = [...even];
    [swapped[1000], swapped[1001]] = [swapped[1001]!, swapped[1000]!];
    // Each slice is in order on its own: only the seam between them is not.
    await expect(
      rankPool(slicesOf(Buffer.from(swapped.join('')), 1001 * 23), seed, allOf(2000), 1, 2),
    ).rejects.toThrow('冻结的对象池第 1002 行不符合规范顺序');
    // U+FFFD comes before U+20000 in UTF-8 bytes, after it in UTF-16 units: canonical, so accepted...
    const wide = ['91370105MA00000001', '\uFFFD号', '𠀀号', '𠀀号商行'].map((id) => `${id}\tall\n`);
    const [ranked] = await rankPool(slicesOf(Buffer.from(wide.join(''))), seed, allOf(4), 1, 2);
    expect(ranked!.ranked.map((r) => r.id).sort()).toEqual(
      ['91370105MA00000001', '\uFFFD号', '𠀀号', '𠀀号商行'].sort(),
    );
    // ...and these refused, though JavaScript's comparison calls every pair ordered.
    const turned = ['A', '𠀀', '\uFFFD'].map((id) => `${id}\tall\n`).join('');
    await expect(rankPool(slicesOf(Buffer.from(turned)), seed, allOf(3), 1, 2)).rejects.toThrow(
      '冻结的对象池第 3 行不符合规范顺序',
    );
  });

  it('refuses a pool whose lines are out of byte order or repeat one, with workers or without', async () => {
    const lines = text.split('\n').slice(0, -1);
    const swapped = [...lines];
    [swapped[20_000], swapped[20_001]] = [swapped[20_001]!, swapped[20_000]!];
    const repeated = [...lines.slice(0, 5), lines[4], ...lines.slice(5)];
    for (const [bad, line] of [
      [swapped, 20_002],
      [repeated, 6],
    ] as const) {
      const badText = `${bad.join('\n')}\n`;
      for (const parallelFrom of [1, Number.POSITIVE_INFINITY]) {
        await expect(rankPool(slicesOf(Buffer.from(badText)), seed, strata, parallelFrom, 3)).rejects.toThrow(
          `冻结的对象池第 ${line} 行不符合规范顺序`,
        );
      }
    }
  });
});
