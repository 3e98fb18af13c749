// The working-day calendar against the official schedule as published (../shared/data/holiday-cn, read at test
// time), and the admin's import of a year the bundled data does not cover.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialSchedules, workingCalendar } from '../src/app/calendar.ts';
import { WorkingCalendar } from '../src/domain/working-days.ts';
import { createStore } from '../src/store/store.ts';
import { cliOn } from './support/cli.ts';
import { freshDb, type TestDb } from './support/test-db.ts';

const shared = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/holiday-cn');
const haveShared = existsSync(shared);
if (!haveShared)
  console.log(`[skip] ${shared} is absent: the cross-check against the official schedule is skipped`);

interface HolidayFile {
  year: number;
  days: { date: string; isOffDay: boolean; name: string }[];
}
const read = (year: number) => JSON.parse(readFileSync(join(shared, `${year}.json`), 'utf8')) as HolidayFile;

describe.skipIf(!haveShared)('the bundled calendar agrees with the State Council schedule', () => {
  const calendar = new WorkingCalendar(officialSchedules());

  it.each([2024, 2025, 2026])('%i: every day of the year', (year) => {
    const listed = new Map(read(year).days.map((d) => [d.date, d.isOffDay]));
    const next = existsSync(join(shared, `${year + 1}.json`)) ? read(year + 1).days : [];
    for (const d of next) listed.set(d.date, d.isOffDay);
    for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const weekday = new Date(day).getUTCDay();
      const off = listed.get(date);
      const expected = off === undefined ? weekday !== 0 && weekday !== 6 : !off;
      expect([date, calendar.isWorkingDay(date)]).toEqual([date, expected]);
    }
  });

  it('5 working days after 2026-09-30 is 2026-10-13 (国庆, with the make-up Saturday 10-10)', () => {
    expect(calendar.addWorkingDays('2026-09-30', 5)).toEqual({ ok: true, date: '2026-10-13' });
    // 春节 2026: the make-up Saturday 02-28 counts.
    expect(calendar.addWorkingDays('2026-02-12', 5)).toEqual({ ok: true, date: '2026-02-26' });
  });

  it('2027 is not covered yet: its file is an empty placeholder, and a deadline into it is flagged', () => {
    expect(read(2027).days).toHaveLength(0);
    expect(calendar.covers(2027)).toBe(false);
    expect(calendar.addWorkingDays('2026-12-24', 10)).toEqual({ ok: false, uncoveredYear: 2027 });
  });
});

describe('jointcheck calendar import', () => {
  let t: TestDb;
  let dir: string;
  const cli = cliOn(() => t);
  beforeAll(async () => {
    t = await freshDb();
    dir = mkdtempSync(join(tmpdir(), 'jointcheck-calendar-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a placeholder year, a weekday listed as make-up day and a file that is not a schedule', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ year: 2027, days: [] }));
    expect((await cli('calendar', 'import', file)).err).toContain('可能是尚未公布时的占位文件');
    writeFileSync(file, JSON.stringify({ year: 2027, days: [{ date: '2027-02-03', isOffDay: false }] }));
    expect((await cli('calendar', 'import', file)).err).toContain('不需要列为调休上班日');
    writeFileSync(file, '名称,日期\n');
    expect((await cli('calendar', 'import', file)).err).toContain('这不是节假日安排文件');
    expect((await workingCalendar(createStore(t.db))).covers(2027)).toBe(false);
  });

  it('imports a year (test data, not a real notice), which then counts deadlines and is listed', async () => {
    const file = join(dir, '2027.json');
    writeFileSync(
      file,
      JSON.stringify({
        year: 2027,
        days: [
          { date: '2027-01-01', isOffDay: true, name: '元旦' },
          { date: '2027-02-06', isOffDay: false, name: '春节' },
          { date: '2027-02-08', isOffDay: true, name: '春节' },
        ],
      }),
    );
    const result = await cli('calendar', 'import', file);
    expect(result.code).toBe(0);
    expect(result.out).toContain('已导入 2027 年安排：放假 2 天，调休上班 1 天');
    const calendar = await workingCalendar(createStore(t.db));
    // Thursday 2026-12-31 + 1 working day: 2027-01-01 is off, so Monday 2027-01-04.
    expect(calendar.addWorkingDays('2026-12-31', 1)).toEqual({ ok: true, date: '2027-01-04' });
    expect(calendar.isWorkingDay('2027-02-06')).toBe(true);
    const listed = await cli('calendar', 'list');
    expect(listed.out).toContain('导入的安排：2027');
    const audit = await cli('audit', 'list', '--action', 'calendar.import', '--json');
    expect(audit.out).toContain('calendar:2027');
  });
});
