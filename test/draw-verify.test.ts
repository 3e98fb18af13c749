// `jointcheck draw verify` on an auditor's machine: the project only, no database. A receipt re-checks as 一致;
// one changed pick, contribution or pool id is named; a receipt without its pool takes the pool file beside it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { parseConfig } from '../src/config.ts';
import { canonicalPool, type PoolEntry, score } from '../src/domain/draw.ts';
import { type DrawReceipt, drawTargets, layoutReceipt } from '../src/domain/draw-receipt.ts';

const dir = mkdtempSync(join(tmpdir(), 'draw-verify-'));

/** The CLI with no database at all: opening one fails the test. */
async function verify(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['draw', 'verify', ...argv],
    parseConfig({}),
    { out: (s) => out.push(s), err: (s) => err.push(s) },
    async () => {
      throw new Error('draw verify must not open a database');
    },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const pool: PoolEntry[] = Array.from({ length: 10_000 }, (_, i) => ({
  id: `91370105MA${String(i).padStart(8, '0')}`,
  // Frozen for a plan with ratios for A, D and the rest: B and C fall under the all-targets ratio.
  stratum: (['A', 'all', 'all', 'D'] as const)[i % 4]!,
}));

function receipt(embedPool: boolean): DrawReceipt {
  return drawTargets({
    taskRef: 'task:3',
    taskName: '2027 年食品经营单位联合抽查',
    drawnAt: '2027-03-05T02:00:00.000Z',
    pool,
    rules: {
      all: { ratio: 5, rounding: 'up' },
      A: { ratio: 3, rounding: 'up' },
      D: { ratio: 10, rounding: 'up' },
    },
    split: { teams: 5 },
    botEntropy: 'c'.repeat(64),
    inputs: [{ kind: 'contribution', label: 'swj', value: '区商务局 0305' }],
    auditHead: { seq: 12, hash: 'a'.repeat(64) },
    embedPool,
  });
}

function file(name: string, content: string | Buffer) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('jointcheck draw verify', () => {
  it('prints 一致 for a receipt as drawn, with its pool inside or beside it', async () => {
    const full = await verify(file('full.json', JSON.stringify(receipt(true))));
    expect(full.code).toBe(0);
    // 5% of 5,000 (B and C) up, 3% of 2,500, 10% of 2,500: 250 + 75 + 250.
    expect(full.out).toBe(
      `一致：2027 年食品经营单位联合抽查（task:3），对象池 10000 个，抽中 575 个，种子 ${receipt(true).seed.value.slice(0, 16)}…`,
    );
    const slim = file('slim.json', JSON.stringify(receipt(false)));
    expect((await verify(slim, '--pool', file('pool.txt', canonicalPool(pool)))).code).toBe(0);
    expect((await verify(slim)).out).toContain('收据中没有对象池，请用 --pool 给出对象池文件。');
  });

  it('reads a receipt as the bot stores it: a key to a line, every pick and pool line on a line of its own', async () => {
    const drawn = receipt(true);
    const text = layoutReceipt(drawn);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(drawn)));
    const lines = text.split('\n');
    expect(lines).toContain(`  ${JSON.stringify(drawn.picks[0])},`);
    expect(lines).toContain(`  ${JSON.stringify(drawn.picks.at(-1))}`);
    expect(lines).toContain(`   ${JSON.stringify(drawn.pool.entries![0])},`);
    expect(lines.length).toBeGreaterThan(drawn.picks.length + drawn.pool.size);
    expect(text.length).toBeLessThan(JSON.stringify(drawn, null, 1).length * 0.8);
    expect((await verify(file('laid-out.json', text))).code).toBe(0);
  });

  it('names one changed pick, one changed contribution, one changed pool id', async () => {
    const pick = receipt(true);
    const outsider = pool.find(
      (e) => !pick.picks.some((p) => p.id === e.id) && e.stratum === pick.picks[9]!.stratum,
    )!;
    pick.picks[9] = { ...pick.picks[9]!, id: outsider.id };
    const a = await verify(file('pick.json', JSON.stringify(pick)));
    expect(a.code).toBe(1);
    expect(a.out).toContain(`- 第 10 个抽中对象不一致：收据为 ${outsider.id}（`);

    const contribution = receipt(true);
    contribution.seed.inputs[1]!.value = '区商务局 0306';
    expect((await verify(file('contribution.json', JSON.stringify(contribution)))).out).toContain(
      '- “swj”的贡献的内容与收据记载的哈希不一致。',
    );

    const poolId = receipt(true);
    poolId.pool.entries![100] = ['91370105MA99999999', poolId.pool.entries![100]![1]];
    expect((await verify(file('pool-id.json', JSON.stringify(poolId)))).out).toContain('- 对象池不一致：');
  });

  it('writes no scores, which follow from the seed, and still checks those a receipt written before states', async () => {
    const drawn = receipt(true);
    // (The encoding still says how a score is computed.)
    expect(layoutReceipt(drawn)).not.toContain('"score":"');
    // As receipts were written before: every pick and reserve target with its score.
    const withScores = (change?: (r: Record<string, unknown>) => void) => {
      const old = JSON.parse(JSON.stringify(drawn));
      for (const p of old.picks) p.score = score(drawn.seed.value, 'target', p.id);
      for (const k of Object.keys(old.reserve))
        old.reserve[k] = old.reserve[k].map((id: string) => ({
          id,
          score: score(drawn.seed.value, 'target', id),
        }));
      change?.(old);
      return layoutReceipt(old);
    };
    const before = await verify(file('before.json', withScores()));
    expect(before.code).toBe(0);
    expect(before.out).toMatch(/^一致：/);
    const tampered = await verify(
      file(
        'before-tampered.json',
        withScores((old) => {
          (old.picks as { score: string }[])[4]!.score = '0'.repeat(64);
        }),
      ),
    );
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(
      `- 第 5 个抽中对象 ${drawn.picks[4]!.id} 的评分不一致：收据为 000000000000…`,
    );
    // And a reserve target's.
    const reserveTampered = await verify(
      file(
        'before-reserve-tampered.json',
        withScores((old) => {
          (old.reserve as Record<string, { score: string }[]>).D![2]!.score = 'f'.repeat(64);
        }),
      ),
    );
    expect(reserveTampered.code).toBe(1);
    expect(reserveTampered.out).toContain(
      `- D 类的递补顺序第 3 位 ${drawn.reserve.D![2]} 的评分不一致：收据为 ffffffffffff…`,
    );
  });

  it('says plainly what is wrong with a file that is not a receipt', async () => {
    expect((await verify(file('bad.json', '{'))).err).toBe('收据文件不是 JSON。');
    expect((await verify(file('other.json', '{"format":"x"}'))).err).toContain(
      '收据文件格式不正确：format 不是抽取收据文件',
    );
    expect((await verify(join(dir, 'missing.json'))).err).toContain('无法读取文件');
    expect((await verify()).code).toBe(2);
  });
});
