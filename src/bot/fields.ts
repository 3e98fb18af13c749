// Form and argument fields several commands read the same way.
import { z } from 'zod';

/** A record's number as typed: `3` or `#3`; `missing` is said when it is left out. */
export const recordNumber = (missing?: string) =>
  z
    .string(missing ? { error: missing } : undefined)
    .transform((v) => Number(v.replace(/^#/, '')))
    .pipe(z.number({ error: '编号应为数字' }).int());

/** A date field (a date picker may send a time after it); `missing` is said when it is left empty. */
export const dateField = (missing: string) =>
  z
    .string({ error: missing })
    .transform((v) => v.slice(0, 10))
    .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'));
