// Imports a target-library export. Rows stream through validation into the database in batches inside one
// transaction, so a large file is never held in memory; unless `partial`, any bad row rolls everything back
// (a library is never left half-imported). A dry run goes through the same steps and always rolls back, so it
// reports exactly what an import would do.
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import {
  type ColumnMap,
  mapTargetColumns,
  type TargetField,
  type TargetRecord,
  targetFieldLabels,
  targetRowHash,
  validateTargetRow,
} from '../domain/target-record.ts';
import type { Store, UpsertCounts } from './ports.ts';

/** A table read from a file: its header row and its data rows (1-based row numbers as the user sees them). */
export interface TableSource {
  headers: string[];
  headerRowNumber: number;
  rows: AsyncIterable<{ rowNumber: number; cells: string[] }>;
}

export interface ImportProblem {
  row: number;
  column: string;
  problem: string;
}

export interface ImportReport extends UpsertCounts {
  rejected: number;
  /** Rows read (header excluded). */
  rows: number;
  errors: ImportProblem[];
  /** Errors beyond those listed. */
  moreErrors: number;
  warnings: ImportProblem[];
  committed: boolean;
  unknownColumns: string[];
}

export interface ImportOptions {
  by: AuditActor;
  fileName: string;
  /** The department whose export this is (its code or name). */
  department?: string;
  mapping?: Partial<Record<TargetField, string>>;
  partial?: boolean;
  dryRun?: boolean;
  onProgress?: (rowsRead: number) => void;
}

const MAX_LISTED = 1_000;
const BATCH = 1_000;

class Rollback extends Error {}

export async function importTargets(
  store: Store,
  source: TableSource,
  options: ImportOptions,
): Promise<ImportReport> {
  const map: ColumnMap = mapTargetColumns(source.headers, options.mapping);
  if (map.missing.length > 0) {
    throw new DomainError(
      'IMPORT_COLUMNS_MISSING',
      `第 ${source.headerRowNumber} 行的表头中找不到这些列：${map.missing.map((f) => targetFieldLabels[f]).join('、')}。`,
      `识别到的表头：${source.headers.filter(Boolean).join('、') || '（空）'}。列名不同时，可用映射文件指定（--mapping）。`,
    );
  }
  const department = options.department ? await store.departments.find(options.department) : undefined;
  if (options.department && !department) {
    throw new DomainError(
      'DEPARTMENT_NOT_FOUND',
      `未找到部门“${options.department}”。`,
      '用 jointcheck dept list 查看部门代码。',
    );
  }
  const departmentId = department?.id ?? null;

  const report: ImportReport = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rows: 0,
    errors: [],
    moreErrors: 0,
    warnings: [],
    committed: false,
    unknownColumns: map.unknown,
  };
  const problem = (list: ImportProblem[], p: ImportProblem) => {
    if (list.length < MAX_LISTED) list.push(p);
    else if (list === report.errors) report.moreErrors++;
  };

  try {
    await store.transaction(async (tx) => {
      const firstRowOf = new Map<string, number>();
      let batch: (TargetRecord & { departmentId: number | null; rowHash: string })[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const counts = await tx.targets.upsertMany(batch);
        report.inserted += counts.inserted;
        report.updated += counts.updated;
        report.unchanged += counts.unchanged;
        batch = [];
      };
      for await (const { rowNumber, cells } of source.rows) {
        if (cells.every((c) => c.trim() === '')) continue;
        report.rows++;
        if (report.rows % 10_000 === 0) options.onProgress?.(report.rows);
        const result = validateTargetRow(cells, map);
        for (const w of result.warnings) problem(report.warnings, { row: rowNumber, ...w });
        if (!result.ok) {
          report.rejected++;
          for (const p of result.problems) problem(report.errors, { row: rowNumber, ...p });
          continue;
        }
        const first = firstRowOf.get(result.target.code);
        if (first !== undefined) {
          report.rejected++;
          problem(report.errors, {
            row: rowNumber,
            column: targetFieldLabels.code,
            problem: `代码 ${result.target.code} 与第 ${first} 行重复`,
          });
          continue;
        }
        firstRowOf.set(result.target.code, rowNumber);
        batch.push({ ...result.target, departmentId, rowHash: targetRowHash(result.target, departmentId) });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      options.onProgress?.(report.rows);
      if (report.rows === 0) {
        throw new DomainError(
          'IMPORT_EMPTY',
          '文件中没有数据行。',
          '请确认导出时包含了数据，并且表头在第一行。',
        );
      }
      if (options.dryRun || (report.rejected > 0 && !options.partial)) throw new Rollback();
      await tx.audit.append({
        actor: options.by,
        action: 'import.targets',
        subject: options.fileName,
        outcome: 'ok',
        details: {
          department: department?.code ?? null,
          rows: report.rows,
          inserted: report.inserted,
          updated: report.updated,
          unchanged: report.unchanged,
          rejected: report.rejected,
          partial: Boolean(options.partial),
        },
      });
      report.committed = true;
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
    // Rolled back: a dry run reports what would have happened; a refused import changed nothing.
    if (!options.dryRun) Object.assign(report, { inserted: 0, updated: 0, unchanged: 0 });
  }
  return report;
}
