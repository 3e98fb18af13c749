import {
  groupContinuationRows,
  type MatterColumn,
  type MatterRecord,
  mapMatterColumns,
  matterKey,
  matterLabels,
  matterRowHash,
  tidy,
  validateMatterRow,
} from '../domain/matter-record.ts';
import {
  departmentNames,
  givenDepartment,
  type ImportKind,
  type ImportOptions,
  type ImportReport,
  runImport,
  type TableSource,
} from './import-runner.ts';
import type { Store } from './ports.ts';

export interface ImportMattersOptions extends ImportOptions {
  /** The department whose list this is, for lists without a department column (code, name or alias). */
  department?: string;
  mapping?: Partial<Record<MatterColumn, string>>;
}

type Row = Omit<MatterRecord, 'departmentText'> & {
  departmentId: number;
  variantKey: string;
  rowHash: string;
};

export async function importMatters(
  store: Store,
  source: TableSource,
  options: ImportMattersOptions,
): Promise<ImportReport> {
  const given = await givenDepartment(store, options.department);
  const map = mapMatterColumns(source.headers, {
    departmentGiven: Boolean(given),
    ...(options.mapping ? { mapping: options.mapping } : {}),
  });
  const departmentOf = await departmentNames(store);
  const kind: ImportKind<Row> = {
    name: 'matters',
    missing: map.missing.map((f) => matterLabels[f]),
    unknown: map.unknown,
    validate({ cells }) {
      const result = validateMatterRow(cells, map, given?.name);
      if (!result.ok) return result;
      let m = result.matter;
      const warnings = [...result.warnings];
      let departmentId = departmentOf(m.departmentText);
      // A joint list may name several initiating departments in one cell: the first one owns the matter, the
      // others are kept beside the cooperating departments.
      const named = m.departmentText
        .split(/[、，,;；/]/)
        .map(tidy)
        .filter(Boolean);
      if (departmentId === undefined && named.length > 1 && departmentOf(named[0]!) !== undefined) {
        departmentId = departmentOf(named[0]!);
        const others = named.slice(1).join('、');
        m = { ...m, cooperating: [m.cooperating, `共同发起：${others}`].filter(Boolean).join('；') };
        warnings.push({
          column: matterLabels.department,
          problem: `列出多个部门，归属第一个（${named[0]}），其余（${others}）记入配合部门`,
        });
      }
      if (departmentId === undefined) {
        return {
          ok: false,
          warnings: [],
          problems: [
            {
              column: matterLabels.department,
              problem: `“${m.departmentText}”不是已登记的成员单位，也不是任何部门的别名（用 jointcheck dept alias 添加）`,
            },
          ],
        };
      }
      const { departmentText: _, ...rest } = m;
      const variantKey = matterKey(m, departmentId);
      return {
        ok: true,
        key: variantKey,
        keyColumn: matterLabels.name,
        warnings,
        record: { ...rest, departmentId, variantKey, rowHash: matterRowHash(m, departmentId) },
      };
    },
    upsert: (tx, rows) => tx.matters.upsertMany(rows),
    duplicate: (_key, first) =>
      `与第 ${first} 行是同一事项（部门、类别、事项、检查对象、类别、方式、主体都相同）`,
  };
  const grouped: TableSource = { ...source, batches: groupContinuationRows(source.batches, map) };
  return runImport(store, grouped, kind, { ...options, details: { department: given?.code ?? null } });
}
