// One matter of a matters list (随机抽查事项清单, seed 000 art. 7–8; seed 001 (二)). A matter is a *variant*:
// the same 抽查事项 appears with different 检查对象, 事项类别 or 检查主体, and 事项类别 (重点 | 一般) belongs to the
// pair 事项 + 检查对象 (shared/data README §1.1, quirk 4). A matter with several legal bases spans continuation
// rows that repeat it (merged cells) or leave it blank; those rows are one matter.
import { createHash } from 'node:crypto';
import { canonicalJson } from './audit-chain.ts';
import { type ColumnMapOf, mapColumns, splitCellList } from './columns.ts';
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
  /** The list's 抽查比例 as written, and the floor and ceiling read from it (percent), where it says them. */
  ratio: string | null;
  ratioFloor: number | null;
  ratioCeiling: number | null;
  frequency: string | null;
  /** Qualification tags an inspector needs for this matter, and whether an expert must join the team. */
  qualificationTags: string[];
  needsExpert: boolean;
}

type ParsedField = 'ratioFloor' | 'ratioCeiling';
export type MatterField = Exclude<keyof MatterRecord, ParsedField>;

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
  // Not 检查人员要求: real lists put headcounts and checklists there (shared/data README §3.3); map it when it
  // holds tags.
  qualificationTags: ['资质要求', '检查人员资质', '所需资质', '人员资质要求', '执法资质要求'],
  needsExpert: ['是否需要专家', '需要专家', '是否需专家', '专家参与'],
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
  qualificationTags: '资质要求',
  needsExpert: '是否需要专家',
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
  batches: AsyncIterable<{ rowNumber: number; cells: string[] }[]>,
  map: MatterColumnMap,
): AsyncGenerator<{ rowNumber: number; cells: string[] }[]> {
  const basesColumn = map.columns.bases;
  let current: { rowNumber: number; cells: string[]; key: string } | undefined;
  const keyOf = (cells: string[]) => JSON.stringify(cells.map((c, i) => (i === basesColumn ? '' : tidy(c))));
  for await (const rows of batches) {
    const out: { rowNumber: number; cells: string[] }[] = [];
    for (const row of rows) {
      const cells = [...row.cells];
      const key = keyOf(cells);
      const blank = cells.every((c, i) => i === basesColumn || tidy(c) === '');
      if (current && basesColumn !== undefined && (blank || key === current.key)) {
        const extra = tidy(cells[basesColumn]);
        if (extra)
          current.cells[basesColumn] = [current.cells[basesColumn], extra].filter(Boolean).join('\n');
        continue;
      }
      if (current) out.push({ rowNumber: current.rowNumber, cells: current.cells });
      current = { rowNumber: row.rowNumber, cells, key };
    }
    if (out.length > 0) yield out;
  }
  if (current) yield [{ rowNumber: current.rowNumber, cells: current.cells }];
}

const EXPERT: Record<string, boolean> = {
  是: true,
  需要: true,
  需: true,
  y: true,
  yes: true,
  '√': true,
  否: false,
  不需要: false,
  无: false,
  n: false,
  no: false,
};

/**
 * Reads a floor and a ceiling (percent) from a list's 抽查比例 text (seed 000 art. 8: 重点 matters have no
 * ceiling, 一般 matters a ceiling the government sets). `10%`, `不少于2‰` and `不低于3%或按专项计划确定` give a
 * floor; `不超过总数的2%` a ceiling; `3%-5%` both. Text without a number (`结合登记事项检查一并开展`) gives
 * neither; text with several numbers that are not a range (`10%，其中重点检查单位不低于8%`) is left to people:
 * undefined.
 */
export function parseRatio(text: string): { floor: number | null; ceiling: number | null } | undefined {
  const t = text.replace(/\s/g, '').replace(/％/g, '%');
  const percent = (n: string, unit: string | undefined) => (unit === '‰' ? Number(n) / 10 : Number(n));
  const range = /(\d+(?:\.\d+)?)(%|‰)?[-~～—–至到](\d+(?:\.\d+)?)(%|‰)/.exec(t);
  const numbers = [...t.matchAll(/(\d+(?:\.\d+)?)(%|‰)/g)];
  if (range && numbers.length <= 2) {
    const unit = range[2] ?? range[4];
    return { floor: percent(range[1]!, unit), ceiling: percent(range[3]!, range[4]) };
  }
  if (numbers.length === 0) return { floor: null, ceiling: null };
  if (numbers.length > 1) return undefined;
  const value = percent(numbers[0]![1]!, numbers[0]![2]);
  return /不超过|不高于|不大于|最高|以内|以下|上限/.test(t)
    ? { floor: null, ceiling: value }
    : { floor: value, ceiling: null };
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
  const expertText = get('needsExpert').replace(/\s/g, '').toLowerCase();
  const needsExpert = expertText === '' ? false : EXPERT[expertText];
  if (needsExpert === undefined)
    problems.push({
      column: matterLabels.needsExpert,
      problem: `“${expertText}”不是“是否需要专家”的取值，可填 是 或 否`,
    });
  if (problems.length > 0 || !level || needsExpert === undefined)
    return { ok: false, problems, warnings: [] };
  const warnings: RowProblem[] = [];
  const ratioText = get('ratio');
  const ratio = parseRatio(ratioText);
  if (!ratio)
    warnings.push({
      column: matterLabels.ratio,
      problem: `“${ratioText}”含多个数值，未能读出比例的下限或上限；制定计划时请核对`,
    });
  const optional = (field: MatterColumn) => get(field) || null;
  return {
    ok: true,
    warnings,
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
      ratioFloor: ratio?.floor ?? null,
      ratioCeiling: ratio?.ceiling ?? null,
      frequency: optional('frequency'),
      qualificationTags: splitCellList(get('qualificationTags')),
      needsExpert,
    },
  };
}

/**
 * A matter variant's identity, within its department: what names it (事项, 检查对象, 类别, 主体 …), not what a
 * new list may change about it (legal bases, ratio, frequency, qualifications, experts).
 */
export function matterKey(m: MatterRecord, departmentId: number): string {
  const identity = {
    seq: m.seq,
    category: m.category,
    name: m.name,
    targetType: m.targetType,
    level: m.level,
    methods: m.methods,
    subject: m.subject,
    cooperating: m.cooperating,
  };
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
