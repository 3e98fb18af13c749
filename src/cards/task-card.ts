// The cards of a joint task: the root card in the chat it was launched in (where every department stands in
// the review, 会审), each department's acceptance card for its liaisons, and the office's ruling card when a
// department declines, stays silent past the deadline or has no liaison. Every copy of each is kept current;
// buttons carry the task, the department and the version of that department's part.
import { type AssignmentState, assignmentMachine, type TaskState, taskMachine } from '../domain/workflow.ts';
import { actions, type Card, type CardColor, type Element, fields, md, note } from './card.ts';

export interface TaskPartView {
  departmentId: number;
  department: string;
  state: AssignmentState;
  version: number;
  answeredBy?: string;
  answeredAt?: string;
  reason: string | null;
  ruledBy?: string;
  ruling: string | null;
  noLiaison: boolean;
  escalated: boolean;
}

export interface TaskView {
  id: number;
  name: string;
  state: TaskState;
  planId: number;
  planName: string;
  lead: string;
  windowStart: string;
  windowEnd: string;
  teams: number | null;
  targetsPerTeam: number | null;
  perTeam: { department: string; count: number }[];
  certificateHolders: number;
  /** The deadline as a date, or null while the calendar cannot compute it (the text says why). */
  acceptanceDue: string | null;
  acceptanceDueText: string;
  parts: TaskPartView[];
}

const TASK_COLORS: Record<TaskState, CardColor> = {
  reviewing: 'blue',
  ready: 'green',
  drawing: 'blue',
  drawn: 'green',
  staffed: 'green',
  cancelled: 'grey',
};

function facts(view: TaskView): Element {
  return fields([
    { label: '计划', value: `#${view.planId} ${view.planName}` },
    { label: '牵头部门', value: view.lead },
    { label: '检查时间', value: `${view.windowStart} 至 ${view.windowEnd}` },
    {
      label: '分组',
      value: view.teams !== null ? `${view.teams} 个检查组` : `每组 ${view.targetsPerTeam} 个检查对象`,
    },
    {
      label: '每组人员',
      value: `${view.perTeam.map((p) => `${p.department} ${p.count} 人`).join('，')}；其中持执法证不少于 ${view.certificateHolders} 人`,
    },
    { label: '会审截止', value: view.acceptanceDueText },
  ]);
}

/** Who answered and how, in one line. */
function partStatus(p: TaskPartView): string {
  const answered = p.answeredBy ? `${p.answeredBy}${p.answeredAt ? ` ${p.answeredAt}` : ''}` : '';
  switch (p.state) {
    case 'pending':
      return p.noLiaison ? '待确认（未绑定联络员）' : p.escalated ? '逾期未答复，已报办公室' : '待确认';
    case 'accepted':
      return `已接受（${answered}）`;
    case 'declined':
      return `已拒绝（${answered}）：${p.reason ?? ''}，待办公室裁定`;
    default:
      return `${assignmentMachine.states[p.state]}${p.ruledBy ? `（${p.ruledBy}）` : ''}${p.ruling ? `：${p.ruling}` : ''}`;
  }
}

export function taskCard(view: TaskView): Card {
  const elements: Element[] = [
    facts(view),
    {
      type: 'table',
      columns: [
        { key: 'department', label: '参与部门' },
        { key: 'status', label: '会审情况' },
      ],
      rows: view.parts.map((p) => ({ department: p.department, status: partStatus(p) })),
    },
  ];
  const missing = view.parts.filter((p) => p.noLiaison && p.state === 'pending');
  if (missing.length > 0) {
    elements.push(
      md(`**未绑定联络员**：${missing.map((p) => p.department).join('、')}，已提请办公室落实或裁定。`),
    );
  }
  if (view.state === 'reviewing')
    elements.push(note('各参与部门接受或经办公室裁定后，牵头部门才能抽取检查对象。'));
  if (view.state === 'ready')
    elements.push(md(`**会审完成**，牵头部门联络员发送 /draw targets ${view.id} 发布抽取公告。`));
  if (view.state === 'drawing') elements.push(md('**抽取公告已发布**，各部门可在揭示时间前贡献随机数。'));
  if (view.state === 'drawn')
    elements.push(
      md(
        `**检查对象已抽取**，名单已分送各部门；各部门联络员发送 /draw inspectors ${view.id} 选派本部门检查人员。`,
      ),
    );
  if (view.state === 'staffed') elements.push(md('**检查人员已选派**，各检查组名单已发布。'));
  return {
    header: {
      title: view.name,
      subtitle: `任务 #${view.id} · ${taskMachine.states[view.state]}`,
      color: TASK_COLORS[view.state],
    },
    elements,
  };
}

const partValue = (view: TaskView, p: TaskPartView, action: string) => ({
  cmd: 'task',
  action,
  id: view.id,
  department: p.departmentId,
  version: p.version,
});

/** The acceptance card every liaison of the department gets; the first answer counts for all of them. */
export function partCard(view: TaskView, p: TaskPartView): Card {
  const elements: Element[] = [facts(view)];
  if (p.state === 'pending' && view.state === 'reviewing') {
    elements.push(
      md(
        `${
          view.acceptanceDue
            ? `请代表**${p.department}**在 ${view.acceptanceDueText} 前答复是否参加。`
            : `请代表**${p.department}**答复是否参加（会审截止日待节假日安排录入后计算）。`
        }本部门任一联络员的答复即为部门答复。`,
      ),
      actions({ label: '接受', style: 'primary', value: partValue(view, p, 'accept') }),
      {
        type: 'form',
        name: 'decline',
        inputs: [{ type: 'text', name: 'reason', label: '拒绝原因', required: true }],
        submit: { label: '拒绝', style: 'danger', value: partValue(view, p, 'decline') },
      },
    );
  } else {
    elements.push(md(`**${p.department}**：${partStatus(p)}`));
  }
  return {
    header: {
      title: `联合抽查任务会审：${view.name}`,
      subtitle: `任务 #${view.id} · ${assignmentMachine.states[p.state]}`,
      color: p.state === 'pending' ? 'blue' : p.state === 'declined' ? 'orange' : 'green',
    },
    elements,
  };
}

/** The office's card to rule on a department that declined, stayed silent or cannot be reached. */
export function rulingCard(view: TaskView, p: TaskPartView): Card {
  const why =
    p.state === 'declined' || p.reason
      ? `${p.answeredBy ?? p.department}代表${p.department}拒绝参加，原因：${p.reason ?? ''}`
      : p.noLiaison
        ? `${p.department}没有绑定联络员，会审卡片无法送达`
        : `${p.department}在会审截止日 ${view.acceptanceDueText} 前未答复`;
  const elements: Element[] = [md(why), facts(view)];
  if (p.state === 'pending' || p.state === 'declined') {
    elements.push({
      type: 'form',
      name: 'ruling',
      inputs: [
        {
          type: 'select',
          name: 'decision',
          label: '裁定',
          required: true,
          options: [
            { value: 'keep', label: `${p.department}参加任务` },
            { value: 'release', label: `${p.department}退出任务` },
          ],
        },
        { type: 'text', name: 'ruling', label: '裁定说明（可选）' },
      ],
      submit: { label: '提交裁定', style: 'primary', value: partValue(view, p, 'rule') },
    });
  } else {
    elements.push(md(`**${p.department}**：${partStatus(p)}`));
  }
  return {
    header: {
      title: `请裁定：${view.name}`,
      subtitle: `任务 #${view.id} · ${p.department} · ${assignmentMachine.states[p.state]}`,
      color: p.state === 'pending' || p.state === 'declined' ? 'orange' : 'green',
    },
    elements,
  };
}
