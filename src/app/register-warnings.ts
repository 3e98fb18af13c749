// What the office should look at in the registers before draws depend on them: certificates that expire soon
// (or have), inspectors without qualification tags, targets not 存续 (they are never drawn), and matters that no
// inspector of their department is qualified for.
import type { Store } from './ports.ts';

export const EXPIRY_WARNING_DAYS = 30;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface RegisterWarnings {
  expiring: { department: string; name: string; until: string; expired: boolean }[];
  untagged: { department: string; name: string }[];
  notOperating: { status: string; count: number }[];
  unstaffed: { department: string; matter: string; tags: string[] }[];
}

export async function registerWarnings(store: Store, today: string): Promise<RegisterWarnings> {
  const horizon = addDays(today, EXPIRY_WARNING_DAYS);
  const result: RegisterWarnings = { expiring: [], untagged: [], notOperating: [], unstaffed: [] };
  for (const department of await store.departments.list()) {
    const inspectors = await store.inspectors.list(department.id);
    const label = department.shortName ?? department.name;
    for (const p of inspectors) {
      if (p.certificateNo && p.certificateValidUntil && p.certificateValidUntil <= horizon) {
        result.expiring.push({
          department: label,
          name: p.name,
          until: p.certificateValidUntil,
          expired: p.certificateValidUntil < today,
        });
      }
      if (p.qualificationTags.length === 0) result.untagged.push({ department: label, name: p.name });
    }
    for (const m of (await store.matters.list({ departmentId: department.id })).filter((x) => x.active)) {
      const tags = m.qualificationTags;
      const qualified = inspectors.some((p) => tags.every((t) => p.qualificationTags.includes(t)));
      if (!qualified) result.unstaffed.push({ department: label, matter: m.name, tags });
    }
  }
  result.notOperating = (await store.targets.countByStatus()).filter((s) => s.status !== '存续');
  result.expiring.sort((a, b) => a.until.localeCompare(b.until));
  return result;
}
