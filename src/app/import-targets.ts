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
  givenDepartment,
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
  /** A library tag (专项库) this export is: added to every row, and the scope of --sync. */
  tag?: string;
  /** The file is a full export of its scope (--dept or --tag): targets of that scope it no longer lists go inactive. */
  sync?: boolean;
}

type Row = TargetRecord & { departmentId: number | null; rowHash: string };

export async function importTargets(
  store: Store,
  source: TableSource,
  options: ImportTargetsOptions,
): Promise<ImportReport> {
  const map = mapTargetColumns(source.headers, options.mapping);
  const department = await givenDepartment(store, options.department);
  const departmentId = department?.id ?? null;
  if (options.sync && !department && !options.tag) {
    throw new DomainError(
      'IMPORT_SYNC_SCOPE',
      '同步（--sync）需要指明这份文件是谁的全量导出：--dept 部门 或 --tag 专项库。',
      '同步只在该范围内把文件中没有的对象标为停用，绝不影响整个共享名录库。',
    );
  }
  const tag = options.tag?.trim();
  const kind: ImportKind<Row> = {
    name: 'targets',
    missing: map.missing.map((f) => targetFieldLabels[f]),
    unknown: map.unknown,
    validate({ cells }) {
      const result = validateTargetRow(cells, map);
      if (!result.ok) return result;
      // The record is new and ours: completed in place rather than copied (a million rows make copies count).
      const record = result.target as Row;
      if (tag && !record.tags.includes(tag)) record.tags.push(tag);
      record.departmentId = departmentId;
      record.rowHash = targetRowHash(result.target, departmentId);
      return {
        ok: true,
        key: record.code,
        keyColumn: targetFieldLabels.code,
        warnings: result.warnings,
        record,
      };
    },
    upsert: (tx, rows) => tx.targets.upsertMany(rows),
    bulk: {
      begin: (tx, expected) => tx.targets.beginBulkWrite(expected),
      end: (tx) => tx.targets.endBulkWrite(),
    },
    duplicate: (code, first) => `代码 ${code} 与第 ${first} 行重复`,
    ...(options.sync
      ? {
          sync: (tx, codes) =>
            tx.targets.deactivateMissing(tag ? { tag } : { departmentId: departmentId! }, codes),
        }
      : {}),
  };
  try {
    return await runImport(store, source, kind, {
      ...options,
      details: { department: department?.code ?? null, tag: tag ?? null, sync: Boolean(options.sync) },
    });
  } finally {
    // Committed or rolled back, the rows written leave pages a draw's freeze cannot read from the pool-order
    // index alone until they are vacuumed. A failure here loses nothing: the database's autovacuum does the same
    // later, so it is not the import's failure.
    await store.targets.settle().catch(() => {});
  }
}
