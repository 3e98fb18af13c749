// Reads a table from a file as offices really have it. The format is told by the content, not the name:
// CSV in UTF-8 or GBK/GB18030 (Excel on Chinese Windows writes GBK), xlsx (a zip), legacy xls (BIFF8) and the
// Excel 2003 XML that WPS saves under an .xlsx name. CSV is streamed, never held in memory whole.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import type { TableSource } from '../app/import-targets.ts';
import { DomainError } from '../domain/errors.ts';

export type TableFormat = 'csv' | 'xlsx' | 'xls' | 'spreadsheetml';

const SNIFF_BYTES = 64 * 1024;

/** Tells a file's format and, for text, its encoding from its first bytes. */
export async function sniffFile(
  path: string,
): Promise<{ format: TableFormat; encoding: 'utf-8' | 'gb18030' }> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new DomainError(
      'FILE_NOT_FOUND',
      error.code === 'ENOENT' ? `找不到文件 ${path}。` : `无法读取文件 ${path}（${error.code}）。`,
    );
  });
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if (bytesRead === 0) throw new DomainError('IMPORT_EMPTY', '文件是空的。');
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
      return { format: 'xlsx', encoding: 'utf-8' };
    if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
      return { format: 'xls', encoding: 'utf-8' };
    }
    const start = head.subarray(0, 2048).toString('utf8');
    if (
      /^(\uFEFF)?\s*<\?xml/.test(start) &&
      /urn:schemas-microsoft-com:office:spreadsheet|mso-application/.test(head.toString('utf8'))
    ) {
      return { format: 'spreadsheetml', encoding: 'utf-8' };
    }
    // Text: control bytes other than tab/CR/LF mean this is no spreadsheet at all.
    let control = 0;
    for (const byte of head) if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) control++;
    if (control > bytesRead / 100) {
      throw new DomainError('IMPORT_NOT_A_TABLE', '这不是表格文件。', '请上传 .xlsx、.xls 或 .csv 文件。');
    }
    return { format: 'csv', encoding: isUtf8(head, bytesRead === SNIFF_BYTES) ? 'utf-8' : 'gb18030' };
  } finally {
    await handle.close();
  }
}

/** Valid UTF-8 (a multi-byte character cut off by the sniff window is allowed at the very end). */
function isUtf8(bytes: Buffer, truncated: boolean): boolean {
  const body = truncated ? bytes.subarray(0, Math.max(0, bytes.length - 4)) : bytes;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}

/** Decodes a byte stream in any encoding the platform's ICU knows (GBK files are read as GB18030, its superset). */
function decoder(encoding: string): Transform {
  const text = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, text.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, text.decode());
    },
  });
}

async function readCsv(path: string, encoding: string): Promise<TableSource> {
  const parser = createReadStream(path)
    .pipe(decoder(encoding))
    .pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false, info: true }));
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{
    record: string[];
    info: { lines: number };
  }>;
  let first: IteratorResult<{ record: string[]; info: { lines: number } }>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw new DomainError('IMPORT_BAD_CSV', `CSV 文件格式有误：${(error as Error).message}`);
  }
  if (first.done) throw new DomainError('IMPORT_EMPTY', '文件是空的。');
  const headers = first.value.record.map((h) => h.trim());
  async function* rows() {
    let rowNumber = 1;
    for (;;) {
      let next: IteratorResult<{ record: string[]; info: { lines: number } }>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw new DomainError(
          'IMPORT_BAD_CSV',
          `CSV 文件在第 ${rowNumber + 1} 行附近格式有误：${(error as Error).message}`,
        );
      }
      if (next.done) return;
      rowNumber++;
      yield { rowNumber, cells: next.value.record };
    }
  }
  return { headers, headerRowNumber: 1, rows: rows() };
}

export async function readTable(
  path: string,
): Promise<TableSource & { format: TableFormat; encoding: string }> {
  const { format, encoding } = await sniffFile(path);
  if (format !== 'csv') {
    throw new DomainError(
      'IMPORT_FORMAT_PENDING',
      `这是 ${format === 'xls' ? '旧版 Excel（.xls）' : format === 'xlsx' ? 'Excel（.xlsx）' : 'Excel 2003 XML'} 文件，本版本暂时只能导入 CSV。`,
      '请在 Excel 或 WPS 中“另存为 CSV”后再导入。',
    );
  }
  return { ...(await readCsv(path, encoding)), format, encoding };
}
