// Importing a matters list (随机抽查事项清单) through the import runner. Department names in the list are mapped
// through the departments' names and aliases (a provincial list names 省教育厅 where the county has 区教体局);
// names that map to no department are reported, row by row.
import { DomainError } from '../domain/errors.ts';
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
  const given = options.department ? await store.departments.find(options.department) : undefined;
  if (options.department && !given) {
    throw new DomainError(
      'DEPARTMENT_NOT_FOUND',
      `未找到部门“${options.department}”。`,
      '用 jointcheck dept list 查看部门代码。',
    );
  }
  const map = mapMatterColumns(source.headers, {
    departmentGiven: Boolean(given),
    ...(options.mapping ? { mapping: options.mapping } : {}),
  });
  const byName = new Map<string, number>();
  for (const d of await store.departments.list()) {
    for (const text of [d.code, d.name, d.shortName, ...d.aliases]) if (text) byName.set(tidy(text), d.id);
  }
  const kind: ImportKind<Row> = {
    name: 'matters',
    missing: map.missing.map((f) => matterLabels[f]),
    unknown: map.unknown,
    validate({ cells }) {
      const result = validateMatterRow(cells, map, given?.name);
      if (!result.ok) return result;
      let m = result.matter;
      const warnings = [...result.warnings];
      let departmentId = byName.get(tidy(m.departmentText));
      // A joint list may name several initiating departments in one cell: the first one owns the matter, the
      // others are kept beside the cooperating departments.
      const named = m.departmentText
        .split(/[、，,;；/]/)
        .map(tidy)
        .filter(Boolean);
      if (departmentId === undefined && named.length > 1 && byName.has(named[0]!)) {
        departmentId = byName.get(named[0]!);
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
  const grouped: TableSource = { ...source, rows: groupContinuationRows(source.rows, map) };
  return runImport(store, grouped, kind, { ...options, details: { department: given?.code ?? null } });
}
