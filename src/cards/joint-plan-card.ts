// The card of a year's joint annual plan: what it holds, who is under the 10% joint share, and where it stands
// between compiling, approval by the government and publication — with the form the next step needs.
import { type JointPlanState, jointPlanMachine, launchesTasks } from '../domain/workflow.ts';
import { actions, type Card, type CardColor, type Element, fields, md, note } from './card.ts';

export interface JointPlanView {
  id: number;
  year: number;
  revision: number;
  state: JointPlanState;
  version: number;
  planIds: number[];
  rows: string[][];
  under: { department: string; joint: number; total: number }[];
  docNo: string | null;
  approvedOn: string | null;
  publishedOn: string | null;
  publishedWhere: string | null;
  returnReason: string | null;
  title: string;
}

const COLORS: Record<JointPlanState, CardColor> = {
  compiled: 'blue',
  submitted: 'blue',
  approved: 'green',
  published: 'green',
  superseded: 'grey',
};

const SHOWN = 20;

export function jointPlanCard(view: JointPlanView): Card {
  const value = (action: string) => ({ cmd: 'plan', action, id: view.id, version: view.version });
  const body = view.rows.slice(1);
  const elements: Element[] = [
    {
      type: 'table',
      columns: [
        { key: 'seq', label: '序号' },
        { key: 'plan', label: '计划' },
        { key: 'name', label: '任务名称' },
        { key: 'departments', label: '联查部门' },
      ],
      rows: body.slice(0, SHOWN).map((r, i) => ({
        seq: r[0]!,
        plan: `#${view.planIds[i]}`,
        name: r[2]!,
        departments: r[3]!,
      })),
      empty: `${view.year} 年还没有已备案的联合抽查计划。`,
    },
    ...(body.length > SHOWN ? [note(`共 ${body.length} 项，完整内容见公示表文件。`)] : []),
    md(
      view.under.length > 0
        ? `**联合抽查占比不足 10% 的部门**（联合抽查任务 ÷ 全部年度计划任务，市联席会议要求不低于 10%）：${view.under
            .map((u) => `${u.department} ${u.total > 0 ? `${u.joint}/${u.total}` : '未报送计划'}`)
            .join('、')}`
        : '各部门的联合抽查占比均达到 10%。',
    ),
  ];
  const facts: { label: string; value: string }[] = [];
  if (view.docNo) facts.push({ label: '批准文号', value: `${view.docNo}（${view.approvedOn}）` });
  if (view.publishedOn) facts.push({ label: '公布', value: `${view.publishedOn}，${view.publishedWhere}` });
  if (facts.length > 0) elements.push(fields(facts));
  if (view.returnReason) elements.push(md(`**退回修改**：${view.returnReason}`));
  switch (view.state) {
    case 'compiled':
      elements.push(
        note('公示表按各计划的最新备案版本汇编；计划再有调整，发送 /plan compile 重新汇编。'),
        actions({
          label: '报批',
          style: 'primary',
          value: value('annual-submit'),
          confirm: { title: '报批', text: `将本版 ${view.year} 年度计划报本级政府批准？报批后不能再汇编。` },
        }),
      );
      break;
    case 'submitted':
      elements.push(
        note('已报本级政府批准。收到批复后登记批准文号和日期。'),
        {
          type: 'form',
          name: 'approve',
          inputs: [
            {
              type: 'text',
              name: 'docNo',
              label: '批准文号',
              required: true,
              placeholder: '例如：天政字〔2027〕3号',
            },
            { type: 'date', name: 'date', label: '批准日期', required: true },
          ],
          submit: { label: '登记批准', style: 'primary', value: value('annual-approve') },
        },
        {
          type: 'form',
          name: 'reject',
          inputs: [{ type: 'text', name: 'reason', label: '退回修改的意见', required: true }],
          submit: { label: '退回修改', value: value('annual-reject') },
        },
      );
      break;
    case 'approved':
      elements.push({
        type: 'form',
        name: 'publish',
        inputs: [
          { type: 'date', name: 'date', label: '公布日期', required: true },
          {
            type: 'text',
            name: 'where',
            label: '公布渠道',
            required: true,
            placeholder: '例如：区政府门户网站、国家企业信用信息公示系统',
          },
        ],
        submit: { label: '登记公布', style: 'primary', value: value('annual-publish') },
      });
      break;
    default:
      break;
  }
  if (launchesTasks(view.state)) {
    elements.push(note('牵头部门的联络员可以发起联合抽查任务：/task new 计划编号。'));
  }
  return {
    header: {
      title: `${view.title}${view.revision > 1 ? `（第 ${view.revision} 版）` : ''}`,
      subtitle: `${jointPlanMachine.states[view.state]} · 联合抽查计划 ${body.length} 项`,
      color: COLORS[view.state],
    },
    elements,
  };
}
