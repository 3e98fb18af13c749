// Receipts and pool files as they travel outside the bot (downloaded from the chat, handed to an auditor): read
// with every field checked, then re-checked by the domain's verifier. Needs no database.
import { z } from 'zod';
import { parsePool, sha256 } from '../domain/draw.ts';
import { type DrawReceipt, RECEIPT_FORMAT, verifyReceipt } from '../domain/draw-receipt.ts';
import { DomainError } from '../domain/errors.ts';
import { EXCLUSION_REASONS } from '../domain/inspector-draw.ts';
import {
  checkTeamsInUse,
  INSPECTOR_RECEIPT_FORMAT,
  type InspectorReceipt,
  TEAMS_IN_USE_FORMAT,
  verifyInspectorReceipt,
} from '../domain/inspector-receipt.ts';
import { STRATA } from '../domain/plan-record.ts';
import type { BeaconVerifier } from './ports.ts';

const stratum = z.enum(STRATA);
const hex = z.string().regex(/^[0-9a-f]{64}$/, '应为 64 位十六进制哈希');
const ranked = z.object({ id: z.string(), score: hex });
const rule = z.union([
  z.object({ ratio: z.number(), rounding: z.enum(['up', 'nearest', 'down']) }),
  z.object({ count: z.number().int() }),
]);

const Receipt = z.object({
  format: z.literal(RECEIPT_FORMAT, { error: '不是抽取收据文件' }),
  algorithm: z.string(),
  encoding: z.object({ pool: z.string(), seed: z.string(), score: z.string(), teams: z.string() }),
  task: z.object({ ref: z.string(), name: z.string() }),
  drawnAt: z.string(),
  pool: z.object({
    size: z.number().int(),
    hash: hex,
    entries: z.array(z.tuple([z.string(), stratum])).optional(),
  }),
  strata: z.array(z.object({ stratum, rule, pool: z.number().int(), n: z.number().int() })),
  split: z.union([
    z.object({ teams: z.number().int().min(1) }),
    z.object({ perTeam: z.number().int().min(1) }),
  ]),
  seed: z.object({
    botCommitment: hex,
    inputs: z.array(
      z.object({
        kind: z.enum(['bot', 'contribution', 'beacon']),
        label: z.string(),
        value: z.string(),
        hash: z.string(),
      }),
    ),
    value: z.string(),
  }),
  // A pick's score and the reserve as `{ id, score }`: receipts written before the scores were left out.
  picks: z.array(z.object({ id: z.string(), score: hex.optional(), stratum, team: z.number().int() })),
  reserve: z.partialRecord(stratum, z.array(z.union([z.string(), ranked]))),
  beacon: z
    .object({ chain: z.string(), round: z.number().int(), signature: z.string().regex(/^[0-9a-f]+$/) })
    .optional(),
  filters: z.array(z.string()).optional(),
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
});

const seedPart = Receipt.shape.seed;
const member = z.object({
  id: z.string(),
  name: z.string(),
  certified: z.boolean(),
  expert: z.boolean(),
  score: hex,
});
const InspectorReceiptSchema = z.object({
  format: z.literal(INSPECTOR_RECEIPT_FORMAT),
  algorithm: z.string(),
  encoding: z.record(z.string(), z.string()),
  task: z.object({ ref: z.string(), name: z.string() }),
  department: z.object({ code: z.string(), name: z.string(), unit: z.string().optional() }),
  drawnAt: z.string(),
  pool: z.object({
    hash: hex,
    candidates: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        active: z.boolean(),
        certificateNo: z.string().nullable(),
        certificateValidUntil: z.string().nullable(),
        qualificationTags: z.array(z.string()),
        isExpert: z.boolean(),
        area: z.string().nullable(),
        leaves: z.array(z.object({ from: z.string(), to: z.string() })),
        conflicts: z.array(z.string()),
        checked: z.array(z.string()).optional(),
      }),
    ),
    teams: z.array(
      z.object({
        team: z.number().int(),
        targets: z.array(z.object({ code: z.string(), area: z.string().nullable() })),
      }),
    ),
    quota: z.object({
      perTeam: z.number().int(),
      certificateHolders: z.number().int(),
      expert: z.boolean(),
      tags: z.array(z.string()),
      window: z.object({ from: z.string(), to: z.string() }),
      sameAreaRecusal: z.boolean(),
      leads: z.boolean(),
    }),
    unit: z.string().optional(),
  }),
  seed: seedPart,
  teams: z.array(
    z.object({
      team: z.number().int(),
      members: z.array(member),
      leader: z.string().nullable(),
      reserve: z.array(z.string()),
    }),
  ),
  exclusions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      team: z.number().int().nullable(),
      reason: z.enum(Object.keys(EXCLUSION_REASONS) as [keyof typeof EXCLUSION_REASONS]),
      detail: z.string(),
    }),
  ),
  lateEdits: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      what: z.enum(['leave', 'conflict']),
      detail: z.string(),
      at: z.string(),
    }),
  ),
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
});

export function readReceipt(text: string): DrawReceipt | InspectorReceipt {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DomainError('RECEIPT_INVALID', '收据文件不是 JSON。');
  }
  const inspectors = (raw as { format?: unknown } | null)?.format === INSPECTOR_RECEIPT_FORMAT;
  const parsed = inspectors ? InspectorReceiptSchema.safeParse(raw) : Receipt.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError(
      'RECEIPT_INVALID',
      `收据文件格式不正确：${issue.path.join('.') || '（整个文件）'} ${issue.message}`,
    );
  }
  return parsed.data as DrawReceipt | InspectorReceipt;
}

/** Re-checks a receipt (and the pool file beside it, if given): the differences, empty when consistent. */
export function verifyReceiptFile(
  receiptText: string,
  poolBytes?: Buffer,
): { receipt: DrawReceipt | InspectorReceipt; problems: string[]; summary: string } {
  const receipt = readReceipt(receiptText);
  if (receipt.format === INSPECTOR_RECEIPT_FORMAT) {
    const members = receipt.teams.reduce((n, t) => n + t.members.length, 0);
    return {
      receipt,
      problems: verifyInspectorReceipt(receipt),
      summary: `${receipt.task.name}（${receipt.task.ref}）${receipt.department.name}${receipt.department.unit ? `（委托${receipt.department.unit}）` : ''}检查人员：候选 ${receipt.pool.candidates.length} 人，${receipt.teams.length} 个检查组共选派 ${members} 人次，种子 ${receipt.seed.value.slice(0, 16)}…`,
    };
  }
  let pool: ReturnType<typeof parsePool> | undefined;
  if (poolBytes) {
    try {
      pool = parsePool(poolBytes);
    } catch (error) {
      throw new DomainError('POOL_INVALID', `对象池文件格式不正确：${(error as Error).message}`);
    }
  }
  return {
    receipt,
    problems: verifyReceipt(receipt, pool),
    summary: `${receipt.task.name}（${receipt.task.ref}），对象池 ${receipt.pool.size} 个，抽中 ${receipt.picks.length} 个，种子 ${receipt.seed.value.slice(0, 16)}…`,
  };
}

const TeamsInUseSchema = z.object({
  format: z.literal(TEAMS_IN_USE_FORMAT),
  receiptHash: z.string(),
  members: z.array(
    z.object({
      team: z.number().int(),
      id: z.string(),
      name: z.string(),
      certified: z.boolean(),
      leader: z.boolean(),
      replaces: z.string().nullable(),
      withdrawn: z.string().nullable(),
      choice: z.number().int().nullable(),
    }),
  ),
  choices: z.array(
    z.object({
      id: z.number().int(),
      out: z.string(),
      in: z.string(),
      reason: z.string(),
      decidedAt: z.string().nullable(),
    }),
  ),
});

/**
 * An inspector draw's teams-in-use file against its receipt (`draw export` writes both): the file must come from
 * this receipt, and every change since the draw must be a ranked re-selection or an approved hand-pick.
 */
export function verifyTeamsFile(receiptText: string, teamsText: string): string[] {
  const receipt = readReceipt(receiptText);
  if (receipt.format !== INSPECTOR_RECEIPT_FORMAT)
    return ['检查组现状文件只能与检查人员抽取的收据一同复核。'];
  let raw: unknown;
  try {
    raw = JSON.parse(teamsText);
  } catch {
    throw new DomainError('TEAMS_INVALID', '检查组现状文件不是 JSON。');
  }
  const parsed = TeamsInUseSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError(
      'TEAMS_INVALID',
      `检查组现状文件格式不正确：${issue.path.join('.') || '（整个文件）'} ${issue.message}`,
    );
  }
  if (parsed.data.receiptHash !== sha256(receiptText))
    return ['检查组现状文件不是这份收据的（收据哈希不一致）。'];
  return checkTeamsInUse(receipt, parsed.data);
}

/** A target-draw receipt, refused when the file holds another kind. */
export function targetReceipt(receipt: DrawReceipt | InspectorReceipt): DrawReceipt {
  if (receipt.format !== RECEIPT_FORMAT) throw new DomainError('RECEIPT_INVALID', '这是检查人员抽取的收据。');
  return receipt;
}

/** The beacon a receipt names, checked against its chain's public key: a problem, or none. */
export async function checkBeacon(
  receipt: DrawReceipt | InspectorReceipt,
  beacons: BeaconVerifier | undefined,
): Promise<string[]> {
  if (receipt.format !== RECEIPT_FORMAT || !receipt.beacon) return [];
  const { chain, round, signature } = receipt.beacon;
  const input = receipt.seed.inputs.find((i) => i.kind === 'beacon');
  if (!beacons?.chains.includes(chain)) return [`无法核对公开随机源 drand ${chain}：本程序不认识这条链。`];
  return (await beacons.verify(chain, round, signature, input?.value ?? ''))
    ? []
    : [`公开随机源的签名不是 drand ${chain} 第 ${round} 轮的签名。`];
}
