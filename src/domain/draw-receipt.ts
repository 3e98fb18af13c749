// A draw's receipt (product.md §4.6): everything needed to recompute the draw with no database — the algorithm
// and its byte encodings, the pool (or its hash, with the pool in a file beside it), every seed input, the picks,
// their teams and the reserve order — and the check that recomputes it and names each difference in Chinese.
import {
  DRAW_ALGORITHM,
  drawSeed,
  inputProblems,
  lowest,
  type PoolEntry,
  poolHash,
  quotaOf,
  type SeedInput,
  type StratumDraw,
  score,
  selectTargets,
  sha256,
  type TargetPick,
  type TargetSelection,
} from './draw.ts';
import { type Stratum, stratumLabel } from './plan-record.ts';

export const RECEIPT_FORMAT = 'jointcheck-draw-receipt';

/** The encodings, in words, as the receipt carries them for a reader without this program. */
export const ENCODING = {
  pool: 'UTF-8 lines "<id>\\t<stratum>\\n", sorted by id in byte order; pool hash = SHA-256 of those bytes (hex)',
  seed: 'SHA-256 of "jointcheck-draw/1\\n" + "task:<task>\\n" + "pool:<pool hash>\\n" + the lines "<kind>\\t<label>\\t<SHA-256 of value>\\n" sorted in byte order',
  score:
    'SHA-256 of UTF-8("<seed hex>target<id>"), lowercase hex; ascending within each stratum, first n drawn, the rest is the reserve order',
  teams: 'drawn targets in ascending score over all strata, dealt round-robin to teams 1..T',
} as const;

/** A pick as a receipt states it. */
export type ReceiptPick = TargetPick & { score?: string };

/** A reserve target as a receipt states it: its id, or (written before) its id and score. */
export type ReserveEntry = string | { id: string; score: string };

const idOf = (e: ReserveEntry) => (typeof e === 'string' ? e : e.id);

export interface DrawReceipt {
  format: typeof RECEIPT_FORMAT;
  algorithm: string;
  encoding: Record<keyof typeof ENCODING, string>;
  task: { ref: string; name: string };
  drawnAt: string;
  pool: { size: number; hash: string; entries?: [string, Stratum][] };
  strata: StratumDraw[];
  split: { teams: number } | { perTeam: number };
  seed: {
    /** The hash of the bot's entropy, published in the draw notice before any contribution. */
    botCommitment: string;
    inputs: (SeedInput & { hash: string })[];
    value: string;
  };
  /**
   * In draw order, each with its stratum and team. A pick's score is not written: it follows from the seed and
   * the id (`encoding.score`), the verifier computes it, and for a 3,000,000-target draw it was more than half
   * the receipt (21.4 MB against 8.9). Receipts written before say it, and the verifier checks it there.
   */
  picks: ReceiptPick[];
  /** Per stratum, the reserve order after its picks: ids (receipts written before gave `{ id, score }`). */
  reserve: Partial<Record<Stratum, ReserveEntry[]>>;
  /** The public beacon the notice named: its round's signature, whose SHA-256 is the `beacon` seed input. */
  beacon?: { chain: string; round: number; signature: string };
  /** How the pool was frozen, in words, as the notice said it (for readers; the pool hash is what binds it). */
  filters?: string[];
  /** The audit chain's head when the draw was made. */
  auditHead: { seq: number; hash: string } | null;
}

/** Everything a receipt states besides what the selection computes. */
export interface ReceiptFacts {
  taskRef: string;
  taskName: string;
  drawnAt: string;
  split: DrawReceipt['split'];
  botEntropy: string;
  /** The inputs beyond the bot's entropy (contributions, beacons). */
  inputs: readonly SeedInput[];
  auditHead: DrawReceipt['auditHead'];
  beacon?: DrawReceipt['beacon'];
  filters?: string[];
}

/**
 * A receipt as the text that is stored, hashed and handed out: JSON with one key to a line, and every element of
 * a list — a pick, a reserve target, a pool line, a team member — compact on a line of its own, so that the file
 * reads as a table and is smaller than indented JSON (a 3,000,000-target draw's: 21.4 MB, not 25.1 MB). Any
 * JSON reader takes it as it is.
 */
export const layoutReceipt = (receipt: object): string => Array.from(receiptLines(receipt)).join('');

/**
 * `layoutReceipt`'s text in pieces, a list element or a key at a time, for a caller that has other work to let
 * through while it writes a large receipt.
 */
export function* receiptLines(receipt: object): Generator<string> {
  function* layout(value: unknown, indent: string): Generator<string> {
    const inner = `${indent} `;
    if (Array.isArray(value)) {
      if (value.length === 0) return yield '[]';
      for (let i = 0; i < value.length; i++)
        yield `${i === 0 ? '[\n' : ',\n'}${inner}${JSON.stringify(value[i]) ?? 'null'}`;
      return yield `\n${indent}]`;
    }
    if (value === null || typeof value !== 'object') return yield JSON.stringify(value);
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return yield '{}';
    for (const [i, [k, v]] of entries.entries()) {
      yield `${i === 0 ? '{\n' : ',\n'}${inner}${JSON.stringify(k)}: `;
      yield* layout(v, inner);
    }
    yield `\n${indent}}`;
  }
  yield* layout(receipt, '');
  yield '\n';
}

/** The seed inputs as they enter the seed: the bot's entropy first, then the others. */
export const seedInputs = (botEntropy: string, inputs: readonly SeedInput[]): SeedInput[] => [
  { kind: 'bot', label: 'entropy', value: botEntropy },
  ...inputs,
];

/**
 * The receipt of a draw whose selection was computed already (here, or ranked in a database): the pool travels
 * in it when `poolEntries` is given, else as a file beside it with only its size and hash here.
 */
export function receiptOf(
  facts: ReceiptFacts,
  pool: { size: number; hash: string; entries?: readonly PoolEntry[] },
  seed: string,
  selection: TargetSelection,
): DrawReceipt {
  const inputs = seedInputs(facts.botEntropy, facts.inputs);
  return {
    format: RECEIPT_FORMAT,
    algorithm: DRAW_ALGORITHM,
    encoding: { ...ENCODING },
    task: { ref: facts.taskRef, name: facts.taskName },
    drawnAt: facts.drawnAt,
    pool: {
      size: pool.size,
      hash: pool.hash,
      ...(pool.entries
        ? {
            entries: [...pool.entries]
              .sort((a, b) => Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)))
              .map((e): [string, Stratum] => [e.id, e.stratum]),
          }
        : {}),
    },
    strata: selection.strata,
    split: facts.split,
    seed: {
      botCommitment: sha256(facts.botEntropy),
      inputs: inputs.map((i) => ({ ...i, hash: sha256(i.value) })),
      value: seed,
    },
    picks: selection.picks.map(({ id, stratum, team }) => ({ id, stratum, team })),
    reserve: Object.fromEntries(
      Object.entries(selection.reserve).map(([stratum, ranked]) => [stratum, ranked.map((r) => r.id)]),
    ),
    ...(facts.beacon ? { beacon: facts.beacon } : {}),
    ...(facts.filters ? { filters: facts.filters } : {}),
    auditHead: facts.auditHead,
  };
}

/** Runs the draw on a pool held in memory and writes its receipt. */
export function drawTargets(
  input: ReceiptFacts & {
    pool: readonly PoolEntry[];
    rules: Partial<Record<Stratum, StratumDraw['rule']>>;
    /** Put the pool itself in the receipt (else it travels as a file beside it). */
    embedPool: boolean;
  },
): DrawReceipt {
  const hash = poolHash(input.pool);
  const seed = drawSeed(input.taskRef, hash, seedInputs(input.botEntropy, input.inputs));
  const selection = selectTargets(seed, input.pool, input.rules, input.split);
  return receiptOf(
    input,
    { size: input.pool.length, hash, ...(input.embedPool ? { entries: input.pool } : {}) },
    seed,
    selection,
  );
}

/**
 * The target that replaces a withdrawn pick (递补, product.md §4.8): the first of its stratum's reserve order not
 * used yet. Past the reserve the receipt lists, the order goes on over the pool by the same score, so anyone
 * holding the pool can check it too.
 */
export function nextReserve(
  receipt: DrawReceipt,
  stratum: Stratum,
  used: ReadonlySet<string>,
  pool?: readonly PoolEntry[],
): string | undefined {
  const listed = (receipt.reserve[stratum] ?? []).map(idOf).find((id) => !used.has(id));
  if (listed || !pool) return listed;
  const drawn = new Set(receipt.picks.map((p) => p.id));
  const rest = pool
    .filter((e) => e.stratum === stratum && !drawn.has(e.id) && !used.has(e.id))
    .map((e) => e.id);
  return lowest(receipt.seed.value, 'target', rest, 1)[0]?.id;
}

const short = (hex: string) => `${hex.slice(0, 12)}…`;
const inputName = (i: SeedInput) =>
  i.kind === 'bot' ? '机器人熵值' : i.kind === 'beacon' ? `公开随机源 ${i.label}` : `“${i.label}”的贡献`;
const pickText = (p: ReceiptPick) => `${p.id}（${stratumLabel(p.stratum)}，第 ${p.team} 组）`;

/**
 * Recomputes the draw from the receipt (and the pool file, when the receipt carries only the pool's hash) and
 * returns every difference, in the order a reader should look at them; empty when the receipt is consistent.
 */
export function verifyReceipt(receipt: DrawReceipt, poolFile?: readonly PoolEntry[]): string[] {
  const problems: string[] = [];
  if (receipt.algorithm !== DRAW_ALGORITHM) {
    return [`收据的算法版本为“${receipt.algorithm}”，本程序核对的是“${DRAW_ALGORITHM}”。`];
  }
  const pool: readonly PoolEntry[] | undefined =
    poolFile ?? receipt.pool.entries?.map(([id, stratum]) => ({ id, stratum }));
  if (!pool) return ['收据中没有对象池，请用 --pool 给出对象池文件。'];
  const hash = poolHash(pool);
  if (hash !== receipt.pool.hash) {
    problems.push(
      `对象池不一致：收据记载的对象池哈希为 ${short(receipt.pool.hash)}，按${poolFile ? '对象池文件' : '收据中的对象池'}计算为 ${short(hash)}。`,
    );
  }
  if (pool.length !== receipt.pool.size) {
    problems.push(`对象池数量不一致：收据记载 ${receipt.pool.size} 个，实际 ${pool.length} 个。`);
  }
  const known = new Set(pool.map((e) => e.id));
  for (const p of receipt.picks) {
    if (!known.has(p.id)) problems.push(`抽中对象 ${p.id} 不在对象池中。`);
  }

  // The seed: every input must match its hash, the bot's entropy its published commitment.
  const listProblems = inputProblems(receipt.seed.inputs);
  problems.push(...listProblems);
  let inputsOk = listProblems.length === 0;
  for (const i of receipt.seed.inputs) {
    if (sha256(i.value) !== i.hash) {
      problems.push(`${inputName(i)}的内容与收据记载的哈希不一致。`);
      inputsOk = false;
    }
  }
  if (receipt.beacon) {
    const { chain, round, signature } = receipt.beacon;
    const input = receipt.seed.inputs.find(
      (i) => i.kind === 'beacon' && i.label === `drand:${chain}:${round}`,
    );
    if (!input || input.value !== sha256(Buffer.from(signature, 'hex'))) {
      problems.push(`公开随机源 drand ${chain} 第 ${round} 轮的签名与种子输入不一致。`);
      inputsOk = false;
    }
  }
  const bot = receipt.seed.inputs.find((i) => i.kind === 'bot');
  if (!bot) {
    problems.push('收据中没有机器人熵值。');
    inputsOk = false;
  } else if (sha256(bot.value) !== receipt.seed.botCommitment) {
    problems.push('机器人熵值与抽取公告中承诺的哈希不一致。');
    inputsOk = false;
  }
  const seed = drawSeed(receipt.task.ref, receipt.pool.hash, receipt.seed.inputs);
  if (seed !== receipt.seed.value) {
    problems.push(`种子不一致：收据记载 ${short(receipt.seed.value)}，按种子输入计算为 ${short(seed)}。`);
    inputsOk = false;
  }
  if (!inputsOk || hash !== receipt.pool.hash) {
    if (problems.length > 0) problems.push('种子或对象池不一致时，抽中结果无法复核，以上问题须先查明。');
    return problems;
  }

  // The quotas, then the picks, their teams and the reserve, position by position.
  const counts = new Map<Stratum, number>();
  for (const e of pool) counts.set(e.stratum, (counts.get(e.stratum) ?? 0) + 1);
  for (const s of receipt.strata) {
    const size = counts.get(s.stratum) ?? 0;
    if (s.pool !== size)
      problems.push(`${stratumLabel(s.stratum)}的对象数不一致：收据记载 ${s.pool} 个，对象池中 ${size} 个。`);
    if (s.n !== quotaOf(s.rule, size))
      problems.push(
        `${stratumLabel(s.stratum)}的抽取数不一致：收据记载 ${s.n} 个，按规则应为 ${quotaOf(s.rule, size)} 个。`,
      );
  }
  const rules = Object.fromEntries(receipt.strata.map((s) => [s.stratum, s.rule]));
  let again: ReturnType<typeof selectTargets>;
  try {
    again = selectTargets(seed, pool, rules, receipt.split);
  } catch (error) {
    problems.push(`无法按收据重新抽取：${(error as Error).message}。`);
    return problems;
  }
  const longest = Math.max(again.picks.length, receipt.picks.length);
  for (let i = 0; i < longest; i++) {
    const stated = receipt.picks[i];
    const computed = again.picks[i];
    if (!stated) problems.push(`收据少了第 ${i + 1} 个抽中对象：应为 ${pickText(computed!)}。`);
    else if (!computed) problems.push(`收据多了第 ${i + 1} 个抽中对象 ${pickText(stated)}。`);
    else if (
      stated.id !== computed.id ||
      stated.team !== computed.team ||
      stated.stratum !== computed.stratum
    )
      problems.push(
        `第 ${i + 1} 个抽中对象不一致：收据为 ${pickText(stated)}，重新计算为 ${pickText(computed)}。`,
      );
    else if (stated.score !== undefined) {
      const rescored = score(seed, 'target', computed.id);
      if (stated.score !== rescored)
        problems.push(
          `第 ${i + 1} 个抽中对象 ${stated.id} 的评分不一致：收据为 ${short(stated.score)}，重新计算为 ${short(rescored)}。`,
        );
    }
  }
  for (const s of receipt.strata) {
    const entries = receipt.reserve[s.stratum] ?? [];
    const stated = entries.map(idOf);
    const computed = again.reserve[s.stratum] ?? [];
    const at = Array.from({ length: Math.max(stated.length, computed.length) }, (_, i) => i).find(
      (i) => stated[i] !== computed[i]?.id,
    );
    if (at !== undefined) {
      problems.push(
        `${stratumLabel(s.stratum)}的递补顺序第 ${at + 1} 位不一致：收据为 ${stated[at] ?? '（无）'}，重新计算为 ${computed[at]?.id ?? '（无）'}。`,
      );
    }
    const scored = entries.findIndex((e, i) => typeof e !== 'string' && e.score !== computed[i]?.score);
    if (at === undefined && scored !== -1) {
      problems.push(
        `${stratumLabel(s.stratum)}的递补顺序第 ${scored + 1} 位 ${stated[scored]} 的评分不一致：收据为 ${short((entries[scored] as { score: string }).score)}，重新计算为 ${short(computed[scored]!.score)}。`,
      );
    }
  }
  return problems;
}
