// Demo data for the local workspace: the member departments of the 天桥区 joint meeting (seed 004, 联席会议
// 成员名单; the office sits in 区市场监管局) with fictional people. Real officials' names are not used.
// A Lark deployment never gets demo data.
import type { AuditActor } from '../domain/audit-chain.ts';
import { orgCodeCheckChar, usccCheckChar } from '../domain/identifiers.ts';
import { matterKey, matterRowHash } from '../domain/matter-record.ts';
import type { Role } from '../domain/roles.ts';
import { targetRowHash } from '../domain/target-record.ts';
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

/** A valid USCC for fictional demo entity n (organisation code and both check characters computed). */
function demoCode(n: number): string {
  const org = `MA${String(n).padStart(6, '0')}`;
  const body = `91370105${org}${orgCodeCheckChar(org)}`;
  return body + usccCheckChar(body);
}

/** Fictional market entities in 天桥区 (names invented), with the fields a 名录库 export carries. */
const demoTargets: [
  name: string,
  type: string,
  industry: string,
  area: string,
  risk: 'A' | 'B' | 'C' | 'D',
][] = [
  ['济南泉源食品有限公司', '企业', '食品制造业', '北园片区', 'B'],
  ['济南明湖餐饮管理有限公司', '企业', '餐饮业', '泺口片区', 'C'],
  ['天桥区老街坊小吃店', '个体工商户', '餐饮业', '北园片区', 'A'],
  ['济南华泰建材销售有限公司', '企业', '批发业', '药山片区', 'B'],
  ['济南北园眼镜店', '个体工商户', '零售业', '北园片区', 'A'],
  ['济南鹊华广告传媒有限公司', '企业', '商务服务业', '泺口片区', 'D'],
  ['济南清河农资专业合作社', '农民专业合作社', '农业服务', '桑梓店片区', 'C'],
  ['济南天成电动车销售有限公司', '企业', '零售业', '药山片区', 'B'],
  ['济南惠民大药房有限公司', '企业', '零售业', '北园片区', 'B'],
  ['济南金泉游泳健身有限公司', '企业', '体育', '泺口片区', 'C'],
];

/** A few matters of 区市场监管局, in the shape of a provincial list. */
const demoMatters: [
  seq: string,
  category: string,
  name: string,
  target: string,
  level: 'key' | 'general',
  methods: string,
][] = [
  ['1', '食品生产监督检查', '食品生产监督检查', '获证食品生产企业', 'key', '现场检查'],
  ['2', '餐饮服务监督检查', '餐饮服务监督检查', '餐饮服务经营者', 'general', '现场检查'],
  ['2', '餐饮服务监督检查', '餐饮服务监督检查', '学校、托幼机构、养老机构等食堂', 'key', '现场检查'],
  ['3', '企业公示信息抽查', '年度报告公示信息的检查', '企业', 'general', '书面检查、网络检查'],
  ['4', '广告发布行为检查', '广告发布行为的检查', '广告经营者', 'general', '现场检查、网络监测'],
  ['5', '药品经营监督检查', '药品零售企业监督检查', '药品零售企业', 'key', '现场检查'],
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
    await tx.targets.upsertMany(
      demoTargets.map(([name, objectType, industry, area, riskClass], i) => {
        const record = {
          code: demoCode(i + 1),
          codeKind: 'uscc' as const,
          name,
          objectType,
          industry,
          area,
          address: `济南市天桥区${area.replace('片区', '')}路${i + 1}号`,
          registrationAuthority: '天桥区市场监督管理局',
          jurisdiction: `${area.replace('片区', '')}市场监管所`,
          riskClass,
          status: '存续',
          tags: [],
          lastInspected: null,
        };
        return { ...record, departmentId: null, rowHash: targetRowHash(record, null) };
      }),
    );
    const office = byCode.get('scjgj')!;
    await tx.matters.upsertMany(
      demoMatters.map(([seq, category, name, targetType, level, methods]) => {
        const record = {
          departmentText: '天桥区市场监督管理局',
          seq,
          category,
          name,
          targetType,
          level,
          methods,
          subject: '区市场监管局',
          bases: [],
          cooperating: null,
          ratio: null,
          ratioFloor: null,
          ratioCeiling: null,
          frequency: null,
          qualificationTags: [],
          needsExpert: false,
        };
        const { departmentText: _, ...rest } = record;
        return {
          ...rest,
          departmentId: office,
          variantKey: matterKey(record, office),
          rowHash: matterRowHash(record, office),
        };
      }),
    );
    await tx.audit.append({
      actor: by,
      action: 'workspace.seed-demo',
      outcome: 'ok',
      details: { departments: demoDepartments.length, people: demoPeople.filter((p) => p.department).length },
    });
    return true;
  });
}
