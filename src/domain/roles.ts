// Roles a person holds in the workspace (product.md §1). Roles are per workspace and checked on the
// server for typed commands and card clicks alike.

export const roles = ['office', 'liaison', 'operator', 'inspector', 'admin'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  office: '联席会议办公室',
  liaison: '联络员',
  operator: '经办人',
  inspector: '检查人员',
  admin: '管理员',
};

const roleAliases: Record<string, Role> = {
  office: 'office',
  办公室: 'office',
  联席会议办公室: 'office',
  liaison: 'liaison',
  联络员: 'liaison',
  operator: 'operator',
  经办人: 'operator',
  inspector: 'inspector',
  检查人员: 'inspector',
  执法人员: 'inspector',
  执法检查人员: 'inspector',
  admin: 'admin',
  管理员: 'admin',
};

/** Reads a role typed in English or Chinese; undefined when it names no role. */
export function parseRole(text: string): Role | undefined {
  return roleAliases[text.trim().toLowerCase()];
}

export function formatRoles(list: readonly Role[]): string {
  return list.length === 0 ? '（无角色）' : list.map((r) => roleLabels[r]).join('、');
}
