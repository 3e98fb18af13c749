// Finding a register's columns in a file's header row, by the header names real exports use. Shared by every
// register (targets, matters, inspectors); each supplies its own names and required fields.

/** Folds spaces (also U+3000), half-width brackets and case, so header spellings compare equal. */
export function normaliseHeader(text: string): string {
  return text
    .replace(/[\s\u3000]/g, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .toLowerCase();
}

/** A cell that lists several values (专项库, 资质要求, a plan's 片区 …): split on commas, 、, semicolons or spaces. */
export function splitCellList(text: string | undefined): string[] {
  return (text ?? '').split(/[,，、;；\s]+/).filter(Boolean);
}

export interface ColumnMapOf<F extends string> {
  columns: Partial<Record<F, number>>;
  missing: F[];
  unknown: string[];
}

/**
 * Finds each field's column (a column serves one field only). `mapping` (field → header, from a mapping file)
 * wins over the known names. Required fields without a column are `missing`; headers no field uses, `unknown`.
 */
export function mapColumns<F extends string>(
  headers: string[],
  names: Record<F, string[]>,
  required: readonly F[],
  mapping: Partial<Record<F, string>> = {},
): ColumnMapOf<F> {
  const normalised = headers.map(normaliseHeader);
  const columns: Partial<Record<F, number>> = {};
  const taken = new Set<number>();
  for (const field of Object.keys(names) as F[]) {
    const wanted = mapping[field] ? [mapping[field]!] : names[field];
    const index = normalised.findIndex(
      (h, i) => !taken.has(i) && h !== '' && wanted.some((w) => normaliseHeader(w) === h),
    );
    if (index >= 0) {
      columns[field] = index;
      taken.add(index);
    }
  }
  return {
    columns,
    missing: required.filter((f) => columns[f] === undefined),
    unknown: headers.filter((h, i) => h.trim() !== '' && !taken.has(i)),
  };
}
