// One entry to import any register (targets, matters, inspectors), shared by the CLI and the chat: which
// header row to look for, and which import to run.
import { mapInspectorColumns } from '../domain/inspector-record.ts';
import { mapMatterColumns } from '../domain/matter-record.ts';
import { mapTargetColumns } from '../domain/target-record.ts';
import { importInspectors } from './import-inspectors.ts';
import { importMatters } from './import-matters.ts';
import type { ImportOptions, ImportReport, TableSource } from './import-runner.ts';
import { importTargets } from './import-targets.ts';
import type { Store } from './ports.ts';

export const registerKinds = ['targets', 'matters', 'inspectors'] as const;
export type RegisterKind = (typeof registerKinds)[number];

export const registerNames: Record<RegisterKind, string> = {
  targets: '检查对象名录库',
  matters: '抽查事项清单',
  inspectors: '执法检查人员名录库',
};

export interface RegisterImportOptions extends ImportOptions {
  department?: string;
  mapping?: Record<string, string>;
  tag?: string;
  sync?: boolean;
  /** Today in the workspace's time zone (YYYY-MM-DD): expired certificates are warned of. */
  today: string;
}

/** Recognises the kind's header row below any title block. */
export function headerTest(
  kind: RegisterKind,
  options: { department?: string; mapping?: Record<string, string> },
) {
  const given = {
    departmentGiven: Boolean(options.department),
    ...(options.mapping ? { mapping: options.mapping } : {}),
  };
  return (cells: string[]) =>
    (kind === 'targets'
      ? mapTargetColumns(cells, options.mapping)
      : kind === 'matters'
        ? mapMatterColumns(cells, given)
        : mapInspectorColumns(cells, given)
    ).missing.length === 0;
}

export function importRegister(
  store: Store,
  kind: RegisterKind,
  source: TableSource,
  options: RegisterImportOptions,
): Promise<ImportReport> {
  const { today, tag, sync, ...common } = options;
  if (kind === 'targets')
    return importTargets(store, source, { ...common, ...(tag ? { tag } : {}), ...(sync ? { sync } : {}) });
  if (kind === 'matters') return importMatters(store, source, common);
  return importInspectors(store, source, { ...common, today });
}
