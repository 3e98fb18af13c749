// The working-day calendar the bot counts deadlines with: the official schedules bundled in `chinese-days`
// (State Council notices, 2004 to its last release), overridden year by year by schedules the admin imports
// (`jointcheck calendar import`) — for a year the package does not cover yet, or to correct one.
import official from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import { parseDate } from '../domain/target-record.ts';
import { WorkingCalendar, type YearSchedule } from '../domain/working-days.ts';
import type { Repos, Store } from './ports.ts';

/**
 * The bundled years. chinese-days answers any date, falling back to Monday–Friday for years it has no notice
 * for; only years with at least one holiday are taken as covered.
 */
export function officialSchedules(): YearSchedule[] {
  const byYear = new Map<number, { offDays: string[]; workDays: string[] }>();
  const year = (date: string) => {
    const y = Number(date.slice(0, 4));
    if (!byYear.has(y)) byYear.set(y, { offDays: [], workDays: [] });
    return byYear.get(y)!;
  };
  for (const date of Object.keys(official.holidays)) year(date).offDays.push(date);
  for (const date of Object.keys(official.workdays)) year(date).workDays.push(date);
  return [...byYear]
    .filter(([, s]) => s.offDays.length > 0)
    .map(([y, s]) => ({ year: y, ...s, source: 'official' as const }));
}

const bundled = officialSchedules();

/** The calendar as it stands now: bundled years, then the admin's overrides. */
export async function workingCalendar(store: Pick<Repos, 'calendar'>): Promise<WorkingCalendar> {
  return new WorkingCalendar([...bundled, ...(await store.calendar.overrides())]);
}

/**
 * A schedule file in the format the State Council's notices are commonly published in as data
 * (`{ "year": 2027, "days": [{ "date": "2027-02-06", "isOffDay": true, "name": "春节" }, …] }`).
 */
const ScheduleFile = z.object({
  year: z.number().int().min(2000).max(2100),
  days: z.array(z.object({ date: z.string(), isOffDay: z.boolean(), name: z.string().optional() })),
});

export async function importCalendar(
  store: Store,
  text: string,
  by: AuditActor,
): Promise<{ year: number; offDays: number; workDays: number; replaced: boolean }> {
  let parsed: z.infer<typeof ScheduleFile>;
  try {
    parsed = ScheduleFile.parse(JSON.parse(text));
  } catch {
    throw new DomainError(
      'CALENDAR_BAD_FILE',
      '这不是节假日安排文件。',
      '需要 JSON：{"year": 2027, "days": [{"date": "2027-02-06", "isOffDay": true, "name": "春节"}, …]}，isOffDay 为 false 表示调休上班日。',
    );
  }
  const { year, days } = parsed;
  if (days.length === 0) {
    throw new DomainError(
      'CALENDAR_EMPTY',
      `${year} 年的文件里没有任何放假或调休日期，可能是尚未公布时的占位文件，没有导入。`,
      '国务院办公厅公布放假安排后再导入。',
    );
  }
  for (const d of days) {
    const date = parseDate(d.date);
    const dayYear = Number(d.date.slice(0, 4));
    if (!date || date !== d.date || Math.abs(dayYear - year) > 1) {
      throw new DomainError(
        'CALENDAR_BAD_DATE',
        `“${d.date}”不是 ${year} 年安排中的有效日期（格式 YYYY-MM-DD）。`,
      );
    }
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (!d.isOffDay && weekday !== 0 && weekday !== 6) {
      throw new DomainError(
        'CALENDAR_BAD_WORKDAY',
        `${date} 是工作日，不需要列为调休上班日（isOffDay: false 只用于周末上班的日子）。`,
      );
    }
  }
  const schedule: YearSchedule = {
    year,
    offDays: days.filter((d) => d.isOffDay).map((d) => d.date),
    workDays: days.filter((d) => !d.isOffDay).map((d) => d.date),
    source: 'override',
  };
  const replaced = await store.transaction(async (tx) => {
    const had = (await tx.calendar.overrides()).some((s) => s.year === year);
    await tx.calendar.replaceYear(schedule);
    await tx.audit.append({
      actor: by,
      action: 'calendar.import',
      subject: `calendar:${year}`,
      outcome: 'ok',
      details: { offDays: schedule.offDays.length, workDays: schedule.workDays.length, replaced: had },
    });
    return had;
  });
  return { year, offDays: schedule.offDays.length, workDays: schedule.workDays.length, replaced };
}
