// Importing a target-library export (检查对象名录库, seed 000 art. 9) through the import runner.
import { DomainError } from '../domain/errors.ts';
import {
  mapTargetColumns,
  type TargetField,
  type TargetRecord,
  targetFieldLabels,
  targetRowHash,
  validateTargetRow,
} from '../domain/target-record.ts';
import {
  type ImportKind,
  type ImportOptions,
  type ImportReport,
  runImport,
  type TableSource,
} from './import-runner.ts';
import type { Store } from './ports.ts';

export interface ImportTargetsOptions extends ImportOptions {
  /** The department whose export this is (its code, name or alias). */
  department?: string;
  mapping?: Partial<Record<TargetField, string>>;
}

type Row = TargetRecord & { departmentId: number | null; rowHash: string };

export async function importTargets(
  store: Store,
  source: TableSource,
  options: ImportTargetsOptions,
): Promise<ImportReport> {
  const map = mapTargetColumns(source.headers, options.mapping);
  const department = options.department ? await store.departments.find(options.department) : undefined;
  if (options.department && !department) {
    throw new DomainError(
      'DEPARTMENT_NOT_FOUND',
      `未找到部门“${options.department}”。`,
      '用 jointcheck dept list 查看部门代码。',
    );
  }
  const departmentId = department?.id ?? null;
  const kind: ImportKind<Row> = {
    name: 'targets',
    missing: map.missing.map((f) => targetFieldLabels[f]),
    unknown: map.unknown,
    validate({ cells }) {
      const result = validateTargetRow(cells, map);
      if (!result.ok) return result;
      const t = result.target;
      return {
        ok: true,
        key: t.code,
        keyColumn: targetFieldLabels.code,
        warnings: result.warnings,
        record: { ...t, departmentId, rowHash: targetRowHash(t, departmentId) },
      };
    },
    upsert: (tx, rows) => tx.targets.upsertMany(rows),
    duplicate: (code, first) => `代码 ${code} 与第 ${first} 行重复`,
  };
  return runImport(store, source, kind, { ...options, details: { department: department?.code ?? null } });
}
