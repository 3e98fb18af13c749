// Demo data for the local workspace: the member departments of the 天桥区 joint meeting (seed 004, 联席会议
// 成员名单; the office sits in 区市场监管局) with fictional people. Real officials' names are not used.
// A Lark deployment never gets demo data.
import type { AuditActor } from '../domain/audit-chain.ts';
import type { Role } from '../domain/roles.ts';
import type { Store } from './ports.ts';

export const demoDepartments = [
  { code: 'fgj', name: '天桥区发展和改革局', shortName: '区发改局' },
  { code: 'jtj', name: '天桥区教育和体育局', shortName: '区教体局' },
  { code: 'rsj', name: '天桥区人力资源和社会保障局', shortName: '区人社局' },
  { code: 'zjj', name: '天桥区住房和城乡建设局', shortName: '区住建局' },
  { code: 'nyj', name: '天桥区农业农村局', shortName: '区农业农村局' },
  { code: 'swj', name: '天桥区商务局', shortName: '区商务局' },
  { code: 'wlj', name: '天桥区文化和旅游局', shortName: '区文旅局' },
  { code: 'wjj', name: '天桥区卫生健康局', shortName: '区卫健局' },
  { code: 'yjj', name: '天桥区应急管理局', shortName: '区应急局' },
  { code: 'scjgj', name: '天桥区市场监督管理局', shortName: '区市场监管局' },
  { code: 'tjj', name: '天桥区统计局', shortName: '区统计局' },
  { code: 'sthj', name: '天桥区生态环境分局', shortName: '区生态环境分局' },
  { code: 'gaj', name: '天桥区公安分局', shortName: '区公安分局' },
  { code: 'swuj', name: '天桥区税务局', shortName: '区税务局' },
];

/** Fictional people; `department: null` are chat accounts nobody has bound yet. */
export const demoPeople: { userId: string; name: string; department: string | null; roles: Role[] }[] = [
  { userId: 'zhou.mingyuan', name: '周明远', department: 'scjgj', roles: ['office', 'admin'] },
  { userId: 'chen.jing', name: '陈静', department: 'scjgj', roles: ['office'] },
  { userId: 'lin.hai', name: '林海', department: 'scjgj', roles: ['liaison'] },
  { userId: 'huang.lei', name: '黄磊', department: 'scjgj', roles: ['operator'] },
  { userId: 'liu.yang', name: '刘洋', department: 'scjgj', roles: ['inspector'] },
  { userId: 'wang.xiaoming', name: '王晓明', department: 'swj', roles: ['liaison'] },
  { userId: 'he.ping', name: '何平', department: 'swj', roles: ['inspector'] },
  { userId: 'li.na', name: '李娜', department: 'wjj', roles: ['liaison'] },
  { userId: 'zhao.qiang', name: '赵强', department: 'wlj', roles: ['liaison'] },
  { userId: 'sun.yue', name: '孙悦', department: 'yjj', roles: ['liaison'] },
  { userId: 'wu.gang', name: '吴刚', department: 'zjj', roles: ['liaison'] },
  { userId: 'zheng.fang', name: '郑芳', department: 'nyj', roles: ['liaison'] },
  { userId: 'qian.duoduo', name: '钱多多', department: null, roles: [] },
  { userId: 'feng.xiaoyu', name: '冯小雨', department: null, roles: [] },
];

/** Loads the demo into an empty workspace; returns false (and changes nothing) when departments exist. */
export async function seedDemo(store: Store, platform: string, by: AuditActor): Promise<boolean> {
  return store.transaction(async (tx) => {
    if ((await tx.departments.list()).length > 0) return false;
    const byCode = new Map<string, number>();
    for (const d of demoDepartments) byCode.set(d.code, (await tx.departments.create(d)).id);
    for (const p of demoPeople) {
      await tx.chatUsers.upsert({ platform, userId: p.userId, displayName: p.name });
      if (!p.department) continue;
      await tx.people.create({
        departmentId: byCode.get(p.department)!,
        name: p.name,
        roles: p.roles,
        chatPlatform: platform,
        chatUserId: p.userId,
      });
    }
    await tx.audit.append({
      actor: by,
      action: 'workspace.seed-demo',
      outcome: 'ok',
      details: { departments: demoDepartments.length, people: demoPeople.filter((p) => p.department).length },
    });
    return true;
  });
}
