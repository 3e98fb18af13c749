// Importing a register from a spreadsheet someone sent the bot: the newest file that person sent in this chat
// (within a day) is fetched from the platform and imported as from the command line. A liaison imports for
// their own department; the office for any.
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { headerTest, importRegister, type RegisterKind, registerNames } from './import-registers.ts';
import type { ImportReport } from './import-runner.ts';
import type { Department } from './ports.ts';
import type { Services } from './services.ts';

const FILE_WINDOW_MS = 24 * 3_600_000;

export interface ChatImportInput {
  kind: RegisterKind;
  by: AuditActor;
  roles: readonly Role[];
  ownDepartment?: Department;
  /** Only the office may name another department. */
  department?: string;
  chatId: string;
  senderId: string;
  partial?: boolean;
  dryRun?: boolean;
  sync?: boolean;
  today: string;
  /** Told the file's name when it starts, then the rows read as the import goes. */
  onStart?: (fileName: string) => Promise<void>;
  onProgress?: (rowsRead: number) => void;
}

export async function importFromChat(
  services: Services,
  input: ChatImportInput,
): Promise<{ report: ImportReport; fileName: string; department?: string }> {
  const { store, files, tables } = services;
  if (!files || !tables)
    throw new DomainError(
      'IMPORT_NO_FILES',
      '这个平台不支持从聊天中导入文件，请使用命令行 jointcheck import。',
    );
  const isOffice = input.roles.includes('office');
  if (input.department && !isOffice) {
    throw new DomainError('IMPORT_OTHER_DEPARTMENT', '联络员只能为本部门导入；为其他部门导入请联系办公室。');
  }
  const department = input.department ?? (isOffice ? undefined : input.ownDepartment?.code);
  const file = await store.chatFiles.latest(
    services.platform,
    input.chatId,
    input.senderId,
    new Date(services.clock.now().getTime() - FILE_WINDOW_MS),
  );
  if (!file) {
    throw new DomainError(
      'IMPORT_NO_FILE',
      `没有找到您最近发来的表格文件。请先把${registerNames[input.kind]}的表格发给我，再发送这条命令。`,
      '支持 .xlsx、.xls、WPS 存成的表格和 CSV（UTF-8 或 GBK）。',
    );
  }
  await input.onStart?.(file.fileName);
  const bytes = await files.fetch(file);
  const { table, dispose } = await tables.read(bytes, {
    isHeader: headerTest(input.kind, department ? { department } : {}),
  });
  try {
    const report = await importRegister(store, input.kind, table, {
      by: input.by,
      fileName: file.fileName,
      today: input.today,
      ...(department ? { department } : {}),
      partial: Boolean(input.partial),
      dryRun: Boolean(input.dryRun),
      ...(input.sync ? { sync: true } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    return { report, fileName: file.fileName, ...(department ? { department } : {}) };
  } finally {
    await dispose();
  }
}
