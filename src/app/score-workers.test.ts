// Scoring a pool on every core must change nothing but the time: each line read in place is the line parsed, its
// prefix is the domain's, and the selection made with them is the selection made without (domain/draw.ts is the
// specification).
import { describe, expect, it } from 'vitest';
import {
  canonicalPool,
  type PoolColumns,
  type PoolEntry,
  parsePool,
  scorePrefix,
  selectTargets,
  sha256,
} from '../domain/draw.ts';
import type { Stratum } from '../domain/plan-record.ts';
import { scoredPool } from './score-workers.ts';

const CLASSES: Stratum[] = ['A', 'B', 'C', 'D', 'all'];
// Ids of uneven length, a few outside ASCII, so a cut between workers falls anywhere in a line.
const entries: PoolEntry[] = Array.from({ length: 30_011 }, (_, i) => ({
  id: i % 997 === 0 ? `沪食药${i}号` : `91370105MA${String(i * 7919).padStart(i % 3 === 0 ? 9 : 8, '0')}`,
  stratum: CLASSES[i % CLASSES.length]!,
}));
const text = canonicalPool(entries).toString('utf8');
const pool = parsePool(text);
const seed = sha256('score workers');
const rules = {
  A: { ratio: 3, rounding: 'up' as const },
  B: { ratio: 5, rounding: 'up' as const },
  C: { count: 40 },
  D: { ratio: 20, rounding: 'nearest' as const },
  all: { ratio: 5, rounding: 'down' as const },
};

describe('scoredPool', () => {
  it('reads every line in place, with the domain’s score prefix, when split over three workers', async () => {
    const { pool: columns, prefixes } = await scoredPool(text, seed, 'target', 1, 3);
    const read = columns as PoolColumns;
    expect(read.size).toBe(pool.length);
    expect(prefixes).toHaveLength(pool.length);
    pool.forEach((e, i) => {
      const same =
        read.id(i) === e.id &&
        read.stratum(i) === e.stratum &&
        prefixes![i] === scorePrefix(seed, 'target', e.id);
      if (!same) throw new Error(`line ${i + 1}: ${e.id}`);
    });
    // A small pool is simply parsed.
    expect((await scoredPool(text, seed, 'target')).pool).toEqual(pool);
  });

  it('leaves the draw as the domain makes it without workers', async () => {
    const { pool: columns, prefixes } = await scoredPool(text, seed, 'target', 1, 3);
    const fast = selectTargets(seed, columns, rules, { teams: 7 }, prefixes);
    expect(fast).toEqual(selectTargets(seed, pool, rules, { teams: 7 }));
    expect(fast.picks.length).toBeGreaterThan(1000);
    // Prefixes for another seed would change the draw; a wrong count is refused.
    const other = await scoredPool(text, sha256('another'), 'target', 1, 3);
    expect(selectTargets(seed, columns, rules, { teams: 7 }, other.prefixes).picks).not.toEqual(fast.picks);
    expect(() => selectTargets(seed, columns, rules, { teams: 7 }, prefixes!.subarray(1))).toThrow(
      '条数不一致',
    );
  });

  it('refuses a pool text that is not canonical', async () => {
    await expect(scoredPool(`${text}9137XYZ\tE\n`, seed, 'target', 1, 3)).rejects.toThrow('not a pool line');
  });

  it('checks the order where two workers’ slices meet, and past U+FFFF by bytes, not UTF-16 units', async () => {
    // Ids of one length: two workers cut the text after line 1,001 of 2,000 (the line end after the middle).
    const even = Array.from({ length: 2000 }, (_, i) => `91370105MA${String(i).padStart(8, '0')}\tall\n`);
    const swapped = [...even];
    [swapped[1000], swapped[1001]] = [swapped[1001]!, swapped[1000]!];
    // Each slice is in order on its own: only the seam between them is not.
    await expect(scoredPool(swapped.join(''), seed, 'target', 1, 2)).rejects.toThrow(
      '冻结的对象池第 1002 行不符合规范顺序',
    );
    // U+FFFD comes before U+20000 in UTF-8 bytes, after it in UTF-16 units: canonical, so accepted...
    const wide = ['91370105MA00000001', '\uFFFD号', '𠀀号', '𠀀号商行'].map((id) => `${id}\tall\n`);
    const { pool: columns } = await scoredPool(wide.join(''), seed, 'target', 1, 2);
    expect((columns as PoolColumns).size).toBe(4);
    // ...and these refused, though JavaScript's comparison calls every pair ordered.
    const turned = ['A', '𠀀', '\uFFFD'].map((id) => `${id}\tall\n`).join('');
    await expect(scoredPool(turned, seed, 'target', 1, 2)).rejects.toThrow(
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
        await expect(scoredPool(badText, seed, 'target', parallelFrom, 3)).rejects.toThrow(
          `冻结的对象池第 ${line} 行不符合规范顺序`,
        );
      }
    }
  });
});
