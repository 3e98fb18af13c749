// One row of an inspector library (执法检查人员名录库, seed 000 art. 10): enforcement officers with a 执法证, and
// daily-supervision staff and experts without one. The same people records hold chat bindings; an inspector is a
// person with these attributes.
import { hash } from 'node:crypto';
import { type ColumnMapOf, mapColumns } from './columns.ts';
import { tidy } from './matter-record.ts';
import { parseDate, type RowProblem } from './target-record.ts';

export interface InspectorRecord {
  departmentText: string;
  name: string;
  unit: string | null;
  position: string | null;
  certificateNo: string | null;
  certificateValidUntil: string | null;
  qualificationTags: string[];
  expertise: string[];
  area: string | null;
  isExpert: boolean;
}

export type InspectorColumn = Exclude<keyof InspectorRecord, 'departmentText'> | 'department';

export const inspectorHeaders: Record<InspectorColumn, string[]> = {
  department: ['部门', '所属部门', '执法部门', '成员单位'],
  unit: ['所在单位', '科室', '所队', '所在科室', '所在科室/所队', '工作单位', '单位'],
  name: ['姓名'],
  position: ['职务', '岗位', '职务/岗位'],
  certificateNo: ['执法证号', '执法证件号', '行政执法证号', '执法证编号'],
  certificateValidUntil: ['执法证有效期', '有效期至', '证件有效期', '执法证有效期至'],
  qualificationTags: ['执法类别', '检查资格', '执法资格', '资格', '资格标签'],
  expertise: ['专长', '专业特长', '业务专长', '专业'],
  area: ['片区', '负责片区', '所属片区'],
  isExpert: ['是否专家', '专家'],
};

export const inspectorLabels: Record<InspectorColumn, string> = {
  department: '部门',
  unit: '所在单位',
  name: '姓名',
  position: '职务',
  certificateNo: '执法证号',
  certificateValidUntil: '执法证有效期',
  qualificationTags: '执法类别/资格',
  expertise: '专长',
  area: '片区',
  isExpert: '是否专家',
};

export type InspectorColumnMap = ColumnMapOf<InspectorColumn>;

export function mapInspectorColumns(
  headers: string[],
  options: { departmentGiven?: boolean; mapping?: Partial<Record<InspectorColumn, string>> } = {},
): InspectorColumnMap {
  const required: InspectorColumn[] = options.departmentGiven ? ['name'] : ['name', 'department'];
  return mapColumns(headers, inspectorHeaders, required, options.mapping);
}

const YES = new Set(['是', 'y', 'yes', '1', '√', '✓', 'true', '专家']);
const NO = new Set(['否', 'n', 'no', '0', 'false', '']);
const list = (text: string) =>
  text
    .split(/[,，、;；\n]+/)
    .map((t) => t.trim())
    .filter(Boolean);

export type InspectorRowResult =
  | { ok: true; inspector: InspectorRecord; warnings: RowProblem[] }
  | { ok: false; problems: RowProblem[]; warnings: RowProblem[] };

/** `today` (YYYY-MM-DD) tells an expired certificate, which is imported with a warning. */
export function validateInspectorRow(
  cells: string[],
  map: InspectorColumnMap,
  today: string,
  defaultDepartment?: string,
): InspectorRowResult {
  const get = (field: InspectorColumn) => {
    const i = map.columns[field];
    return i === undefined ? '' : tidy(cells[i]);
  };
  const problems: RowProblem[] = [];
  const warnings: RowProblem[] = [];
  const name = get('name').replace(/\s/g, '');
  if (!name) problems.push({ column: inspectorLabels.name, problem: '姓名为空' });
  const departmentText = get('department') || defaultDepartment || '';
  if (!departmentText) problems.push({ column: inspectorLabels.department, problem: '没有写明部门' });
  const certificateNo = get('certificateNo').replace(/\s/g, '').toUpperCase() || null;
  if (certificateNo && !/^[0-9A-Z-]{4,30}$/.test(certificateNo)) {
    problems.push({ column: inspectorLabels.certificateNo, problem: '执法证号只能包含数字、字母和短横线' });
  }
  const validText = get('certificateValidUntil');
  const certificateValidUntil = validText ? parseDate(validText) : null;
  if (validText && !certificateValidUntil) {
    problems.push({
      column: inspectorLabels.certificateValidUntil,
      problem: `“${validText}”不是有效日期（例如 2027-12-31）`,
    });
  }
  if (certificateNo && !validText)
    warnings.push({ column: inspectorLabels.certificateValidUntil, problem: '有执法证号但没有有效期' });
  if (certificateValidUntil && certificateValidUntil < today) {
    warnings.push({
      column: inspectorLabels.certificateValidUntil,
      problem: `执法证已于 ${certificateValidUntil} 过期`,
    });
  }
  const expertText = get('isExpert').toLowerCase();
  if (!YES.has(expertText) && !NO.has(expertText)) {
    problems.push({ column: inspectorLabels.isExpert, problem: `“${expertText}”请填 是 或 否` });
  }
  if (problems.length > 0) return { ok: false, problems, warnings };
  return {
    ok: true,
    warnings,
    inspector: {
      departmentText,
      name,
      unit: get('unit') || null,
      position: get('position') || null,
      certificateNo,
      certificateValidUntil: certificateValidUntil ?? null,
      qualificationTags: list(get('qualificationTags')),
      expertise: list(get('expertise')),
      area: get('area') || null,
      isExpert: YES.has(expertText),
    },
  };
}

/** Identity in the library: the certificate when there is one, otherwise unit and name. */
export function inspectorKey(r: InspectorRecord, departmentId: number): string {
  return r.certificateNo
    ? `${departmentId}:cert:${r.certificateNo}`
    : `${departmentId}:name:${r.unit ?? ''}:${r.name}`;
}

export function inspectorRowHash(r: InspectorRecord, departmentId: number): string {
  const { departmentText: _, ...fields } = r;
  return hash('sha256', JSON.stringify([departmentId, ...Object.values(fields)]), 'hex').slice(0, 32);
}

/** 执法证号 as shown in cards: the first two and last two characters. */
export function maskCertificate(no: string | null): string {
  if (!no) return '';
  return no.length <= 4
    ? '*'.repeat(no.length)
    : `${no.slice(0, 2)}${'*'.repeat(no.length - 4)}${no.slice(-2)}`;
}
