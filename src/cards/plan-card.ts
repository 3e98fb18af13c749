// The card of one plan, as every copy of it shows it (the liaison's, the office's): what it plans, the draw it
// would make from the library today, its state, and the buttons that state allows. Each button carries the
// plan's id and version, so a click on a copy that is out of date is refused.
import {
  type EstimateRow,
  kindLabels,
  type PlanDraft,
  type PlanMatter,
  quotaText,
  roundingLabels,
  statedQuotas,
} from '../domain/plan-record.ts';
import { type PlanState, planMachine } from '../domain/workflow.ts';
import { actions, type Card, type CardColor, type Element, fields, md, note } from './card.ts';

export interface PlanView {
  plan: PlanDraft & {
    id: number;
    revision: number;
    state: PlanState;
    version: number;
    returnReason: string | null;
    changeReason: string | null;
  };
  lead: string;
  participants: string[];
  matters: PlanMatter[];
  estimate: EstimateRow[];
  /** The re-entry deadline of a revision, as cards show deadlines (seed 000 art. 15). */
  reentryDue?: string;
  submittedBy?: string;
  decidedBy?: string;
}

const COLORS: Record<PlanState, CardColor> = {
  draft: 'grey',
  submitted: 'blue',
  filed: 'green',
  returned: 'orange',
  superseded: 'grey',
};

const list = (items: string[]) => (items.length > 0 ? items.join('、') : '不限');

export function planCard(view: PlanView): Card {
  const { plan } = view;
  const value = (action: string) => ({ cmd: 'plan', action, id: plan.id, version: plan.version });
  const scope = plan.scope;
  const elements: Element[] = [
    fields([
      { label: '类型', value: kindLabels[plan.kind] },
      { label: '年度', value: String(plan.year) },
      { label: '牵头部门', value: view.lead },
      ...(plan.kind === 'joint' ? [{ label: '参与部门', value: list(view.participants) }] : []),
      { label: '检查期间', value: `${plan.periodStart} 至 ${plan.periodEnd}，分 ${plan.batches} 批` },
      {
        label: '抽查比例',
        value: `${statedQuotas(plan.ratios, plan.counts).map(quotaText).join('，')}（${roundingLabels[plan.rounding]}）`,
      },
      {
        label: '检查对象范围',
        value: `类型：${list(scope.objectTypes)}；行业：${list(scope.industries)}；片区：${list(scope.areas)}；专项库：${list(scope.tags)}`,
      },
    ]),
    {
      type: 'table',
      columns: [
        { key: 'name', label: '抽查事项' },
        { key: 'level', label: '类别' },
      ],
      rows: view.matters.map((m) => ({ name: m.name, level: m.level === 'key' ? '重点' : '一般' })),
    },
    {
      type: 'table',
      columns: [
        { key: 'stratum', label: '分层' },
        { key: 'pool', label: '名录库中（存续）' },
        { key: 'draw', label: '预计抽取' },
      ],
      rows: view.estimate.map((e) => ({
        stratum: quotaText(e),
        pool: String(e.pool),
        draw: String(e.draw),
      })),
      empty: '名录库中还没有范围内的检查对象。',
    },
    note('预计抽取按当前名录库估算；实际以抽取时冻结的对象池为准。'),
  ];
  if (plan.changeReason)
    elements.push(
      md(
        `**第 ${plan.revision} 版调整原因**：${plan.changeReason}${view.reentryDue ? `；须在 ${view.reentryDue}前重新备案公示` : ''}`,
      ),
    );
  if (plan.state === 'returned' && plan.returnReason)
    elements.push(md(`**退回原因**：${plan.returnReason}${view.decidedBy ? `（${view.decidedBy}）` : ''}`));
  if (plan.state === 'filed' && view.decidedBy) elements.push(note(`由 ${view.decidedBy} 备案。`));
  if (plan.state === 'draft' || plan.state === 'returned') {
    elements.push(
      actions({
        label: plan.state === 'draft' ? '报送备案' : '重新报送',
        style: 'primary',
        value: value('submit'),
      }),
    );
  }
  if (plan.state === 'submitted') {
    elements.push(
      note(`${view.submittedBy ? `${view.submittedBy} 已报送，` : ''}等待联席会议办公室备案。`),
      actions(
        { label: '备案', style: 'primary', value: value('file') },
        { label: '撤回', value: value('withdraw') },
      ),
      {
        type: 'form',
        name: 'return',
        inputs: [
          {
            type: 'text',
            name: 'reason',
            label: '退回原因',
            required: true,
            placeholder: '请写明需要修改的地方',
          },
        ],
        submit: { label: '退回', style: 'danger', value: value('return') },
      },
    );
  }
  if (plan.state === 'filed')
    elements.push(note(`如需调整，发送 /plan revise ${plan.id} <调整原因>，将生成新版本重新备案。`));
  return {
    header: {
      title: `${plan.name}${plan.revision > 1 ? `（第 ${plan.revision} 版）` : ''}`,
      subtitle: `计划 #${plan.id} · ${planMachine.states[plan.state]}`,
      color: COLORS[plan.state],
    },
    elements,
  };
}
