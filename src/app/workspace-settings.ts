// The workspace's tunable rules, each with its meaning and its bounds; the admin sets them with
// `jointcheck setting set`. Anything not set uses the default the rules give (product.md §3).
import type { AuditActor } from '../domain/audit-chain.ts';
import { DomainError } from '../domain/errors.ts';
import { DEFAULT_ACCEPTANCE_DAYS } from '../domain/task-record.ts';
import type { Repos } from './ports.ts';

interface SettingRule {
  label: string;
  min: number;
  max: number;
  integer: boolean;
  /** undefined: no default (the rule does not apply until set). */
  fallback: number | undefined;
}

export const WORKSPACE_SETTINGS = {
  /** seed 000 art. 8: the ceiling for 一般 matters whose list gives none (重点 matters have no ceiling). */
  'plans.generalCeiling': {
    label: '一般事项抽查比例上限（%），事项清单未写上限时适用',
    min: 0.1,
    max: 100,
    integer: false,
    fallback: undefined,
  },
  /** product.md §3; seed 002 art. 12: working days the other departments have to accept a task. */
  'tasks.acceptanceDays': {
    label: '任务会审期限（工作日），发起任务时的默认值',
    min: 1,
    max: 15,
    integer: true,
    fallback: DEFAULT_ACCEPTANCE_DAYS,
  },
  /** product.md §4.3: how long departments may contribute to a draw's seed after its notice (minutes). */
  'draws.contributionMinutes': {
    label: '抽取公告后各部门贡献随机数的时间（分钟），到时可以抽取',
    min: 1,
    max: 7 * 24 * 60,
    integer: true,
    fallback: 60,
  },
  /** seed 000 art. 19: working days each department has to draw its inspectors after receiving the list. */
  'draws.inspectorDays': {
    label: '收到抽取名单后选派检查人员的期限（工作日）',
    min: 1,
    max: 30,
    integer: true,
    fallback: 5,
  },
  /** seed 000 art. 18 (上级部门可委托下级部门): working days a department has to dispatch the list to a sub-unit. */
  'draws.dispatchDays': {
    label: '委托下属单位（所、队）检查的，名单抽取后派发的期限（工作日）',
    min: 1,
    max: 30,
    integer: true,
    fallback: 5,
  },
  /** product.md §4.5 回避: an inspector does not check a target they checked within this many months. */
  'draws.recheckMonths': {
    label: '检查人员回避最近 N 个月内本人检查过的对象（按此前任务的检查组计；0 表示不回避）',
    min: 0,
    max: 60,
    integer: true,
    fallback: 12,
  },
  /** seed 000 art. 18; seed 003 五(五): leave out targets checked in the last N months (not set: none left out). */
  'draws.recentMonths': {
    label: '抽取时排除最近 N 个月内检查过的对象（不设置则不排除）',
    min: 1,
    max: 36,
    integer: true,
    fallback: undefined,
  },
  /** product.md §4.1: targets drawn in another open task are flagged (0) or left out of the pool (1). */
  'draws.excludeOpenTasks': {
    label: '已被其他未结束任务抽中的对象：0 在公告中标出，1 排除出对象池',
    min: 0,
    max: 1,
    integer: true,
    fallback: 0,
  },
  /** product.md §4.5: 回避 by 片区 — nobody checks a target in the area they supervise (0 off, 1 on). */
  'draws.sameAreaRecusal': {
    label: '检查人员回避本人负责片区的检查对象：0 不回避，1 回避',
    min: 0,
    max: 1,
    integer: true,
    fallback: 0,
  },
} satisfies Record<string, SettingRule>;

export type SettingName = keyof typeof WORKSPACE_SETTINGS;

export const isSettingName = (name: string): name is SettingName => name in WORKSPACE_SETTINGS;

/** The value in force: the one set, else the default (undefined when the rule has none). */
export async function settingValue(repos: Repos, name: SettingName): Promise<number | undefined> {
  return (await repos.settings.get<number>(name)) ?? WORKSPACE_SETTINGS[name].fallback;
}

export async function setSetting(
  repos: Repos,
  name: SettingName,
  text: string,
  by: AuditActor,
): Promise<number> {
  const rule: SettingRule = WORKSPACE_SETTINGS[name];
  const value = Number(text.replace(/[%％]$/, ''));
  if (
    !Number.isFinite(value) ||
    (rule.integer && !Number.isInteger(value)) ||
    value < rule.min ||
    value > rule.max
  ) {
    throw new DomainError(
      'SETTING_INVALID',
      `${name} 应为 ${rule.min}–${rule.max} 之间的${rule.integer ? '整数' : '数'}，收到“${text}”。`,
    );
  }
  await repos.settings.set(name, value);
  await repos.audit.append({
    actor: by,
    action: 'setting.set',
    subject: `setting:${name}`,
    outcome: 'ok',
    details: { value },
  });
  return value;
}
