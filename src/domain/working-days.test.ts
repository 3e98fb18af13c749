import { describe, expect, it } from 'vitest';
import { describeDeadline, WorkingCalendar } from './working-days.ts';

// A made-up schedule for the year 2030 (not a real notice): a holiday block Monday 2030-02-04 to Friday
// 2030-02-08 with a make-up working Saturday 2030-02-09, and a New Year rest day listed in the 2029 notice.
const calendar = new WorkingCalendar([
  { year: 2029, offDays: ['2029-12-31'], workDays: [], source: 'override' },
  {
    year: 2030,
    offDays: ['2030-02-04', '2030-02-05', '2030-02-06', '2030-02-07', '2030-02-08'],
    workDays: ['2030-02-09'],
    source: 'override',
  },
]);

describe('WorkingCalendar (seed 000 art. 15/18/19 count deadlines in working days)', () => {
  it('skips holidays and counts a make-up Saturday', () => {
    // Friday 2030-02-01 + 3 working days: Sat 02-09 (make-up), Mon 02-11, Tue 02-12.
    expect(calendar.addWorkingDays('2030-02-01', 3)).toEqual({ ok: true, date: '2030-02-12' });
    expect(calendar.isWorkingDay('2030-02-09')).toBe(true);
    expect(calendar.isWorkingDay('2030-02-10')).toBe(false);
    expect(calendar.workingDaysBetween('2030-02-01', '2030-02-12')).toBe(3);
  });

  it('does not count the start day, and 0 working days is the start day', () => {
    expect(calendar.addWorkingDays('2030-03-01', 1)).toEqual({ ok: true, date: '2030-03-04' });
    expect(calendar.addWorkingDays('2030-03-01', 0)).toEqual({ ok: true, date: '2030-03-01' });
  });

  it('reads a day the neighbouring year’s notice lists', () => {
    expect(calendar.isWorkingDay('2029-12-31')).toBe(false);
  });

  it('flags a deadline that needs a year nobody gave it, instead of guessing Monday–Friday', () => {
    const deadline = calendar.addWorkingDays('2030-12-27', 5);
    expect(deadline).toEqual({ ok: false, uncoveredYear: 2031 });
    expect(describeDeadline(deadline)).toContain('2031 年的节假日安排尚未录入');
    expect(calendar.isWorkingDay('2031-01-02')).toBeUndefined();
  });

  it('shows a date with its weekday', () => {
    expect(describeDeadline({ ok: true, date: '2030-02-12' })).toBe('2030-02-12（周二）');
  });
});
