import { describe, expect, it } from 'vitest';
import { availability } from './availability.ts';

const window = { from: '2026-12-01', to: '2026-12-15' };

describe('availability for a check window', () => {
  it('counts a certificate only if it is valid for the whole window', () => {
    expect(
      availability({ certificateNo: 'X1', certificateValidUntil: '2026-12-15', leaves: [] }, window),
    ).toEqual({ available: true, certified: true });
    expect(
      availability({ certificateNo: 'X1', certificateValidUntil: '2026-12-14', leaves: [] }, window),
    ).toEqual({ available: true, certified: false });
    expect(availability({ certificateNo: null, certificateValidUntil: null, leaves: [] }, window)).toEqual({
      available: true,
      certified: false,
    });
  });

  it('makes a person on leave at any point of the window unavailable', () => {
    const on = (from: string, to: string) =>
      availability(
        { certificateNo: 'X1', certificateValidUntil: '2030-01-01', leaves: [{ from, to }] },
        window,
      );
    expect(on('2026-11-20', '2026-12-01')).toEqual({
      available: false,
      reason: 'leave',
      until: '2026-12-01',
    });
    expect(on('2026-12-15', '2026-12-20').available).toBe(false);
    expect(on('2026-11-01', '2026-11-30').available).toBe(true);
    expect(on('2026-12-16', '2026-12-31').available).toBe(true);
  });
});
