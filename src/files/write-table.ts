// Writes a table as an .xlsx workbook (SheetJS): the public tables offices publish, e.g. the joint annual plan.
// Every cell is text, so codes and dates stay exactly as written; columns are sized to their content.
import type { TableWriter } from '../app/ports.ts';

export const xlsxTableWriter: TableWriter = {
  async write(sheetName, rows, options = {}) {
    const XLSX = await import('@e965/xlsx');
    const all = options.title ? [[options.title], ...rows] : rows;
    const sheet = XLSX.utils.aoa_to_sheet(all.map((r) => r.map((c) => ({ t: 's', v: c }))));
    const widths = (rows[0] ?? []).map((_, i) =>
      Math.min(
        60,
        Math.max(6, ...rows.map((r) => Math.max(...(r[i] ?? '').split('\n').map((l) => l.length)) * 2)),
      ),
    );
    sheet['!cols'] = widths.map((wch) => ({ wch }));
    if (options.title && rows[0]) {
      sheet['!merges'] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: rows[0].length - 1 } }];
    }
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, sheetName.slice(0, 31));
    return Buffer.from(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Uint8Array);
  },
};
