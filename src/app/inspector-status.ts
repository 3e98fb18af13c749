// Keeping the inspector library current from the chat: leave periods (entered by the person's liaison or the
// office) and declared conflicts with targets (回避, seed 000 art. 19; declared by the inspector, their liaison or
// the office). Both feed the inspector draw's eligibility.
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { parseDate } from '../domain/target-record.ts';
import type { Department, InspectorView, Store } from './ports.ts';

/** Who is acting, as far as these rules need to know. */
export interface Acting {
  personId?: number;
  roles: readonly Role[];
  department?: Department;
  audit: AuditActor;
}

/** The inspector an actor may act on: by name in the actor's department, or anywhere for the office. */
async function findInspector(
  store: Store,
  actor: Acting,
  name: string,
): Promise<InspectorView & { departmentId: number }> {
  const isOffice = actor.roles.includes('office');
  const departments = isOffice ? await store.departments.list() : actor.department ? [actor.department] : [];
  const found: (InspectorView & { departmentId: number })[] = [];
  for (const d of departments) {
    for (const p of await store.inspectors.list(d.id))
      if (p.name === name) found.push({ ...p, departmentId: d.id });
  }
  if (found.length === 0) {
    throw new DomainError(
      'INSPECTOR_NOT_FOUND',
      `在${isOffice ? '各部门' : '本部门'}的检查人员名录中没有找到“${name}”。`,
      '用 /inspectors 查看名录中的姓名。',
    );
  }
  if (found.length > 1) {
    throw new DomainError(
      'INSPECTOR_AMBIGUOUS',
      `名录中有 ${found.length} 位“${name}”，请联系办公室在导入文件中区分（例如填写执法证号）。`,
    );
  }
  return found[0]!;
}

/** A liaison acts for their own department's people only; the office for everyone; an inspector for themselves. */
function assertMayActFor(actor: Acting, person: { id: number; departmentId: number }, allowSelf: boolean) {
  if (actor.roles.includes('office')) return;
  if (actor.roles.includes('liaison') && actor.department?.id === person.departmentId) return;
  if (allowSelf && actor.personId === person.id) return;
  throw new DomainError('NOT_YOUR_INSPECTOR', '只能为本部门的检查人员办理（办公室可以为任何部门办理）。');
}

export async function addLeave(
  store: Store,
  actor: Acting,
  input: { name: string; from: string; to: string; reason?: string; source: string; at: Date },
) {
  const from = parseDate(input.from);
  const to = parseDate(input.to);
  if (!from || !to) throw new DomainError('BAD_DATE', '日期格式应为 2026-12-01。');
  if (from > to) throw new DomainError('BAD_PERIOD', '开始日期不能晚于结束日期。');
  const person = await findInspector(store, actor, input.name);
  assertMayActFor(actor, person, false);
  await store.transaction(async (tx) => {
    await tx.inspectors.addLeave(person.id, { from, to, reason: input.reason ?? null, at: input.at });
    await tx.audit.append({
      actor: actor.audit,
      action: 'inspector.leave',
      subject: `person:${person.id}`,
      outcome: 'ok',
      details: { name: person.name, from, to, reason: input.reason ?? null },
      source: input.source,
    });
  });
  return { person, from, to };
}

export async function declareConflict(
  store: Store,
  actor: Acting,
  input: { name: string; target: string; reason?: string; source: string; at: Date },
) {
  const person = await findInspector(store, actor, input.name);
  assertMayActFor(actor, person, true);
  const byCode = await store.targets.findByCode(input.target.replace(/\s/g, '').toUpperCase());
  const target = byCode ?? (await uniqueByName(store, input.target));
  const added = await store.transaction(async (tx) => {
    const isNew = await tx.inspectors.addConflict(person.id, {
      targetCode: target.code,
      reason: input.reason ?? null,
      at: input.at,
    });
    if (isNew) {
      await tx.audit.append({
        actor: actor.audit,
        action: 'inspector.conflict',
        subject: `person:${person.id}`,
        outcome: 'ok',
        details: {
          name: person.name,
          target: target.code,
          targetName: target.name,
          reason: input.reason ?? null,
        },
        source: input.source,
      });
    }
    return isNew;
  });
  return { person, target, added };
}

async function uniqueByName(store: Store, text: string) {
  if ([...text.trim()].length < 2)
    throw new DomainError('TARGET_NOT_FOUND', '请写检查对象的代码或完整名称。');
  const { targets } = await store.targets.search(text, 5);
  const exact = targets.filter((t) => t.name === text.trim());
  if (exact.length === 1) return exact[0]!;
  if (targets.length === 1) return targets[0]!;
  throw new DomainError(
    'TARGET_NOT_FOUND',
    targets.length === 0
      ? `名录库中没有找到“${text}”。`
      : `“${text}”对应多个检查对象，请改用统一社会信用代码。`,
    targets.length > 0 ? `例如：${targets.map((t) => `${t.name}（${t.code}）`).join('、')}` : undefined,
  );
}
