// Whether an inspector can be drawn for a check window (seed 000 art. 10 and 19; product.md §4.5): a 执法证
// must be valid for the whole window to count as a certificate holder, and a person on leave at any point of the
// window is not available.

export interface AvailabilityInput {
  certificateNo: string | null;
  certificateValidUntil: string | null;
  leaves: { from: string; to: string }[];
}

export type Availability =
  | { available: true; certified: boolean }
  | { available: false; reason: 'leave'; until: string };

/** Whether the person holds a 执法证 valid for the whole window (to its last day). */
export const holdsCertificate = (
  person: Pick<AvailabilityInput, 'certificateNo' | 'certificateValidUntil'>,
  window: { to: string },
) =>
  person.certificateNo !== null &&
  person.certificateValidUntil !== null &&
  person.certificateValidUntil >= window.to;

/** Dates are YYYY-MM-DD strings (Asia/Shanghai days), compared as text. */
export function availability(person: AvailabilityInput, window: { from: string; to: string }): Availability {
  const leave = person.leaves.find((l) => l.from <= window.to && l.to >= window.from);
  if (leave) return { available: false, reason: 'leave', until: leave.to };
  return { available: true, certified: holdsCertificate(person, window) };
}
