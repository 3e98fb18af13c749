// /member 成员 — the office binds chat users to departments and roles, lists and removes bindings.
import { z } from 'zod';
import { type BindOutcome, bindMember, listMembers, removeMember } from '../src/app/members.ts';
import type { Department, Person, Store } from '../src/app/ports.ts';
import { action, auditActor, card, defineCommand, subcommand } from '../src/bot/define-command.ts';
import type { Mention } from '../src/bot/parse-command.ts';
import { actions, type Card, md, note } from '../src/cards/card.ts';
import { DomainError, STALE_CARD } from '../src/domain/errors.ts';
import { formatRoles, parseRole, type Role, roleLabels, roles } from '../src/domain/roles.ts';

const roleArg = z.string().transform((text, ctx) => {
  const role = parseRole(text);
  if (!role) {
    ctx.addIssue({
      code: 'custom',
      message: `“${text}”不是角色，可选：${roles.map((r) => roleLabels[r]).join('、')}`,
    });
    return z.NEVER;
  }
  return role;
});

const oneMention = z
  .array(z.object({ userId: z.string(), name: z.string() }))
  .min(1, '请 @ 要操作的用户')
  .max(1, '一次只能操作一位用户');

function successorCard(
  person: Person,
  department: Department,
  candidates: Person[],
  role: Role | undefined,
): Card {
  const base = {
    cmd: 'member',
    action: 'remove',
    id: person.id,
    version: person.version,
    role: role ?? null,
  };
  return {
    header: { title: '需要指定继任联络员', color: 'orange' },
    elements: [
      md(
        `**${person.name}** 是 **${department.name}** 唯一的联络员。部门的工作期限由联络员负责，移除前请指定继任者。`,
      ),
      ...(candidates.length > 0
        ? [
            {
              type: 'form' as const,
              name: 'successor',
              inputs: [
                {
                  type: 'select' as const,
                  name: 'successorId',
                  label: '继任联络员',
                  required: true,
                  options: candidates.map((c) => ({
                    value: String(c.id),
                    label: `${c.name}（${formatRoles(c.roles)}）`,
                  })),
                },
              ],
              submit: { label: '指定继任者并移除', style: 'primary' as const, value: base },
            },
          ]
        : [md('本部门没有其他已绑定账号的人员：可先用 `/member add` 绑定新的联络员，再移除。')]),
      actions({
        label: '仍然移除（该部门暂无联络员）',
        style: 'danger',
        value: { ...base, withoutSuccessor: true },
        confirm: {
          title: '确认移除',
          text: `移除后 ${department.name} 将没有联络员，有工作时会提醒办公室。`,
        },
      }),
    ],
  };
}

function removedCard(name: string, department: Department, removedRoles: Role[], successor?: Person): Card {
  return {
    header: { title: '已移除', color: 'green' },
    elements: [
      md(`已移除 **${name}**（${department.name}）的${formatRoles(removedRoles)}角色。`),
      ...(successor ? [md(`**${successor.name}** 已成为 ${department.name} 的联络员。`)] : []),
    ],
  };
}

function boundCard(outcome: BindOutcome, role: Role): Card {
  const what = `${outcome.person.name}（${outcome.department.name}）`;
  return {
    header: { title: outcome.kind === 'unchanged' ? '无需变更' : '绑定成功', color: 'green' },
    elements: [
      md(
        outcome.kind === 'unchanged'
          ? `${what}已经是${roleLabels[role]}。`
          : `${what}现在的角色：${formatRoles(outcome.person.roles)}。`,
      ),
    ],
  };
}

/** `/member add` typed alone: a form to pick the account, the department and the role. */
async function addFormCard(store: Store, platform: string): Promise<Card> {
  const accounts = await store.chatUsers.list(platform);
  const bound = new Map((await store.people.listBound()).map((p) => [p.chatUserId, p]));
  const departments = await store.departments.list();
  return {
    header: { title: '绑定成员', color: 'blue' },
    elements: [
      {
        type: 'form',
        name: 'member-add',
        inputs: [
          {
            type: 'select',
            name: 'userId',
            label: '聊天账号',
            required: true,
            options: accounts.map((a) => {
              const person = bound.get(a.userId);
              return {
                value: a.userId,
                label: person
                  ? `${a.displayName}（${formatRoles(person.roles)}）`
                  : `${a.displayName}（未绑定）`,
              };
            }),
          },
          {
            type: 'select',
            name: 'department',
            label: '部门',
            required: true,
            options: departments.map((d) => ({ value: d.code, label: d.name })),
          },
          {
            type: 'select',
            name: 'role',
            label: '角色',
            required: true,
            options: roles.map((r) => ({ value: r, label: roleLabels[r] })),
          },
        ],
        submit: { label: '绑定', style: 'primary', value: { cmd: 'member', action: 'add' } },
      },
      note('列表中只有和机器人说过话的账号；也可以直接输入 `/member add @用户 <部门> <角色>`。'),
    ],
  };
}

export const member = defineCommand({
  name: 'member',
  aliases: ['成员'],
  summary: '绑定、查看和移除成员（部门与角色）',
  subcommands: [
    subcommand({
      name: 'add',
      aliases: ['添加', '绑定'],
      summary: '把聊天账号绑定到部门和角色（办公室、联络员、经办人、检查人员、管理员）',
      usage: '/member add @用户 <部门> <角色>',
      examples: ['/member add @王晓明 区商务局 联络员'],
      access: ['office'],
      params: [
        { name: 'department', label: '部门' },
        { name: 'role', label: '角色' },
      ],
      args: z.object({ mentions: oneMention, department: z.string(), role: roleArg }),
      async handle({ args, actor, services, source }) {
        const target = args.mentions[0] as Mention;
        const outcome = await bindMember(services.store, {
          by: auditActor(actor),
          user: { platform: source.platform, userId: target.userId, displayName: target.name },
          department: args.department,
          role: args.role,
          source: source.messageId,
        });
        return card(boundCard(outcome, args.role));
      },
      form: ({ services, source }) => addFormCard(services.store, source.platform),
    }),
    subcommand({
      name: 'list',
      aliases: ['列表', '查看'],
      summary: '查看已绑定的成员；可只看一个部门',
      usage: '/member list [部门]',
      examples: ['/member list', '/member list 区商务局'],
      access: 'bound',
      params: [{ name: 'department', label: '部门' }],
      args: z.object({ department: z.string().optional() }),
      async handle({ args, services }) {
        const members = await listMembers(services.store, args.department);
        const departments = await services.store.departments.list();
        const withLiaison = new Set(
          members.filter((m) => m.person.roles.includes('liaison')).map((m) => m.department.id),
        );
        const lacking = args.department
          ? []
          : departments.filter((d) => !withLiaison.has(d.id)).map((d) => d.shortName ?? d.name);
        return card({
          header: { title: args.department ? `成员 · ${args.department}` : '成员', color: 'blue' },
          elements: [
            {
              type: 'table',
              columns: [
                { key: 'department', label: '部门' },
                { key: 'name', label: '姓名' },
                { key: 'roles', label: '角色' },
                { key: 'account', label: '聊天账号' },
              ],
              rows: members.map((m) => ({
                department: m.department.shortName ?? m.department.name,
                name: m.person.name,
                roles: formatRoles(m.person.roles),
                account: m.chatName ?? m.person.chatUserId ?? '',
              })),
              empty: '还没有绑定的成员。',
            },
            ...(lacking.length > 0 ? [note(`暂无联络员的部门：${lacking.join('、')}`)] : []),
          ],
        });
      },
    }),
    subcommand({
      name: 'remove',
      aliases: ['移除', '解绑'],
      summary: '移除成员的一个角色；不写角色则解除整个绑定',
      usage: '/member remove @用户 [角色]',
      examples: ['/member remove @王晓明 联络员', '/member remove @王晓明'],
      access: ['office'],
      params: [{ name: 'role', label: '角色' }],
      args: z.object({ mentions: oneMention, role: roleArg.optional() }),
      async handle({ args, actor, services, source }) {
        const target = args.mentions[0] as Mention;
        const outcome = await removeMember(services.store, {
          by: auditActor(actor),
          platform: source.platform,
          userId: target.userId,
          ...(args.role ? { role: args.role } : {}),
          source: source.messageId,
        });
        if (outcome.kind === 'needs-successor') {
          return card(successorCard(outcome.person, outcome.department, outcome.candidates, args.role));
        }
        return card(removedCard(target.name, outcome.department, outcome.removedRoles, outcome.successor));
      },
    }),
  ],
  actions: {
    add: action({
      access: ['office'],
      value: z.object({
        userId: z.string({ error: '请选择聊天账号' }).min(1, '请选择聊天账号'),
        department: z.string({ error: '请选择部门' }).min(1, '请选择部门'),
        role: z.enum(roles, { error: '请选择角色' }),
      }),
      async handle({ value, actor, services, source }) {
        const user = await services.store.chatUsers.get(source.platform, value.userId);
        if (!user) return { toast: { type: 'warning', text: '找不到这个聊天账号，请重新打开表单。' } };
        const outcome = await bindMember(services.store, {
          by: auditActor(actor),
          user,
          department: value.department,
          role: value.role,
          source: source.messageId,
        });
        return { toast: { type: 'success', text: '已绑定' }, card: boundCard(outcome, value.role) };
      },
    }),
    remove: action({
      access: ['office'],
      value: z.object({
        id: z.coerce.number().int(),
        version: z.number().int(),
        role: z.enum(roles).nullable(),
        successorId: z.coerce.number().int().optional(),
        withoutSuccessor: z.boolean().optional(),
      }),
      async handle({ value, actor, services, source }) {
        const person = await services.store.people.get(value.id);
        if (!person?.chatUserId || person.chatPlatform !== source.platform) {
          throw new DomainError(STALE_CARD, '该成员已不再绑定，此卡片已过期，已更新为最新情况。');
        }
        if (value.successorId === undefined && !value.withoutSuccessor) {
          return { toast: { type: 'warning', text: '请先选择继任联络员。' } };
        }
        const outcome = await removeMember(services.store, {
          by: auditActor(actor),
          platform: source.platform,
          userId: person.chatUserId,
          expectedVersion: value.version,
          ...(value.role ? { role: value.role } : {}),
          ...(value.successorId !== undefined ? { successorId: value.successorId } : {}),
          withoutSuccessor: Boolean(value.withoutSuccessor),
          source: source.messageId,
        });
        if (outcome.kind === 'needs-successor') {
          return { toast: { type: 'warning', text: '请先选择继任联络员。' } };
        }
        return {
          toast: { type: 'success', text: '已移除' },
          card: removedCard(person.name, outcome.department, outcome.removedRoles, outcome.successor),
        };
      },
      /** The member as they are now, for a card that was clicked after they changed. */
      async refresh({ value, services }) {
        const person = await services.store.people.get(value.id);
        const department = person && (await services.store.departments.get(person.departmentId));
        return {
          header: { title: '成员现状', color: 'grey' },
          elements: [
            md(
              person?.chatUserId && department
                ? `**${person.name}**（${department.name}）现在的角色：${formatRoles(person.roles)}。`
                : `**${person?.name ?? '该成员'}** 已不再绑定。`,
            ),
            note('发送 /member list 查看全部成员。'),
          ],
        };
      },
    }),
  },
});
