// One matter of a matters list (随机抽查事项清单, seed 000 art. 7–8; seed 001 (二)). A matter is a *variant*:
// the same 抽查事项 appears with different 检查对象, 事项类别 or 检查主体, and 事项类别 (重点 | 一般) belongs to the
// pair 事项 + 检查对象 (shared/data README §1.1, quirk 4). A matter with several legal bases spans continuation
// rows that repeat it (merged cells) or leave it blank; those rows are one matter.
import { createHash } from 'node:crypto';
import { canonicalJson } from './audit-chain.ts';
import { type ColumnMapOf, mapColumns } from './columns.ts';
import type { RowProblem } from './target-record.ts';

export interface MatterRecord {
  /** The department as the file names it (mapped through department names and aliases). */
  departmentText: string;
  seq: string | null;
  category: string | null;
  name: string;
  targetType: string;
  level: 'key' | 'general';
  methods: string | null;
  subject: string | null;
  bases: string[];
  cooperating: string | null;
  ratio: string | null;
  frequency: string | null;
}

export type MatterField = Exclude<keyof MatterRecord, 'bases'> | 'bases';

export const matterHeaders: Record<Exclude<MatterField, 'departmentText'> | 'department', string[]> = {
  department: ['编制单位名称', '编制单位', '发起部门', '牵头部门', '实施部门', '责任部门', '部门'],
  seq: ['序号', '编号'],
  category: ['抽查类别', '抽查领域', '类别', '领域'],
  name: ['抽查事项', '抽查事项名称', '事项名称'],
  targetType: ['检查对象', '抽查对象'],
  level: ['事项类别', '事项类型'],
  methods: ['检查方式', '抽查方式'],
  subject: ['检查主体', '抽查主体'],
  bases: ['检查依据', '抽查依据'],
  cooperating: ['配合部门', '联查部门'],
  ratio: ['抽查比例'],
  frequency: ['抽查频次'],
};

export const matterLabels: Record<keyof typeof matterHeaders, string> = {
  department: '编制单位/发起部门',
  seq: '序号',
  category: '抽查类别/领域',
  name: '抽查事项',
  targetType: '检查对象',
  level: '事项类别',
  methods: '检查方式',
  subject: '检查主体',
  bases: '检查依据',
  cooperating: '配合部门',
  ratio: '抽查比例',
  frequency: '抽查频次',
};

export type MatterColumn = keyof typeof matterHeaders;

export type MatterColumnMap = ColumnMapOf<MatterColumn>;

export function mapMatterColumns(
  headers: string[],
  options: { departmentGiven?: boolean; mapping?: Partial<Record<MatterColumn, string>> } = {},
): MatterColumnMap {
  const required: MatterColumn[] = options.departmentGiven ? ['name'] : ['name', 'department'];
  return mapColumns(headers, matterHeaders, required, options.mapping);
}

/** Trims (also U+3000), folds half-width brackets and runs of spaces, so the same text compares equal. */
export function tidy(text: string | undefined): string {
  return (text ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+/g, ' ')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n')
    .trim();
}

/**
 * Merges continuation rows into the matter they continue: a row whose every column but 检查依据 is blank, or
 * repeats the previous row's (filled-down merged cells), adds its legal bases to that matter.
 */
export async function* groupContinuationRows(
  rows: AsyncIterable<{ rowNumber: number; cells: string[] }>,
  map: MatterColumnMap,
): AsyncGenerator<{ rowNumber: number; cells: string[] }> {
  const basesColumn = map.columns.bases;
  let current: { rowNumber: number; cells: string[]; key: string } | undefined;
  const keyOf = (cells: string[]) => JSON.stringify(cells.map((c, i) => (i === basesColumn ? '' : tidy(c))));
  for await (const row of rows) {
    const cells = [...row.cells];
    const key = keyOf(cells);
    const blank = cells.every((c, i) => i === basesColumn || tidy(c) === '');
    if (current && basesColumn !== undefined && (blank || key === current.key)) {
      const extra = tidy(cells[basesColumn]);
      if (extra) current.cells[basesColumn] = [current.cells[basesColumn], extra].filter(Boolean).join('\n');
      continue;
    }
    if (current) yield { rowNumber: current.rowNumber, cells: current.cells };
    current = { rowNumber: row.rowNumber, cells, key };
  }
  if (current) yield { rowNumber: current.rowNumber, cells: current.cells };
}

const LEVELS: Record<string, MatterRecord['level']> = {
  重点检查事项: 'key',
  重点事项: 'key',
  重点: 'key',
  一般检查事项: 'general',
  一般事项: 'general',
  一般: 'general',
};

export type MatterRowResult =
  | { ok: true; matter: MatterRecord; warnings: RowProblem[] }
  | { ok: false; problems: RowProblem[]; warnings: RowProblem[] };

export function validateMatterRow(
  cells: string[],
  map: MatterColumnMap,
  defaultDepartment?: string,
): MatterRowResult {
  const get = (field: MatterColumn) => {
    const i = map.columns[field];
    return i === undefined ? '' : tidy(cells[i]);
  };
  const problems: RowProblem[] = [];
  const name = get('name');
  if (!name) problems.push({ column: matterLabels.name, problem: '抽查事项为空' });
  const departmentText = get('department') || defaultDepartment || '';
  if (!departmentText) problems.push({ column: matterLabels.department, problem: '没有写明部门' });
  const levelText = get('level').replace(/\s/g, '');
  const level = levelText ? LEVELS[levelText] : 'general';
  if (!level)
    problems.push({
      column: matterLabels.level,
      problem: `“${levelText}”不是事项类别，可填 重点检查事项 或 一般检查事项`,
    });
  if (problems.length > 0 || !level) return { ok: false, problems, warnings: [] };
  const optional = (field: MatterColumn) => get(field) || null;
  return {
    ok: true,
    warnings: [],
    matter: {
      departmentText,
      seq: optional('seq'),
      category: optional('category'),
      name,
      targetType: get('targetType'),
      level,
      methods: optional('methods'),
      subject: optional('subject'),
      bases: get('bases').split('\n').filter(Boolean),
      cooperating: optional('cooperating'),
      ratio: optional('ratio'),
      frequency: optional('frequency'),
    },
  };
}

/** A matter variant's identity: everything but its legal bases, ratio and frequency, within its department. */
export function matterKey(m: MatterRecord, departmentId: number): string {
  const { departmentText: _, bases: __, ratio: ___, frequency: ____, ...identity } = m;
  return createHash('sha256')
    .update(canonicalJson({ ...identity, departmentId }))
    .digest('hex')
    .slice(0, 32);
}

export function matterRowHash(m: MatterRecord, departmentId: number): string {
  return createHash('sha256')
    .update(canonicalJson({ ...m, departmentText: null, departmentId }))
    .digest('hex')
    .slice(0, 32);
}
