// Target identifiers (一单两库: the target library, seed 000 art. 9). Market entities carry an 18-character
// 统一社会信用代码 (GB 32100-2015, check character mod 31); older records still carry a 15-digit 注册号
// (GS 15-2006, ISO 7064 MOD 11,10). Real libraries mix both, plus other legacy numbers, which are accepted as
// "other" with a warning. Facts and worked examples: shared/data README §5.

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** The first 17 characters; the 18th is checked against the computed check character. */
const USCC_BODY_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}$/;
/** Wᵢ = 3^(i−1) mod 31 for i = 1…17. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** GB 11714-1997 weights over the organisation code's first 8 characters (USCC positions 9–16). */
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The check character a USCC's first 17 characters call for. */
export function usccCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(body17[i]!) * USCC_WEIGHTS[i]!;
  const c = 31 - (sum % 31);
  return USCC_CHARSET[c === 31 ? 0 : c]!;
}

/** The check character of the organisation code embedded in positions 9–17 (GB 11714). */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8[i]!;
    const value = /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55; // A = 10 … Z = 35
    sum += value * ORG_CODE_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** ISO 7064 MOD 11,10 over a 15-digit 注册号 (the last digit is the check digit). */
export function isValidRegNo15(code: string): boolean {
  if (!/^\d{15}$/.test(code)) return false;
  let p = 10;
  for (let i = 0; i < 14; i++) {
    const s = (p % 11) + Number(code[i]);
    p = ((s % 10 || 10) * 2) % 11;
  }
  return (p + Number(code[14])) % 10 === 1;
}

export type CodeKind = 'uscc' | 'regno' | 'other';

export type CodeCheck =
  | { ok: true; code: string; kind: CodeKind; warning?: string }
  | { ok: false; problem: string };

/** What a spreadsheet made of a long number stored as a number: digits lost for good. */
const LOST_DIGITS = /^\d(\.\d+)?E\+?\d+$/i;
export const TEXT_COLUMN_HINT = '请将该列设为文本格式后重新导出';

/** Checks and normalises a target code (trimmed, full-width folded, upper-cased). */
export function checkTargetCode(raw: string): CodeCheck {
  // Most codes arrive clean; fold width, spaces and case only when needed.
  const code = /^[0-9A-Z]+$/.test(raw)
    ? raw
    : raw
        .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
        .replace(/[\s\u3000]/g, '')
        .toUpperCase();
  if (code === '') return { ok: false, problem: '代码为空' };
  if (LOST_DIGITS.test(code))
    return { ok: false, problem: `“${raw.trim()}”已被表格软件当成数字而丢失位数，${TEXT_COLUMN_HINT}` };
  if (code.length === 18) {
    if (!USCC_BODY_SHAPE.test(code.slice(0, 17)))
      return { ok: false, problem: `“${code}”不是有效的统一社会信用代码（含不允许的字符）` };
    const expected = usccCheckChar(code.slice(0, 17));
    if (expected !== code[17]) {
      return {
        ok: false,
        problem: `统一社会信用代码“${code}”的校验位错误（按 GB 32100-2015 应为 ${expected}）`,
      };
    }
    const org = code.slice(8, 17);
    if (/^[0-9A-Z]{8}[0-9X]$/.test(org) && orgCodeCheckChar(org.slice(0, 8)) !== org[8]) {
      return { ok: true, code, kind: 'uscc', warning: '内含的组织机构代码校验位不符（GB 11714），请核对' };
    }
    return { ok: true, code, kind: 'uscc' };
  }
  if (/^\d{15}$/.test(code)) {
    return isValidRegNo15(code)
      ? { ok: true, code, kind: 'regno' }
      : { ok: false, problem: `注册号“${code}”的校验位错误（ISO 7064 MOD 11,10）` };
  }
  if (/^\d{16,17}$/.test(code)) {
    return { ok: false, problem: `“${code}”位数不对：统一社会信用代码为 18 位，注册号为 15 位` };
  }
  return { ok: true, code, kind: 'other', warning: '不是统一社会信用代码或注册号，按其他编号导入' };
}
