// Working days on the official schedule (seed 000 art. 15, 18, 19 count deadlines in 工作日): Monday–Friday,
// minus the State Council's holidays, plus its 调休 make-up days (which fall on weekends). A year is known only
// once its schedule is published: the schedule for the next year usually appears in November. A deadline that
// needs a day of a year nobody has given the calendar is flagged, never computed on Monday–Friday.

/** One year's exceptions to Monday–Friday, as a State Council notice gives them. */
export interface YearSchedule {
  year: number;
  /** Rest days that would otherwise be working days, and every day of a holiday block. */
  offDays: readonly string[];
  /** Make-up working days (调休), always on a weekend. */
  workDays: readonly string[];
  /** Where the year came from: the bundled official data, or an override the admin imported. */
  source: 'official' | 'override';
}

export type Deadline =
  | { ok: true; date: string }
  | {
      ok: false;
      /** The first year whose schedule the count needed and the calendar does not have. */
      uncoveredYear: number;
    };

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` as a UTC day count (dates here are calendar days, never instants). */
function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export class WorkingCalendar {
  private readonly years = new Map<
    number,
    { off: Set<string>; work: Set<string>; source: YearSchedule['source'] }
  >();

  /** Later schedules for the same year replace earlier ones (an override wins over the bundled data). */
  constructor(schedules: readonly YearSchedule[]) {
    for (const s of schedules) {
      this.years.set(s.year, { off: new Set(s.offDays), work: new Set(s.workDays), source: s.source });
    }
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  /** The years the calendar knows, with where each came from. */
  coverage(): { year: number; source: YearSchedule['source'] }[] {
    return [...this.years].map(([year, y]) => ({ year, source: y.source })).sort((a, b) => a.year - b.year);
  }

  /**
   * Whether a day is a working day; undefined when its year is not covered. A notice can list a day of the
   * neighbouring year (a holiday block across New Year), so both years' lists are consulted.
   */
  isWorkingDay(date: string): boolean | undefined {
    const year = Number(date.slice(0, 4));
    const own = this.years.get(year);
    if (!own) return undefined;
    for (const y of [own, this.years.get(year - 1), this.years.get(year + 1)]) {
      if (y?.off.has(date)) return false;
      if (y?.work.has(date)) return true;
    }
    const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The `n`th working day after `from` (from itself not counted): "within n working days of from". */
  addWorkingDays(from: string, n: number): Deadline {
    let day = dayNumber(from);
    for (let counted = 0; counted < n; ) {
      day++;
      const date = dateOf(day);
      const working = this.isWorkingDay(date);
      if (working === undefined) return { ok: false, uncoveredYear: Number(date.slice(0, 4)) };
      if (working) counted++;
    }
    return { ok: true, date: dateOf(day) };
  }

  /** Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is earlier. */
  workingDaysBetween(from: string, to: string): number | { uncoveredYear: number } {
    const [start, end, sign] = dayNumber(from) <= dayNumber(to) ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let day = dayNumber(start) + 1; day <= dayNumber(end); day++) {
      const date = dateOf(day);
      const working = this.isWorkingDay(date);
      if (working === undefined) return { uncoveredYear: Number(date.slice(0, 4)) };
      if (working) count++;
    }
    return sign * count;
  }
}

const WEEKDAYS = '日一二三四五六';

/** A deadline as cards show it: `2026-10-13（周二）`, or why there is none yet. */
export function describeDeadline(deadline: Deadline): string {
  if (!deadline.ok) {
    return `⚠ ${deadline.uncoveredYear} 年的节假日安排尚未录入，无法按工作日计算期限（办公室可用 jointcheck calendar import 导入）`;
  }
  const weekday = WEEKDAYS[new Date(dayNumber(deadline.date) * DAY_MS).getUTCDay()];
  return `${deadline.date}（周${weekday}）`;
}
