// Receipts and pool files as they travel outside the bot (downloaded from the chat, handed to an auditor): read
// with every field checked, then re-checked by the domain's verifier. Needs no database.
import { z } from 'zod';
import { parsePool } from '../domain/draw.ts';
import { type DrawReceipt, RECEIPT_FORMAT, verifyReceipt } from '../domain/draw-receipt.ts';
import { DomainError } from '../domain/errors.ts';
import { STRATA } from '../domain/plan-record.ts';

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
  picks: z.array(ranked.extend({ stratum, team: z.number().int() })),
  reserve: z.partialRecord(stratum, z.array(ranked)),
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
});

export function readReceipt(text: string): DrawReceipt {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DomainError('RECEIPT_INVALID', '收据文件不是 JSON。');
  }
  const parsed = Receipt.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError(
      'RECEIPT_INVALID',
      `收据文件格式不正确：${issue.path.join('.') || '（整个文件）'} ${issue.message}`,
    );
  }
  return parsed.data as DrawReceipt;
}

/** Re-checks a receipt (and the pool file beside it, if given): the differences, empty when consistent. */
export function verifyReceiptFile(
  receiptText: string,
  poolBytes?: Buffer,
): { receipt: DrawReceipt; problems: string[] } {
  const receipt = readReceipt(receiptText);
  let pool: ReturnType<typeof parsePool> | undefined;
  if (poolBytes) {
    try {
      pool = parsePool(poolBytes);
    } catch (error) {
      throw new DomainError('POOL_INVALID', `对象池文件格式不正确：${(error as Error).message}`);
    }
  }
  return { receipt, problems: verifyReceipt(receipt, pool) };
}
