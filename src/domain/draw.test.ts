// The target draw (product.md §4): the same inputs give the same picks whatever the pool's order; each stratum
// draws exactly its quota; every target is equally likely; the reserve continues the same order; a receipt
// re-checks with no database and names whatever was changed in it.
import { describe, expect, it } from 'vitest';
import {
  canonicalLines,
  canonicalPool,
  drawSeed,
  firstUnorderedLine,
  inputProblems,
  lowest,
  type PoolEntry,
  parsePool,
  poolHash,
  type Ranked,
  rankShortlists,
  type SeedInput,
  score,
  scorePrefix,
  selectTargets,
  sha256,
  shortlist,
} from './draw.ts';
import { type DrawReceipt, drawTargets, verifyReceipt } from './draw-receipt.ts';
import type { Stratum } from './plan-record.ts';

/** A pool of `n` codes shaped like 统一社会信用代码, spread over classes as given. */
function makePool(n: number, strata: Stratum[] = ['all']): PoolEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `91370105MA${String(i).padStart(8, '0')}`,
    stratum: strata[i % strata.length]!,
  }));
}

/** A fixed shuffle (no Math.random: the test must not depend on luck). */
function shuffled<T>(items: readonly T[], salt: string): T[] {
  return [...items]
    .map((item, i) => ({ item, key: sha256(`${salt}${i}`) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((x) => x.item);
}

const inputs: SeedInput[] = [
  { kind: 'contribution', label: 'swj', value: '区商务局：20271103' },
  { kind: 'beacon', label: 'drand:quicknet:1234567', value: 'ab'.repeat(32) },
];

describe('the pool and the seed', () => {
  it('hashes the pool the same in any order, and refuses a repeated id', () => {
    const pool = makePool(50, ['A', 'B']);
    expect(poolHash(shuffled(pool, 'x'))).toBe(poolHash(pool));
    expect(canonicalPool(pool.slice(0, 2)).toString()).toBe('91370105MA00000000\tA\n91370105MA00000001\tB\n');
    expect(parsePool(canonicalPool(pool))).toEqual([...pool].sort((a, b) => (a.id < b.id ? -1 : 1)));
    // A changed credit class is a different pool.
    expect(poolHash([{ ...pool[0]!, stratum: 'D' }, ...pool.slice(1)])).not.toBe(poolHash(pool));
    expect(() => canonicalPool([pool[0]!, pool[0]!])).toThrow('在对象池中重复');
  });

  it('orders ids in UTF-8 byte order, whatever their length or script', () => {
    // Shared prefixes, shorter ids before their extensions, CJK, a character from U+E000 up, digits and letters.
    const alphabet = ['0', '1', '9', 'A', 'M', 'Z', '沪', '食', '药', '号', '\uE000', '-', 'a'];
    const ids = new Set<string>(['913701', '9137010', '91370105MA0000001', '沪食药123号', '\uFFFD', 'A']);
    for (let i = 0; ids.size < 3000; i++) {
      const h = sha256(`id ${i}`);
      const length = 1 + (Number.parseInt(h.slice(0, 2), 16) % 12);
      let id = i % 3 === 0 ? '913701' : '';
      for (let k = 0; k < length; k++)
        id += alphabet[Number.parseInt(h.slice(2 + 2 * k, 4 + 2 * k), 16) % alphabet.length];
      ids.add(id);
    }
    const list = [...ids];
    const bytes = [...list].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const ordered = (xs: string[]) =>
      parsePool(canonicalPool(shuffled(xs, 'order').map((id) => ({ id, stratum: 'A' as const })))).map(
        (e) => e.id,
      );
    expect(ordered(list)).toEqual(bytes);
    // Beyond U+FFFF (a surrogate pair in UTF-16) code units and bytes disagree: still byte order.
    expect(ordered(['𠀀甲', '\uFFFD乙', '丙'])).toEqual(['丙', '\uFFFD乙', '𠀀甲']);
    // The canonical text is the same whichever order the pool comes in; a line that is not a pool line is refused.
    const pool = list.map((id, i) => ({ id, stratum: (['A', 'all'] as const)[i % 2]! }));
    expect(canonicalPool(shuffled(pool, 'order'))).toEqual(canonicalPool(pool));
    expect(() => canonicalLines(Buffer.from('9137\tA\n9138\tE\n'))).toThrow('对象池第 2 行格式不对');
    // An id too long for the radix passes is sorted by comparison, to the same order.
    const long = [...list, `913701${'长'.repeat(40)}`];
    expect(ordered(long)).toEqual([...long].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(() => canonicalLines(Buffer.from('9137\tA\n9138\tB\n9137\tC\n'))).toThrow('“9137”在对象池中重复');
  });

  it('finds the first line of a pool text out of byte order, or repeated, as the bytes compare', () => {
    // Ids where UTF-16 units and UTF-8 bytes disagree (past U+FFFF against U+E000 up), prefixes, CJK.
    const alphabet = ['0', '9', 'A', 'Z', '沪', '号', '\uE000', '\uFFFD', '𠀀', '😀'];
    const ids = new Set<string>();
    for (let i = 0; ids.size < 2000; i++) {
      const h = sha256(`unordered ${i}`);
      let id = '';
      for (let k = 0; k < 1 + (Number.parseInt(h.slice(0, 2), 16) % 6); k++)
        id += alphabet[Number.parseInt(h.slice(2 + 2 * k, 4 + 2 * k), 16) % alphabet.length];
      ids.add(id);
    }
    const lines = canonicalPool([...ids].map((id) => ({ id, stratum: 'A' as const })))
      .toString('utf8')
      .split('\n')
      .slice(0, -1);
    const text = (xs: string[]) => `${xs.join('\n')}\n`;
    expect(firstUnorderedLine(text(lines))).toBe(0);
    expect(firstUnorderedLine('')).toBe(0);
    // Every neighbouring pair swapped is caught at the second line of the pair; a repeated line likewise.
    for (let i = 0; i + 1 < lines.length; i++) {
      const swapped = [...lines];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      if (firstUnorderedLine(text(swapped)) !== i + 2) throw new Error(`swap at line ${i + 1} not found`);
    }
    expect(firstUnorderedLine(text([...lines.slice(0, 9), lines[8]!, ...lines.slice(9)]))).toBe(10);
    expect(firstUnorderedLine('91\tA\n9\tA\n')).toBe(2);
  });

  it('takes exactly one bot entropy and each other input once', () => {
    const bot = { kind: 'bot' as const, label: 'entropy', value: 'e' };
    const swj = { kind: 'contribution' as const, label: 'swj', value: '1' };
    expect(inputProblems([bot, swj])).toEqual([]);
    expect(inputProblems([swj])).toEqual(['种子输入中应有且只有一项机器人熵值，收据中有 0 项。']);
    expect(inputProblems([bot, { ...bot, label: 'entropy2' }, swj])).toContain(
      '种子输入中应有且只有一项机器人熵值，收据中有 2 项。',
    );
    expect(inputProblems([bot, swj, { ...swj, value: '2' }])).toEqual(['种子输入“swj”出现了不止一次。']);
  });

  it('reads a pool file back only when every line is `<id>\\t<stratum>`', () => {
    expect(parsePool('a\tall\nb\tD\n')).toEqual([
      { id: 'a', stratum: 'all' },
      { id: 'b', stratum: 'D' },
    ]);
    expect(() => parsePool('a\tall')).toThrow('应以换行结束');
    for (const [text, line] of [
      ['a\tall\nb\tall\tx\n', 2],
      ['\tall\n', 1],
      ['a\tE\n', 1],
      ['a\n', 1],
    ] as const) {
      expect(() => parsePool(text)).toThrow(`对象池文件第 ${line} 行格式不对`);
    }
  });

  it('gives one seed for the same inputs in any order; any change to any input changes it', () => {
    const seed = drawSeed('task:1', 'p'.repeat(64), inputs);
    expect(drawSeed('task:1', 'p'.repeat(64), [...inputs].reverse())).toBe(seed);
    expect(drawSeed('task:1', 'p'.repeat(64), [inputs[0]!])).not.toBe(seed);
    expect(
      drawSeed('task:1', 'p'.repeat(64), [{ ...inputs[0]!, value: '区商务局：20271104' }, inputs[1]!]),
    ).not.toBe(seed);
    expect(drawSeed('task:2', 'p'.repeat(64), inputs)).not.toBe(seed);
    expect(drawSeed('task:1', 'q'.repeat(64), inputs)).not.toBe(seed);
    // Text with line breaks is a fine contribution: it enters by its hash.
    expect(() =>
      drawSeed('task:1', 'p'.repeat(64), [{ kind: 'contribution', label: 'x', value: 'a\nb' }]),
    ).not.toThrow();
  });
});

describe('selection', () => {
  const seed = sha256('a seed');
  // A ranked id's score is computed when read: read here, to be compared with the full sort's.
  const idAndScore = (r: Ranked) => ({ id: r.id, score: r.score });

  it('ranks exactly as a full sort by score would', () => {
    const ids = makePool(5000).map((e) => e.id);
    const naive = ids
      .map((id) => ({ id, score: score(seed, 'target', id) }))
      .sort((a, b) => (a.score < b.score ? -1 : 1));
    for (const k of [1, 7, 250, 4999, 5000, 6000]) {
      expect(lowest(seed, 'target', ids, k).map(idAndScore)).toEqual(naive.slice(0, k));
    }
  });

  it('ranks a pool from the shortlists of its parts as from the whole, equal prefixes by the whole score', () => {
    const ids = makePool(3000).map((e) => e.id);
    const naive = ids
      .map((id) => ({ id, score: score(seed, 'target', id) }))
      .sort((a, b) => (a.score < b.score ? -1 : 1));
    // Prefixes cut to a few values, so that runs of equal ones (which SHA-256 all but never gives) fall across
    // parts and across the cut: the ranking must still be the full scores' order.
    for (const coarse of [(p: number) => p, (p: number) => Math.floor(p / 2 ** 49)]) {
      const parts = [ids.slice(0, 1000), ids.slice(1000, 1700), ids.slice(1700)];
      for (const k of [1, 9, 400, 2999, 3000]) {
        const lists = parts.map((part) => {
          const prefixes = Float64Array.from(part, (id) => coarse(scorePrefix(seed, 'target', id)));
          const at = shortlist(prefixes, k);
          return {
            size: at.length,
            prefix: (j: number) => prefixes[at[j]!]!,
            id: (j: number) => part[at[j]!]!,
          };
        });
        expect(rankShortlists(seed, 'target', lists, k).map(idAndScore)).toEqual(naive.slice(0, k));
      }
    }
  });
  it('compares first by the score’s leading 13 hex digits, read exactly', () => {
    // CJK ids too: the score is over UTF-8 bytes, whatever the prefix's own encoding.
    for (const id of [...makePool(2000).map((e) => e.id), '沪食药123号', '𠀀甲']) {
      expect(scorePrefix(seed, 'target', id)).toBe(
        Number.parseInt(score(seed, 'target', id).slice(0, 13), 16),
      );
    }
  });

  it('is the same whatever order the pool rows arrive in', () => {
    const pool = makePool(3000, ['A', 'B', 'C', 'D']);
    const rules = {
      A: { ratio: 2, rounding: 'up' as const },
      B: { ratio: 5, rounding: 'up' as const },
      C: { count: 7 },
      D: { ratio: 50, rounding: 'down' as const },
    };
    const first = selectTargets(seed, pool, rules, { teams: 4 });
    const again = selectTargets(seed, shuffled(pool, 'rows'), rules, { teams: 4 });
    expect(again).toEqual(first);
  });

  it('draws each stratum’s exact quota by its rounding rule, and no more than the stratum holds', () => {
    // 101 in A at 5% up → 6; 101 in B at 5% nearest → 5; 3 in C, count 5 → 3; D at 10% down of 101 → 10.
    const pool = [
      ...makePool(101).map((e) => ({ id: `A${e.id}`, stratum: 'A' as const })),
      ...makePool(101).map((e) => ({ id: `B${e.id}`, stratum: 'B' as const })),
      ...makePool(3).map((e) => ({ id: `C${e.id}`, stratum: 'C' as const })),
      ...makePool(101).map((e) => ({ id: `D${e.id}`, stratum: 'D' as const })),
    ];
    const { strata, picks, reserve } = selectTargets(
      seed,
      pool,
      {
        A: { ratio: 5, rounding: 'up' },
        B: { ratio: 5, rounding: 'nearest' },
        C: { count: 5 },
        D: { ratio: 10, rounding: 'down' },
      },
      { perTeam: 4 },
    );
    expect(strata.map((s) => [s.stratum, s.pool, s.n])).toEqual([
      ['A', 101, 6],
      ['B', 101, 5],
      ['C', 3, 3],
      ['D', 101, 10],
    ]);
    const per = (s: Stratum) => picks.filter((p) => p.stratum === s).length;
    expect([per('A'), per('B'), per('C'), per('D')]).toEqual([6, 5, 3, 10]);
    // Reserve: the same order continued, a tenth of those drawn and at least 10.
    expect(reserve.A).toHaveLength(10);
    expect(reserve.C).toHaveLength(0);
    const orderA = lowest(
      seed,
      'target',
      pool.filter((e) => e.stratum === 'A').map((e) => e.id),
      16,
    );
    expect([
      ...picks
        .filter((p) => p.stratum === 'A')
        .map((p) => p.id)
        .sort(),
      ...reserve.A!.map((r) => r.id),
    ]).toEqual([
      ...orderA
        .slice(0, 6)
        .map((r) => r.id)
        .sort(),
      ...orderA.slice(6).map((r) => r.id),
    ]);
    // 24 picks, 4 per team: 6 teams, dealt round-robin in ascending score.
    expect(new Set(picks.map((p) => p.team)).size).toBe(6);
    expect(picks.map((p) => p.team).slice(0, 7)).toEqual([1, 2, 3, 4, 5, 6, 1]);
    const scores = picks.map((p) => score(seed, 'target', p.id));
    expect(scores).toEqual([...scores].sort());
  });

  it('refuses a pool with a stratum the plan has no rule for', () => {
    expect(() => selectTargets(seed, makePool(10, ['A', 'B']), { A: { count: 1 } }, { teams: 1 })).toThrow(
      '计划没有该分层的比例',
    );
  });

  it('gives every target the same chance (chi-square over 4,000 seeds)', () => {
    const pool = makePool(20);
    const hits = new Map(pool.map((e) => [e.id, 0]));
    const draws = 4000;
    for (let i = 0; i < draws; i++) {
      const [pick] = selectTargets(sha256(`seed ${i}`), pool, { all: { count: 1 } }, { teams: 1 }).picks;
      hits.set(pick!.id, hits.get(pick!.id)! + 1);
    }
    const expected = draws / pool.length;
    const chi = [...hits.values()].reduce((sum, h) => sum + (h - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: 43.82 is the 0.001 critical value. The seeds are fixed, so this cannot flake.
    expect(chi).toBeLessThan(43.82);
    expect(Math.min(...hits.values())).toBeGreaterThan(0);
  });
});

describe('receipts', () => {
  function receipt(embedPool = true): { r: DrawReceipt; pool: PoolEntry[] } {
    const pool = makePool(400, ['A', 'B', 'C', 'D']);
    const r = drawTargets({
      taskRef: 'task:7',
      taskName: '2027 年食品经营单位联合抽查',
      drawnAt: '2027-03-05T02:00:00.000Z',
      pool,
      rules: {
        A: { ratio: 3, rounding: 'up' },
        B: { ratio: 5, rounding: 'up' },
        C: { ratio: 8, rounding: 'up' },
        D: { count: 20 },
      },
      split: { teams: 3 },
      botEntropy: 'f'.repeat(64),
      inputs,
      auditHead: { seq: 42, hash: 'e'.repeat(64) },
      embedPool,
    });
    return { r: JSON.parse(JSON.stringify(r)), pool };
  }

  it('re-checks as consistent, with the pool inside or in a file beside it', () => {
    const { r, pool } = receipt();
    expect(verifyReceipt(r)).toEqual([]);
    const slim = receipt(false).r;
    expect(slim.pool.entries).toBeUndefined();
    expect(verifyReceipt(slim, parsePool(canonicalPool(shuffled(pool, 'file'))))).toEqual([]);
    expect(verifyReceipt(slim)).toEqual(['收据中没有对象池，请用 --pool 给出对象池文件。']);
  });

  it('names a changed pick', () => {
    const { r } = receipt();
    const other = r.pool.entries!.find(([id]) => !r.picks.some((p) => p.id === id))!;
    r.picks[2] = { ...r.picks[2]!, id: other[0] };
    const problems = verifyReceipt(r);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^第 3 个抽中对象不一致：收据为 ${other[0]}（`));
  });

  it('names a changed contribution, and the bot entropy against its commitment', () => {
    const { r } = receipt();
    r.seed.inputs.find((i) => i.label === 'swj')!.value = '区商务局：20271104';
    expect(verifyReceipt(r)[0]).toBe('“swj”的贡献的内容与收据记载的哈希不一致。');

    const bot = receipt().r;
    const entropy = bot.seed.inputs.find((i) => i.kind === 'bot')!;
    entropy.value = '0'.repeat(64);
    entropy.hash = sha256(entropy.value);
    expect(verifyReceipt(bot)).toContain('机器人熵值与抽取公告中承诺的哈希不一致。');
  });

  it('names a changed pool id', () => {
    const { r } = receipt();
    r.pool.entries![5] = ['91370105MA99999999', r.pool.entries![5]![1]];
    expect(verifyReceipt(r)[0]).toMatch(
      /^对象池不一致：收据记载的对象池哈希为 [0-9a-f]{12}…，按收据中的对象池计算为/,
    );
  });

  it('names a changed team and a changed quota', () => {
    const { r } = receipt();
    r.picks[0] = { ...r.picks[0]!, team: r.picks[0]!.team === 1 ? 2 : 1 };
    r.strata[3] = { ...r.strata[3]!, n: 19 };
    const problems = verifyReceipt(r);
    expect(problems).toContain('D 类的抽取数不一致：收据记载 19 个，按规则应为 20 个。');
    expect(problems.some((p) => p.startsWith('第 1 个抽中对象不一致'))).toBe(true);
  });
});
