// The target draw on a 3,000,000-target pool, 5% drawn, on PostgreSQL (issue: verifiable draws, bench target
// < 5 s and < 1 GB; at most 3× the unverifiable baseline). In one run, on one table:
// - baseline: `ORDER BY random() LIMIT n`, what existing systems do (no seed, nothing to re-check);
// - ours in Node: read the frozen pool, hash it canonically, select by the domain's algorithm;
// - ours in the database: the same order by `sha256(seed || 'target' || id)`, and the same pool hash.
// Medians of 3 runs; peak RSS of this process.
import postgres from 'postgres';
import { poolHash, selectTargets, sha256 } from '../src/domain/draw.ts';

const POOL = 3_000_000;
const RATIO = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

export interface DrawBench {
  pool: number;
  drawn: number;
  baselineMs: number;
  nodeMs: number;
  nodeParts: { readMs: number; hashMs: number; selectMs: number };
  databaseMs: number;
  databaseHashMs: number;
  sameOrder: boolean;
  samePoolHash: boolean;
  peakRssMb: number;
}

export async function drawBench(url: string): Promise<DrawBench> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, 20);
  try {
    await sql.unsafe(`CREATE TABLE bench_pool AS
      SELECT '91370105MA' || lpad(i::text, 8, '0') AS id FROM generate_series(1, ${POOL}) AS i`);
    await sql.unsafe('ANALYZE bench_pool');
    const n = Math.ceil((POOL * RATIO) / 100);
    const baseline: number[] = [];
    const node: number[] = [];
    const parts: { readMs: number; hashMs: number; selectMs: number }[] = [];
    const database: number[] = [];
    const databaseHash: number[] = [];
    let sameOrder = true;
    let samePoolHash = true;
    for (let run = 0; run < 3; run++) {
      const seed = sha256(`bench seed ${run}`);
      baseline.push(
        (await timed(() => sql.unsafe(`SELECT id FROM bench_pool ORDER BY random() LIMIT ${n}`)))[0],
      );

      const t0 = performance.now();
      const rows = await sql.unsafe<{ id: string }[]>('SELECT id FROM bench_pool');
      const pool = rows.map((r) => ({ id: r.id, stratum: 'all' as const }));
      const t1 = performance.now();
      const hash = poolHash(pool);
      const t2 = performance.now();
      const { picks } = selectTargets(seed, pool, { all: { ratio: RATIO, rounding: 'up' } }, { teams: 100 });
      const t3 = performance.now();
      node.push(t3 - t0);
      parts.push({ readMs: t1 - t0, hashMs: t2 - t1, selectMs: t3 - t2 });
      sample();

      const [dbMs, ordered] = await timed(
        () =>
          sql<{ id: string }[]>`SELECT id FROM bench_pool
          ORDER BY sha256(convert_to(${seed} || 'target' || id, 'UTF8')) LIMIT ${n}`,
      );
      database.push(dbMs);
      const inNode = [...picks].sort((a, b) => (a.score < b.score ? -1 : 1)).map((p) => p.id);
      sameOrder &&= ordered.every((r, i) => r.id === inNode[i]);
      const [hashMs, [row]] = await timed(
        () =>
          sql<{ hash: string }[]>`SELECT encode(sha256(convert_to(
            string_agg(id || E'\t' || 'all' || E'\n', '' ORDER BY id COLLATE "C"), 'UTF8')), 'hex') AS hash
          FROM bench_pool`,
      );
      databaseHash.push(hashMs);
      samePoolHash &&= row!.hash === hash;
    }
    return {
      pool: POOL,
      drawn: n,
      baselineMs: median(baseline),
      nodeMs: median(node),
      nodeParts: parts[node.indexOf(median(node))]!,
      databaseMs: median(database),
      databaseHashMs: median(databaseHash),
      sameOrder,
      samePoolHash,
      peakRssMb: Math.round(peak / 1e6),
    };
  } finally {
    clearInterval(sampler);
    await sql.end();
  }
}
