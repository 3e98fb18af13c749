// The cards of a target draw (product.md §4): the notice that commits it (pool, quotas, the bot's commitment,
// the seed sources and the reveal time) with the form for each department's contribution and the draw button,
// which becomes the result (seed, picks, receipt) once drawn; and the list handed to each department.
import type { StratumRule } from '../domain/draw.ts';
import { roundingLabels, type Stratum, stratumLabel } from '../domain/plan-record.ts';
import { type DrawState, drawMachine, type RedrawState, redrawMachine } from '../domain/workflow.ts';
import { type Card, type Element, fields, md, note } from './card.ts';

/** What every draw's card shows of the protocol: the commitment, the seed inputs, the reveal, the result's seal. */
export interface SeedView {
  id: number;
  version: number;
  state: DrawState;
  taskId: number;
  taskName: string;
  botCommitment: string;
  revealAt: string;
  /** Departments that may contribute, with the hash of what each gave (if it has). */
  contributors: { department: string; hash?: string }[];
  committedBy: string;
  noInputReason: string | null;
  seed: string | null;
  receiptHash: string | null;
  drawnBy?: string;
  drawnAt?: string;
  /** Why it was superseded, once a redraw was approved. */
  supersedeReason: string | null;
  /** The public beacon the notice named: which round, when it is produced, and whether its value is in. */
  beacon?: { name: string; at: string; entered: boolean };
}

export interface DrawView extends SeedView {
  lead: string;
  algorithm: string;
  /** The pool's filters in words, one line each. */
  filters: string[];
  strata: { stratum: Stratum; rule: StratumRule; pool: number; n: number }[];
  split: { teams: number } | { perTeam: number };
  poolSize: number;
  poolHash: string;
  /** The first picks in draw order, and how many there are. */
  picks: { position: number; code: string; name: string; stratum: Stratum; team: number }[];
  pickCount: number;
  /** Whether the receipt carries the pool (else the pool is a file beside it). */
  poolInReceipt: boolean;
  /** Whether the receipt (and pool file) were small enough to send in the chat. */
  filesInChat: boolean;
  /** Approved replacements (递补): what was withdrawn and why, and what took its place in which team. */
  replacements: { code: string; by: string; byName: string; team: number; reason: string }[];
  /** The draw this one redoes: its reason and its picks, shown beside the new ones (product.md §4.7). */
  replaced?: { id: number; reason: string; picks: DrawView['picks'] };
}

export const ruleText = (rule: StratumRule, rounding?: boolean) =>
  'ratio' in rule
    ? `${rule.ratio}%${rounding === false ? '' : `（${roundingLabels[rule.rounding]}）`}`
    : `${rule.count} 户`;

const splitText = (split: DrawView['split']) =>
  'teams' in split ? `${split.teams} 个检查组` : `每组 ${split.perTeam} 个检查对象`;

function strataTable(view: DrawView): Element {
  return {
    type: 'table',
    columns: [
      { key: 'stratum', label: '分层' },
      { key: 'rule', label: '抽取比例' },
      { key: 'pool', label: '对象数' },
      { key: 'n', label: '抽取数' },
    ],
    rows: view.strata.map((s) => ({
      stratum: stratumLabel(s.stratum),
      rule: ruleText(s.rule),
      pool: String(s.pool),
      n: String(s.n),
    })),
  };
}

/** The commitments a reader checks the receipt against later. */
function commitment(view: DrawView): Element {
  return fields([
    { label: '任务', value: `#${view.taskId} ${view.taskName}` },
    { label: '牵头部门', value: `${view.lead}（${view.committedBy}发布）` },
    { label: '算法', value: view.algorithm },
    { label: '对象池', value: `${view.poolSize} 个，哈希 ${view.poolHash}` },
    { label: '机器人熵值的哈希', value: view.botCommitment },
    { label: '分组', value: splitText(view.split) },
  ]);
}

const drawValue = (view: SeedView, action: string) => ({
  cmd: 'draw',
  action,
  id: view.id,
  version: view.version,
});

const contributionLines = (view: SeedView) => {
  const given = view.contributors.filter((c) => c.hash);
  return given.length > 0
    ? given.map((c) => `${c.department}：${c.hash!.slice(0, 16)}…`).join('\n')
    : '（尚无）';
};

/** While open: the seed's sources, the contribution form and the draw button. */
function openSeed(view: SeedView, consequence: string): Element[] {
  const missing = view.contributors.filter((c) => !c.hash);
  return [
    md(
      `**种子来源**：机器人熵值（已公布其哈希，抽取时揭示）＋各部门在 ${view.revealAt} 前贡献的随机数` +
        (view.beacon ? `＋公开随机源 ${view.beacon.name}（约 ${view.beacon.at} 产生）` : '') +
        `；未贡献的部门不影响抽取。\n**已贡献**\n${contributionLines(view)}` +
        (view.beacon
          ? `\n**公开随机源**：${view.beacon.entered ? '已录入并核验' : '待产生后由办公室录入'}`
          : ''),
    ),
    ...(view.beacon && !view.beacon.entered
      ? [
          {
            type: 'form' as const,
            name: 'beacon',
            inputs: [
              {
                type: 'text' as const,
                name: 'signature',
                label: `${view.beacon.name}的 signature（办公室录入，机器人按公钥核验）`,
                required: true,
              },
            ],
            submit: { label: '录入公开随机源', style: 'default' as const, value: drawValue(view, 'beacon') },
          },
        ]
      : []),
    {
      type: 'form',
      name: 'contribute',
      inputs: [
        {
          type: 'text',
          name: 'contribution',
          label: '本部门贡献的随机数（任意文字，如一串数字）',
          required: true,
        },
      ],
      submit: { label: '提交随机数', style: 'default', value: drawValue(view, 'contribute') },
    },
    {
      type: 'form',
      name: 'run',
      inputs: [
        {
          type: 'text',
          name: 'noInputReason',
          label: '没有部门贡献随机数时，由办公室写明原因（其余情况不填）',
        },
      ],
      submit: {
        label: missing.length === 0 ? '抽取' : `抽取（${view.revealAt} 后）`,
        style: 'primary',
        value: drawValue(view, 'run'),
        confirm: { title: '确认抽取', text: consequence },
      },
    },
    note(
      `抽取前候选范围和机器人熵值已固定，任何人都不能改变结果；揭示时间 ${view.revealAt}，各部门均已贡献时可提前抽取。`,
    ),
  ];
}

/** A notice withdrawn before anything was drawn (an approved redraw): nothing was revealed. */
const withdrawnNotice = (view: SeedView): Element =>
  md(
    `**已作废**：办公室已批准重新抽取，原因：${view.supersedeReason ?? ''}。本公告未抽取，机器人熵值不再揭示。`,
  );

/** Once drawn: the inputs revealed, the seed, who drew and the receipt's hash. */
function sealedSeed(view: SeedView): Element[] {
  return [
    ...(view.state === 'superseded'
      ? [md(`**已作废**：办公室已批准重新抽取，原因：${view.supersedeReason ?? ''}。本卡片保留备查。`)]
      : []),
    md(`**种子输入**\n机器人熵值（已揭示，见收据）\n${contributionLines(view)}`),
    ...(view.noInputReason ? [md(`**没有部门贡献随机数的原因**（办公室）：${view.noInputReason}`)] : []),
    fields([
      { label: '种子', value: view.seed ?? '' },
      { label: '抽取', value: `${view.drawnBy ?? ''} ${view.drawnAt ?? ''}` },
      { label: '收据哈希', value: view.receiptHash ?? '' },
    ]),
  ];
}

const drawColor = (state: DrawState) =>
  state === 'committed' ? 'blue' : state === 'drawn' ? 'green' : 'grey';

/** The notice while contributions are open; the result once drawn. */
export function drawCard(view: DrawView): Card {
  const elements: Element[] = [commitment(view), md(`**对象池筛选条件**\n${view.filters.join('\n')}`)];
  elements.push(strataTable(view));
  if (view.state === 'committed') {
    elements.push(...openSeed(view, '抽取结果立即公布并分送各部门，不能撤销。'));
  } else if (!view.seed) {
    elements.push(withdrawnNotice(view));
  } else {
    elements.push(
      ...sealedSeed(view),
      picksTable(view.picks),
      ...(view.replacements.length > 0
        ? [
            md(
              `**递补**（经办公室批准）\n${view.replacements
                .map((r) => `${r.code} → ${r.by} ${r.byName}（第 ${r.team} 组）：${r.reason}`)
                .join('\n')}`,
            ),
          ]
        : []),
      ...(view.replaced
        ? [
            md(
              `**本次为重新抽取**。原抽取 #${view.replaced.id} 已作废（原因：${view.replaced.reason}），其抽中的对象列在下面备查：`,
            ),
            picksTable(view.replaced.picks),
          ]
        : []),
      note(
        `共抽中 ${view.pickCount} 个检查对象${view.pickCount > view.picks.length ? `，此处列出前 ${view.picks.length} 个` : ''}。` +
          (view.filesInChat
            ? `收据${view.poolInReceipt ? '（含对象池）' : '和对象池文件'}已发到本群`
            : `收据较大，未在聊天中发送，管理员可用 jointcheck draw export ${view.taskId} 导出`) +
          `；任何人可用 jointcheck draw verify 收据.json` +
          `${view.poolInReceipt ? '' : ' --pool 对象池文件'} 离线复核，或发送 /draw verify ${view.taskId}。`,
      ),
    );
  }
  return {
    header: {
      title: `${view.state === 'committed' ? '抽取公告' : '抽取结果'}：${view.taskName}`,
      subtitle: `抽取 #${view.id} · ${drawMachine.states[view.state]}`,
      color: drawColor(view.state),
    },
    elements,
  };
}

export interface InspectorDrawView extends SeedView {
  department: string;
  algorithm: string;
  candidates: number;
  poolHash: string;
  teams: number;
  /** The department's quota per team, in words. */
  quota: string;
  /** People left out, per reason, in words. */
  excluded: string[];
  /** Leave or conflicts entered after the target list was handed over, in words. */
  lateEdits: string[];
  /** Re-selections (重新选派) made after the draw, in words. */
  reselections: string[];
  /** Once drawn: each team's people, the leader marked. */
  drawnTeams: { team: number; members: string; leader: string }[];
  /** The draw this one redoes, with its teams, shown beside the new ones (product.md §4.7). */
  replaced?: { id: number; reason: string; teams: InspectorDrawView['drawnTeams'] };
}

function teamsTable(department: string, teams: InspectorDrawView['drawnTeams']): Element {
  return {
    type: 'table',
    columns: [
      { key: 'team', label: '检查组' },
      { key: 'members', label: `${department}人员` },
      { key: 'leader', label: '组长' },
    ],
    rows: teams.map((t) => ({ team: `第 ${t.team} 组`, members: t.members, leader: t.leader })),
  };
}

/** A department's inspector draw: its notice while open, its teams once drawn. */
export function inspectorDrawCard(view: InspectorDrawView): Card {
  const elements: Element[] = [
    fields([
      { label: '任务', value: `#${view.taskId} ${view.taskName}` },
      { label: '部门', value: `${view.department}（${view.committedBy}发布）` },
      { label: '算法', value: view.algorithm },
      { label: '候选人员', value: `${view.candidates} 人，哈希 ${view.poolHash}` },
      { label: '机器人熵值的哈希', value: view.botCommitment },
      { label: '每组', value: `${view.quota}，共 ${view.teams} 个检查组` },
    ]),
    md(
      `**回避和不可选派**\n${view.excluded.length > 0 ? view.excluded.join('\n') : '无'}` +
        (view.lateEdits.length > 0
          ? `\n**名单分送后登记的休假或回避**（已计入，并在收据中标出）\n${view.lateEdits.join('\n')}`
          : ''),
    ),
  ];
  if (view.state === 'committed') {
    elements.push(...openSeed(view, '选派结果立即公布，不能撤销。'));
  } else if (!view.seed) {
    elements.push(withdrawnNotice(view));
  } else {
    elements.push(...sealedSeed(view), teamsTable(view.department, view.drawnTeams));
    if (view.replaced) {
      elements.push(
        md(
          `**本次为重新选派**。原抽取 #${view.replaced.id} 已作废（原因：${view.replaced.reason}），其选派结果列在下面备查：`,
        ),
        teamsTable(view.department, view.replaced.teams),
      );
    }
    if (view.reselections.length > 0)
      elements.push(md(`**重新选派**（按本次抽取的排名顺延）\n${view.reselections.join('\n')}`));
    elements.push(
      note(
        `收据已发到任务群；任何人可用 jointcheck draw verify 收据.json 离线复核，或发送 /draw verify ${view.taskId}。`,
      ),
    );
  }
  return {
    header: {
      title: `${view.state === 'committed' ? '选派检查人员公告' : '检查人员选派结果'}：${view.department}`,
      subtitle: `任务 #${view.taskId} ${view.taskName} · 抽取 #${view.id} · ${drawMachine.states[view.state]}`,
      color: drawColor(view.state),
    },
    elements,
  };
}

function picksTable(picks: DrawView['picks']): Element {
  return {
    type: 'table',
    columns: [
      { key: 'position', label: '序号' },
      { key: 'code', label: '代码' },
      { key: 'name', label: '名称' },
      { key: 'stratum', label: '分层' },
      { key: 'team', label: '检查组' },
    ],
    rows: picks.map((p) => ({
      position: String(p.position),
      code: p.code,
      name: p.name,
      stratum: stratumLabel(p.stratum),
      team: `第 ${p.team} 组`,
    })),
  };
}

/** The drawn list as a department receives it, with its deadline to draw its inspectors (seed 000 art. 18–19). */
export function handoverCard(
  view: DrawView,
  department: string,
  due: {
    text: string;
    days: number;
    /** The last day to dispatch the list to a sub-unit (seed 000 art. 18), when the department may still delegate. */
    dispatch?: string;
    /** The department that dispatched the list, when it went to its sub-unit. */
    delegatedBy?: string;
  },
): Card {
  const ask = due.delegatedBy
    ? `${due.delegatedBy}已将本任务的检查委托给本单位（**${department}**）。请在 **${due.text}** 前选派检查人员` +
      `（收到名单后 ${due.days} 个工作日内）：发送 /draw inspectors ${view.taskId}。`
    : `请**${department}**在 **${due.text}** 前选派本部门检查人员（收到名单后 ${due.days} 个工作日内）；` +
      (due.dispatch
        ? `委托下属单位（所、队）实施的，请在 **${due.dispatch}** 前派发：/draw delegate ${view.taskId} <下属单位>。`
        : '委托下属单位（所、队）实施的，也请在此期限内派发。');
  return {
    header: {
      title: `检查对象名单：${view.taskName}`,
      subtitle: `任务 #${view.taskId} · 抽取 #${view.id} · ${department}`,
      color: 'green',
    },
    elements: [
      md(
        `${view.lead}已抽取检查对象 ${view.pickCount} 个（${splitText(view.split)}），完整名单见随附表格。\n${ask}`,
      ),
      picksTable(view.picks),
      note(
        `种子 ${view.seed ?? ''}；收据哈希 ${view.receiptHash ?? ''}。发送 /draw verify ${view.taskId} 复核。`,
      ),
    ],
  };
}

/** A staffed task's teams as its chat sees them: each team's targets, leader and people (seed 002 art. 13). */
export function teamsCard(
  task: { id: number; name: string; windowStart: string; windowEnd: string },
  teams: { team: number; targets: number; leader: string; members: string[] }[],
  /** What changed since the roster was last posted (a re-selection, a hand-pick), when it is posted again. */
  changed?: string,
): Card {
  return {
    header: {
      title: `检查组名单：${task.name}`,
      subtitle: `任务 #${task.id} · ${changed ? '检查组已调整' : '检查人员已选派'}`,
      color: 'green',
    },
    elements: [
      md(
        changed
          ? `检查组已调整：${changed}。以下为调整后的名单，检查时间 ${task.windowStart} 至 ${task.windowEnd}。`
          : `各部门已随机选派检查人员。检查时间 ${task.windowStart} 至 ${task.windowEnd}，由组长商定检查日期和路线。`,
      ),
      {
        type: 'table',
        columns: [
          { key: 'team', label: '检查组' },
          { key: 'targets', label: '检查对象' },
          { key: 'leader', label: '组长' },
          { key: 'members', label: '成员' },
        ],
        rows: teams.map((t) => ({
          team: `第 ${t.team} 组`,
          targets: `${t.targets} 个`,
          leader: t.leader,
          members: t.members.join('、'),
        })),
      },
      note(`发送 /draw show ${task.id} 查看各部门的选派公告和收据。`),
    ],
  };
}

/** What the office decides on: a redraw, or a replacement. */
export interface OfficeRequestView {
  /** The card action that decides it (`decide`, `decide-replacement`). */
  action: string;
  id: number;
  version: number;
  state: RedrawState;
  title: string;
  subtitle: string;
  facts: { label: string; value: string }[];
  /** What approval does, said before the form. */
  consequence: string;
  approveLabel: string;
  decidedBy?: string;
  decisionNote: string | null;
}

/** The office's card for a request: another office member approves it, or rejects it with a reason. */
export function officeRequestCard(view: OfficeRequestView): Card {
  const elements: Element[] = [fields(view.facts)];
  if (view.state === 'requested') {
    elements.push(
      md(view.consequence),
      {
        type: 'form',
        name: view.action,
        inputs: [
          {
            type: 'select',
            name: 'decision',
            label: '审批',
            required: true,
            options: [
              { value: 'approve', label: view.approveLabel },
              { value: 'reject', label: '驳回' },
            ],
          },
          { type: 'text', name: 'note', label: '意见（驳回时必填）' },
        ],
        submit: {
          label: '提交审批',
          style: 'primary',
          value: { cmd: 'draw', action: view.action, id: view.id, version: view.version },
        },
      },
      note('须由申请人以外的办公室成员审批。'),
    );
  } else {
    elements.push(
      md(
        `**${redrawMachine.states[view.state]}**（${view.decidedBy ?? ''}）${view.decisionNote ? `：${view.decisionNote}` : ''}`,
      ),
    );
  }
  return {
    header: {
      title: view.title,
      subtitle: `${view.subtitle} · ${redrawMachine.states[view.state]}`,
      color: view.state === 'requested' ? 'orange' : view.state === 'approved' ? 'green' : 'grey',
    },
    elements,
  };
}
