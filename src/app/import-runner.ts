// The one import mechanism behind every register (targets, matters, inspectors). Rows stream through
// validation into the database in batches inside one transaction, so a large file is never held in memory;
// unless `partial`, any bad row rolls everything back (a register is never left half-imported). A dry run goes
// through the same steps and always rolls back, so it reports exactly what an import would do.
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import { tidy } from '../domain/matter-record.ts';
import type { Department, Repos, Store, UpsertCounts } from './ports.ts';

/** A row as the user sees it in the sheet (1-based row number). */
export interface TableRow {
  rowNumber: number;
  cells: string[];
}

/**
 * A table read from a file: its header row and its data rows, in batches (a million rows pass through one await
 * per batch rather than one per row).
 */
export interface TableSource {
  headers: string[];
  headerRowNumber: number;
  batches: AsyncIterable<TableRow[]>;
  /** How much of the file has been read so far (0–1), for an ETA. */
  fraction?: () => number;
}

export interface ImportProblem {
  row: number;
  column: string;
  problem: string;
}

export interface ImportReport extends UpsertCounts {
  rejected: number;
  /** Records read (header excluded; continuation rows count with their record). */
  rows: number;
  errors: ImportProblem[];
  /** Errors beyond those listed. */
  moreErrors: number;
  warnings: ImportProblem[];
  committed: boolean;
  unknownColumns: string[];
  /** Records of the export's scope that the file no longer lists, marked inactive (--sync). */
  deactivated: number;
}

export type Validated<R> =
  | { ok: true; record: R; key: string; keyColumn: string; warnings: { column: string; problem: string }[] }
  | {
      ok: false;
      problems: { column: string; problem: string }[];
      warnings: { column: string; problem: string }[];
    };

/** What differs between registers. */
export interface ImportKind<R> {
  /** For the audit log: `import.<name>`. */
  name: string;
  /** Column labels the file lacks (nothing is read then), and headers no field uses. */
  missing: string[];
  unknown: string[];
  validate(row: TableRow): Validated<R>;
  upsert(tx: Repos, records: R[]): Promise<UpsertCounts>;
  /**
   * For registers whose indexes are costly to keep up row by row: told how many writes the import expects
   * (estimated from its first batch), and told when the writes are done.
   */
  bulk?: { begin(tx: Repos, expectedWrites: number): Promise<void>; end(tx: Repos): Promise<void> };
  /** Describes the duplicate of an earlier row. */
  duplicate(key: string, firstRow: number): string;
  /**
   * With --sync: marks inactive the records of this export's scope (its department, or a library tag) whose
   * keys the file no longer lists; returns how many. Never deletes: past draws refer to them.
   */
  sync?(tx: Repos, seenKeys: string[]): Promise<number>;
}

export interface ImportOptions {
  by: AuditActor;
  fileName: string;
  partial?: boolean;
  dryRun?: boolean;
  /** Extra facts for the audit entry (e.g. the department whose export this is). */
  details?: Record<string, string | number | boolean | null>;
  onProgress?: (rowsRead: number) => void;
}

const MAX_LISTED = 1_000;
const BATCH = 5_000;

class Rollback extends Error {}

export function missingColumnsError(source: TableSource, missing: string[]): DomainError {
  return new DomainError(
    'IMPORT_COLUMNS_MISSING',
    `第 ${source.headerRowNumber} 行的表头中找不到这些列：${missing.join('、')}。`,
    `识别到的表头：${source.headers.filter(Boolean).join('、') || '（空）'}。列名不同时，可用映射文件指定（--mapping）。`,
  );
}

export async function runImport<R>(
  store: Store,
  source: TableSource,
  kind: ImportKind<R>,
  options: ImportOptions,
): Promise<ImportReport> {
  if (kind.missing.length > 0) throw missingColumnsError(source, kind.missing);
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
    unknownColumns: kind.unknown,
    deactivated: 0,
  };
  const note = (list: ImportProblem[], p: ImportProblem) => {
    if (list.length < MAX_LISTED) list.push(p);
    else if (list === report.errors) report.moreErrors++;
  };

  try {
    await store.transaction(async (tx) => {
      const firstRowOf = new Map<string, number>();
      let batch: R[] = [];
      // One batch is written while the next is read and validated: the database and the parser overlap. Only
      // one: a COPY holds the connection, so nothing else may be sent on it meanwhile.
      let writing: Promise<void> = Promise.resolve();
      let bulkStarted = false;
      const flush = async () => {
        await writing;
        if (batch.length === 0) return;
        const full = batch;
        batch = [];
        writing = kind.upsert(tx, full).then(async (counts) => {
          report.inserted += counts.inserted;
          report.updated += counts.updated;
          report.unchanged += counts.unchanged;
          if (kind.bulk && !bulkStarted) {
            // The first batch tells how much of the file changes; the bytes read so far, how big the file is.
            bulkStarted = true;
            const fraction = source.fraction?.() ?? 1;
            const expectedRows = fraction > 0 ? report.rows / fraction : report.rows;
            await kind.bulk.begin(tx, ((counts.inserted + counts.updated) / full.length) * expectedRows);
          }
        });
        // Awaited by the next flush; a failure meanwhile must not count as an unhandled rejection (which
        // would end the process instead of failing the import).
        writing.catch(() => undefined);
      };
      for await (const rows of source.batches) {
        // Validation is synchronous: give the database driver's replies a turn between batches, so the
        // writes in flight keep moving while the next rows are checked.
        await new Promise((resolve) => setImmediate(resolve));
        for (const row of rows) {
          if (row.cells.every((c) => c.trim() === '')) continue;
          report.rows++;
          if (report.rows % 10_000 === 0) options.onProgress?.(report.rows);
          const result = kind.validate(row);
          for (const w of result.warnings) note(report.warnings, { row: row.rowNumber, ...w });
          if (!result.ok) {
            report.rejected++;
            for (const p of result.problems) note(report.errors, { row: row.rowNumber, ...p });
            continue;
          }
          const first = firstRowOf.get(result.key);
          if (first !== undefined) {
            report.rejected++;
            note(report.errors, {
              row: row.rowNumber,
              column: result.keyColumn,
              problem: kind.duplicate(result.key, first),
            });
            continue;
          }
          firstRowOf.set(result.key, row.rowNumber);
          batch.push(result.record);
          if (batch.length >= BATCH) await flush();
        }
      }
      await flush();
      await writing;
      if (bulkStarted) await kind.bulk?.end(tx);
      options.onProgress?.(report.rows);
      if (report.rows === 0) {
        throw new DomainError('IMPORT_EMPTY', '文件中没有数据行。', '请确认导出时包含了数据，并且表头完整。');
      }
      // A row rejected for its other fields still names a record of the scope: syncing then would wrongly
      // deactivate it, so --sync needs a clean file.
      if (kind.sync && report.rejected > 0) {
        report.errors.unshift({
          row: 0,
          column: '',
          problem: '有错误行时不执行同步（--sync），本次什么也没有导入；改正后重新导入',
        });
        throw new Rollback();
      }
      if (kind.sync) report.deactivated = await kind.sync(tx, [...firstRowOf.keys()]);
      if (options.dryRun || (report.rejected > 0 && !options.partial)) throw new Rollback();
      await tx.audit.append({
        actor: options.by,
        action: `import.${kind.name}`,
        subject: options.fileName,
        outcome: 'ok',
        details: {
          ...options.details,
          rows: report.rows,
          inserted: report.inserted,
          updated: report.updated,
          unchanged: report.unchanged,
          rejected: report.rejected,
          deactivated: report.deactivated,
          partial: Boolean(options.partial),
        },
      });
      report.committed = true;
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
    // Rolled back: a dry run reports what would have happened; a refused import changed nothing.
    if (!options.dryRun) Object.assign(report, { inserted: 0, updated: 0, unchanged: 0, deactivated: 0 });
  }
  return report;
}

/**
 * The report's errors as a CSV file (row, column, problem), with a byte-order mark so Excel opens it as UTF-8:
 * written beside the file by the command line, sent in the chat after an import from the chat.
 */
export function errorFileCsv(report: ImportReport): string {
  const quote = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
  const lines = report.errors.map((e) => [e.row || '', e.column, e.problem].map(quote).join(','));
  if (report.moreErrors > 0)
    lines.push([quote(''), quote(''), quote(`另有 ${report.moreErrors} 个错误未列出`)].join(','));
  return `\uFEFF行号,列,问题\n${lines.join('\n')}\n`;
}

/** The department an export belongs to (`--dept`: code, name or alias); an unknown one stops the import. */
export async function givenDepartment(
  store: Store,
  text: string | undefined,
): Promise<Department | undefined> {
  if (!text) return undefined;
  const found = await store.departments.find(text);
  if (!found) {
    throw new DomainError(
      'DEPARTMENT_NOT_FOUND',
      `未找到部门“${text}”。`,
      '用 jointcheck dept list 查看部门代码。',
    );
  }
  return found;
}

/** Maps the department names a list uses (codes, names, short names, aliases) to department ids. */
export async function departmentNames(store: Store): Promise<(text: string) => number | undefined> {
  const byName = new Map<string, number>();
  for (const d of await store.departments.list()) {
    for (const text of [d.code, d.name, d.shortName, ...d.aliases]) if (text) byName.set(tidy(text), d.id);
  }
  return (text) => byName.get(tidy(text));
}
