// One row of a target-library export (检查对象名录库) → a target record, or the problems that stop it.
// Headers are matched by the names real exports use (名录库 exports, drawn lists); a mapping can override.
import { hash } from 'node:crypto';
import { type ColumnMapOf, mapColumns, splitCellList } from './columns.ts';
import { type CodeKind, checkTargetCode } from './identifiers.ts';

export interface TargetRecord {
  code: string;
  codeKind: CodeKind;
  name: string;
  objectType: string | null;
  industry: string | null;
  area: string | null;
  address: string | null;
  registrationAuthority: string | null;
  jurisdiction: string | null;
  riskClass: 'A' | 'B' | 'C' | 'D' | null;
  status: string;
  tags: string[];
  lastInspected: string | null;
}

export type TargetField = Exclude<keyof TargetRecord, 'codeKind'>;

/** Header names seen in real exports, per field (compared after normalising spaces and brackets). */
export const targetHeaders: Record<TargetField, string[]> = {
  code: [
    '统一社会信用代码',
    '注册号/统一社会信用代码',
    '统一社会信用代码/注册号',
    '社会信用代码',
    '信用代码',
    '注册号',
    '主体代码',
    '对象编码',
    '检查对象编码',
  ],
  name: ['企业名称', '主体名称', '市场主体名称', '名称', '对象名称', '检查对象名称', '单位名称'],
  objectType: ['类型', '主体类型', '企业类型', '市场主体类型', '对象类型', '检查对象类型'],
  industry: ['行业', '所属行业', '行业类别', '行业门类', '国民经济行业'],
  area: ['片区', '区域', '所属区域', '网格', '乡镇（街道）', '所属片区'],
  address: ['住所', '地址', '住所（经营场所）', '经营场所', '经营地址', '注册地址'],
  registrationAuthority: ['登记机关', 'RegOrgName'],
  jurisdiction: ['管辖单位', '管辖机关', '监管单位', '属地监管所'],
  riskClass: ['信用风险等级', '信用风险分类', '风险等级', '信用等级', '风险分类'],
  status: ['登记状态', '经营状态', '状态', '企业状态'],
  tags: ['专项库', '库标签', '标签', '所属专项库'],
  lastInspected: ['最近检查日期', '上次检查日期', '最近一次检查日期'],
};

export const targetFieldLabels: Record<TargetField, string> = {
  code: '统一社会信用代码/注册号',
  name: '名称',
  objectType: '类型',
  industry: '行业',
  area: '片区',
  address: '住所',
  registrationAuthority: '登记机关',
  jurisdiction: '管辖单位',
  riskClass: '信用风险等级',
  status: '登记状态',
  tags: '专项库',
  lastInspected: '最近检查日期',
};

const REQUIRED: TargetField[] = ['code', 'name'];

export type ColumnMap = ColumnMapOf<TargetField>;

/** Finds the target fields' columns; `mapping` (field → header) wins over the known names. */
export function mapTargetColumns(
  headers: string[],
  mapping: Partial<Record<TargetField, string>> = {},
): ColumnMap {
  return mapColumns(headers, targetHeaders, REQUIRED, mapping);
}

const RISK: Record<string, TargetRecord['riskClass']> = {
  a: 'A',
  a类: 'A',
  低风险: 'A',
  b: 'B',
  b类: 'B',
  一般风险: 'B',
  c: 'C',
  c类: 'C',
  较高风险: 'C',
  d: 'D',
  d类: 'D',
  高风险: 'D',
};

/** Registration statuses, folded to the words the draw rules use (only 存续 targets are drawn). */
const STATUS: Record<string, string> = {
  存续: '存续',
  在业: '存续',
  在营: '存续',
  开业: '存续',
  在册: '存续',
  正常: '存续',
  注销: '注销',
  已注销: '注销',
  吊销: '吊销',
  已吊销: '吊销',
  吊销未注销: '吊销',
  撤销: '撤销',
  迁出: '迁出',
  已迁出: '迁出',
  停业: '停业',
  歇业: '歇业',
  清算: '清算',
};

export type RowProblem = { column: string; problem: string };

export type RowResult =
  | { ok: true; target: TargetRecord; warnings: RowProblem[] }
  | { ok: false; problems: RowProblem[]; warnings: RowProblem[] };

const clean = (v: string | undefined) => (v ?? '').replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');

/** A date cell: YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日, and a real calendar day. */
export function parseDate(text: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A field's cell, trimmed ('' when the file has no such column). */
function cell(cells: string[], map: ColumnMap, field: TargetField): string {
  const i = map.columns[field];
  return i === undefined ? '' : clean(cells[i]);
}

const label = (field: TargetField) => targetFieldLabels[field];

/**
 * The longest code, and the longest category (类型, 行业, 片区, and the 标签 cell as a whole), in characters. The
 * library's pool-order index (migration 0022) holds the code and these in every entry, and an entry may not pass
 * about 2,700 bytes: at three bytes a character these leave room to spare. Real ones are a few characters long.
 */
const LONGEST_CODE = 64;
const LONGEST_CATEGORY = 100;
const CATEGORIES: TargetField[] = ['objectType', 'industry', 'area', 'tags'];

export function validateTargetRow(cells: string[], map: ColumnMap): RowResult {
  const get = (field: TargetField) => cell(cells, map, field);
  const problems: RowProblem[] = [];
  const warnings: RowProblem[] = [];

  const code = checkTargetCode(get('code'));
  if (!code.ok) problems.push({ column: label('code'), problem: code.problem });
  else if (code.code.length > LONGEST_CODE)
    problems.push({
      column: label('code'),
      problem: `代码过长（${code.code.length} 个字符），最多 ${LONGEST_CODE} 个`,
    });
  else if (code.warning) warnings.push({ column: label('code'), problem: code.warning });
  for (const field of CATEGORIES) {
    const length = get(field).length;
    if (length > LONGEST_CATEGORY)
      problems.push({
        column: label(field),
        problem: `内容过长（${length} 个字），此列最多 ${LONGEST_CATEGORY} 个字`,
      });
  }

  const name = get('name');
  if (!name) problems.push({ column: label('name'), problem: '名称为空' });

  const riskText = get('riskClass');
  const riskClass = riskText ? RISK[riskText.toLowerCase().replace(/\s/g, '')] : null;
  if (riskText && !riskClass) {
    problems.push({
      column: label('riskClass'),
      problem: `“${riskText}”不是信用风险等级，可填 A、B、C、D（或 低风险、一般风险、较高风险、高风险）`,
    });
  }

  const statusText = get('status');
  const status = statusText ? STATUS[statusText.replace(/[（(].*[）)]$/, '')] : '存续';
  if (!status) {
    problems.push({
      column: label('status'),
      problem: `“${statusText}”不是登记状态，可填 存续、注销、吊销、撤销、迁出、停业、歇业、清算`,
    });
  }

  const dateText = get('lastInspected');
  const lastInspected = dateText ? parseDate(dateText) : null;
  if (dateText && !lastInspected) {
    problems.push({
      column: label('lastInspected'),
      problem: `“${dateText}”不是有效日期（例如 2026-03-15）`,
    });
  }

  if (problems.length > 0 || !code.ok) return { ok: false, problems, warnings };
  const optional = (field: TargetField) => cell(cells, map, field) || null;
  return {
    ok: true,
    warnings,
    target: {
      code: code.code,
      codeKind: code.kind,
      name,
      objectType: optional('objectType'),
      industry: optional('industry'),
      area: optional('area'),
      address: optional('address'),
      registrationAuthority: optional('registrationAuthority'),
      jurisdiction: optional('jurisdiction'),
      riskClass: riskClass ?? null,
      status: status!,
      tags: splitCellList(get('tags')),
      lastInspected: lastInspected ?? null,
    },
  };
}

/** The hash of what an import sets, so re-importing an unchanged row changes nothing (fields in a fixed order). */
export function targetRowHash(t: TargetRecord, departmentId: number | null): string {
  const fields = [
    t.code,
    t.codeKind,
    t.name,
    t.objectType,
    t.industry,
    t.area,
    t.address,
    t.registrationAuthority,
    t.jurisdiction,
    t.riskClass,
    t.status,
    t.tags,
    t.lastInspected,
    departmentId,
  ];
  return hash('sha256', JSON.stringify(fields), 'hex').slice(0, 32);
}
