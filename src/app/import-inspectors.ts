import {
  type InspectorColumn,
  inspectorKey,
  inspectorLabels,
  inspectorRowHash,
  mapInspectorColumns,
  validateInspectorRow,
} from '../domain/inspector-record.ts';
import {
  departmentNames,
  givenDepartment,
  type ImportKind,
  type ImportOptions,
  type ImportReport,
  runImport,
  type TableSource,
} from './import-runner.ts';
import type { InspectorRow, Store } from './ports.ts';

export interface ImportInspectorsOptions extends ImportOptions {
  department?: string;
  mapping?: Partial<Record<InspectorColumn, string>>;
  /** Today's date (YYYY-MM-DD) in Asia/Shanghai, to warn of expired certificates. */
  today: string;
}

export async function importInspectors(
  store: Store,
  source: TableSource,
  options: ImportInspectorsOptions,
): Promise<ImportReport> {
  const given = await givenDepartment(store, options.department);
  const map = mapInspectorColumns(source.headers, {
    departmentGiven: Boolean(given),
    ...(options.mapping ? { mapping: options.mapping } : {}),
  });
  const departmentOf = await departmentNames(store);
  // A certificate number is personal: one already registered under another name is a data error to report,
  // not a reason to rename that person.
  const nameOfKey = new Map((await store.inspectors.registered()).map((r) => [r.registerKey, r.name]));
  const kind: ImportKind<InspectorRow> = {
    name: 'inspectors',
    missing: map.missing.map((f) => inspectorLabels[f]),
    unknown: map.unknown,
    validate({ cells }) {
      const result = validateInspectorRow(cells, map, options.today, given?.name);
      if (!result.ok) return result;
      const r = result.inspector;
      const departmentId = departmentOf(r.departmentText);
      if (departmentId === undefined) {
        return {
          ok: false,
          warnings: result.warnings,
          problems: [
            {
              column: inspectorLabels.department,
              problem: `“${r.departmentText}”不是已登记的成员单位，也不是任何部门的别名`,
            },
          ],
        };
      }
      const { departmentText: _, ...rest } = r;
      const registerKey = inspectorKey(r, departmentId);
      const holder = nameOfKey.get(registerKey);
      if (r.certificateNo && holder !== undefined && holder !== r.name) {
        return {
          ok: false,
          warnings: result.warnings,
          problems: [
            {
              column: inspectorLabels.certificateNo,
              problem: `执法证号 ${r.certificateNo} 已登记在“${holder}”名下，请核对（确需更正姓名请联系办公室）`,
            },
          ],
        };
      }
      return {
        ok: true,
        key: registerKey,
        keyColumn: r.certificateNo ? inspectorLabels.certificateNo : inspectorLabels.name,
        warnings: result.warnings,
        record: { ...rest, departmentId, registerKey, rowHash: inspectorRowHash(r, departmentId) },
      };
    },
    async upsert(tx, rows) {
      // The units the library names become the department's sub-units (所、队、科室).
      const unitsOf = new Map<number, Set<string>>();
      for (const r of rows) {
        if (!r.unit) continue;
        const units = unitsOf.get(r.departmentId) ?? new Set<string>();
        unitsOf.set(r.departmentId, units.add(r.unit));
      }
      for (const [departmentId, units] of unitsOf) {
        await tx.departments.addNames(departmentId, 'units', [...units]);
      }
      return tx.inspectors.upsertMany(rows);
    },
    duplicate: (key, first) =>
      key.includes(':cert:')
        ? `执法证号与第 ${first} 行重复`
        : `与第 ${first} 行是同一人（同一单位、同名；如确为两人，请填写执法证号）`,
  };
  return runImport(store, source, kind, { ...options, details: { department: given?.code ?? null } });
}
