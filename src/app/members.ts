// Bindings between chat accounts and people (product.md §1): the office binds a chat user to a department
// and a role, lists and removes bindings. Obligations belong to the department, so removing a department's
// last liaison asks for a successor first.
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError, STALE_CARD } from '../domain/errors.ts';
import { type Role, roleLabels } from '../domain/roles.ts';
import type { ChatUser, Department, Person, Repos, Store } from './ports.ts';

export interface MemberView {
  person: Person;
  department: Department;
  chatName: string | null;
}

async function requireDepartment(tx: Repos, text: string): Promise<Department> {
  const department = await tx.departments.find(text);
  if (department) return department;
  const names = (await tx.departments.list()).map((d) => d.shortName ?? d.name);
  throw new DomainError(
    'DEPARTMENT_NOT_FOUND',
    `未找到部门“${text}”。`,
    `可用的部门：${names.join('、')}（也可以用部门代码）。`,
  );
}

export interface BindInput {
  by: AuditActor;
  user: ChatUser;
  department: string;
  role: Role;
  source?: string;
}

export type BindOutcome = {
  kind: 'bound' | 'role-added' | 'unchanged';
  person: Person;
  department: Department;
};

export async function bindMember(store: Store, input: BindInput): Promise<BindOutcome> {
  return store.transaction(async (tx) => {
    const department = await requireDepartment(tx, input.department);
    await tx.chatUsers.upsert(input.user);
    const existing = await tx.people.findByChatAccount(input.user.platform, input.user.userId);
    if (existing && existing.departmentId !== department.id) {
      const other = await tx.departments.get(existing.departmentId);
      throw new DomainError(
        'MEMBER_BOUND_ELSEWHERE',
        `${input.user.displayName} 已绑定到 ${other?.name ?? '其他部门'}。`,
        '一个账号只能属于一个部门：如需调整，请先用 /member remove 解除原绑定。',
      );
    }
    if (existing?.roles.includes(input.role)) return { kind: 'unchanged', person: existing, department };

    let person: Person | undefined;
    let kind: BindOutcome['kind'];
    if (existing) {
      person = await tx.people.update(existing.id, existing.version, {
        roles: [...existing.roles, input.role],
      });
      kind = 'role-added';
    } else {
      // A person already in the department's records (e.g. from the inspector library) is bound, not duplicated.
      const unbound = (await tx.people.listByDepartment(department.id)).find(
        (p) => p.chatUserId === null && p.name === input.user.displayName,
      );
      person = unbound
        ? await tx.people.update(unbound.id, unbound.version, {
            chatPlatform: input.user.platform,
            chatUserId: input.user.userId,
            roles: unbound.roles.includes(input.role) ? unbound.roles : [...unbound.roles, input.role],
          })
        : await tx.people.create({
            departmentId: department.id,
            name: input.user.displayName,
            roles: [input.role],
            chatPlatform: input.user.platform,
            chatUserId: input.user.userId,
          });
      kind = 'bound';
    }
    if (!person) throw new DomainError('MEMBER_CHANGED', '该成员的记录刚刚被他人修改，请重试。');
    await tx.audit.append({
      actor: input.by,
      action: 'member.bind',
      subject: `person:${person.id}`,
      outcome: 'ok',
      details: {
        user: `${input.user.platform}:${input.user.userId}`,
        name: person.name,
        department: department.code,
        role: input.role,
        roles: person.roles,
      },
      source: input.source ?? null,
    });
    return { kind, person, department };
  });
}

export async function listMembers(store: Store, departmentText?: string): Promise<MemberView[]> {
  const departments = new Map((await store.departments.list()).map((d) => [d.id, d]));
  let bound = await store.people.listBound();
  if (departmentText) {
    const department = await requireDepartment(store, departmentText);
    bound = bound.filter((p) => p.departmentId === department.id);
  }
  const platforms = [...new Set(bound.map((p) => p.chatPlatform!))];
  const names = new Map<string, string>();
  for (const platform of platforms) {
    for (const u of await store.chatUsers.list(platform)) names.set(`${platform}:${u.userId}`, u.displayName);
  }
  const views: MemberView[] = bound.map((person) => ({
    person,
    department: departments.get(person.departmentId)!,
    chatName: names.get(`${person.chatPlatform}:${person.chatUserId}`) ?? null,
  }));
  return views;
}

export interface RemoveInput {
  by: AuditActor;
  platform: string;
  userId: string;
  /** Remove only this role; without it the whole binding goes. */
  role?: Role;
  /** A bound colleague in the same department who becomes liaison. */
  successorId?: number;
  /** Remove the last liaison without a successor (the department is then flagged when work reaches it). */
  withoutSuccessor?: boolean;
  /** The version the caller saw (card buttons), to refuse acting on a stale view. */
  expectedVersion?: number;
  source?: string;
}

export type RemoveOutcome =
  | { kind: 'removed'; person: Person; department: Department; removedRoles: Role[]; successor?: Person }
  | { kind: 'needs-successor'; person: Person; department: Department; candidates: Person[] };

export async function removeMember(store: Store, input: RemoveInput): Promise<RemoveOutcome> {
  return store.transaction(async (tx) => {
    const person = await tx.people.findByChatAccount(input.platform, input.userId);
    if (!person) throw new DomainError('MEMBER_NOT_BOUND', '该用户没有绑定记录，无需移除。');
    if (input.expectedVersion !== undefined && input.expectedVersion !== person.version) {
      throw new DomainError(STALE_CARD, '该成员的记录已变化，此卡片已过期，已更新为最新情况。');
    }
    const department = (await tx.departments.get(person.departmentId))!;
    if (input.role && !person.roles.includes(input.role)) {
      throw new DomainError('MEMBER_ROLE_MISSING', `${person.name} 没有“${roleLabels[input.role]}”角色。`);
    }
    const removedRoles = input.role ? [input.role] : person.roles;

    if (removedRoles.includes('office')) {
      const offices = (await tx.people.listWithRole('office')).filter((p) => p.chatUserId !== null);
      if (offices.length <= 1) {
        throw new DomainError(
          'LAST_OFFICE_MEMBER',
          '不能移除最后一位联席会议办公室成员，否则无人能再管理成员。',
          '请先为另一位同事绑定办公室角色，再移除。',
        );
      }
    }

    let successor: Person | undefined;
    if (removedRoles.includes('liaison')) {
      const colleagues = (await tx.people.listByDepartment(department.id)).filter(
        (p) => p.id !== person.id && p.chatUserId !== null,
      );
      const otherLiaisons = colleagues.filter((p) => p.roles.includes('liaison'));
      if (otherLiaisons.length === 0) {
        if (input.successorId !== undefined) {
          const chosen = colleagues.find((p) => p.id === input.successorId);
          if (!chosen) {
            throw new DomainError('SUCCESSOR_INVALID', '继任者必须是本部门已绑定账号的其他人员。');
          }
          successor = await tx.people.update(chosen.id, chosen.version, {
            roles: [...chosen.roles, 'liaison'],
          });
          if (!successor) throw new DomainError('MEMBER_CHANGED', '继任者的记录刚刚被他人修改，请重试。');
          await tx.audit.append({
            actor: input.by,
            action: 'member.bind',
            subject: `person:${successor.id}`,
            outcome: 'ok',
            details: {
              name: successor.name,
              department: department.code,
              role: 'liaison',
              successorOf: person.id,
            },
            source: input.source ?? null,
          });
        } else if (!input.withoutSuccessor) {
          return { kind: 'needs-successor', person, department, candidates: colleagues };
        }
      }
    }

    const roles = person.roles.filter((r) => !removedRoles.includes(r));
    const unbind = roles.length === 0;
    const updated = await tx.people.update(
      person.id,
      person.version,
      unbind ? { roles, chatPlatform: null, chatUserId: null } : { roles },
    );
    if (!updated) throw new DomainError('MEMBER_CHANGED', '该成员的记录刚刚被他人修改，请重试。');
    await tx.audit.append({
      actor: input.by,
      action: unbind ? 'member.unbind' : 'member.remove-role',
      subject: `person:${person.id}`,
      outcome: 'ok',
      details: {
        user: `${input.platform}:${input.userId}`,
        name: person.name,
        department: department.code,
        removedRoles,
        successor: successor?.id ?? null,
        withoutSuccessor: Boolean(input.withoutSuccessor && !successor && removedRoles.includes('liaison')),
      },
      source: input.source ?? null,
    });
    return {
      kind: 'removed',
      person: updated,
      department,
      removedRoles,
      ...(successor ? { successor } : {}),
    };
  });
}

/** The people who can bind an unbound user: office staff with a chat account. */
export async function whoCanBind(store: Store): Promise<{ name: string; department: string }[]> {
  const offices = (await store.people.listWithRole('office')).filter((p) => p.chatUserId !== null);
  const result: { name: string; department: string }[] = [];
  for (const p of offices) {
    const d = await store.departments.get(p.departmentId);
    result.push({ name: p.name, department: d?.name ?? '' });
  }
  return result;
}
