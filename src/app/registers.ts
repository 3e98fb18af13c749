// Browsing the registers (一单两库) from the chat: target search and the matters list.
import { DomainError } from '../domain/errors.ts';
import { paginate } from '../domain/paginate.ts';
import { searchText } from '../domain/search-grams.ts';
import type { Department, Store } from './ports.ts';

export const TARGET_RESULTS = 20;
export const MATTERS_PER_PAGE = 15;

export async function searchTargets(store: Store, query: string) {
  const q = query.trim();
  if ([...searchText(q)].length < 2) {
    throw new DomainError('SEARCH_TOO_SHORT', '请至少输入名称中的两个字，或完整的统一社会信用代码/注册号。');
  }
  return store.targets.search(q, TARGET_RESULTS);
}

export async function pageOfMatters(store: Store, department: Department, page: number) {
  const all = (await store.matters.list({ departmentId: department.id })).filter((m) => m.active);
  const shown = paginate(all, page, MATTERS_PER_PAGE);
  return {
    department,
    total: all.length,
    keyCount: all.filter((m) => m.level === 'key').length,
    page: shown.page,
    pages: shown.pages,
    matters: shown.items,
  };
}

/** The department named, or, when none is, the actor's own; a refusal when there is neither. */
export async function departmentOrOwn(
  store: Store,
  text: string | undefined,
  own: Department | undefined,
): Promise<Department> {
  const department = text ? await requireDepartment(store, text) : own;
  if (!department) throw new DomainError('DEPARTMENT_REQUIRED', '请写明要查看的部门。');
  return department;
}

export async function requireDepartment(store: Store, text: string): Promise<Department> {
  const found = await store.departments.find(text);
  if (found) return found;
  throw new DomainError(
    'DEPARTMENT_NOT_FOUND',
    `未找到部门“${text}”。`,
    '发送 /member list 可以看到各部门的名称。',
  );
}
