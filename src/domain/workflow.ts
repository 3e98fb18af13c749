// The state machines of plans, the joint annual plan and tasks (product.md §2–§3; seed 000 art. 13–15; seed 001
// (五)(六); seed 002 art. 11–12). Each is a table of events: which states an event may leave and the state it
// enters. Anything else is refused with what the record's state allows, so a stale card or a repeated click
// changes nothing and says why.
import { DomainError } from './errors.ts';

export interface Machine<S extends string, E extends string> {
  /** For messages: what the record is called. */
  noun: string;
  states: Record<S, string>;
  events: Record<E, { label: string; from: readonly S[]; to: S }>;
}

function machine<S extends string, E extends string>(m: Machine<S, E>): Machine<S, E> {
  return m;
}

/** The state `event` leads to from `state`, or a refusal that says what the current state allows. */
export function next<S extends string, E extends string>(m: Machine<S, E>, state: S, event: E): S {
  const rule = m.events[event];
  if (rule.from.includes(state)) return rule.to;
  const possible = (Object.keys(m.events) as E[])
    .filter((e) => m.events[e].from.includes(state))
    .map((e) => m.events[e].label);
  throw new DomainError(
    'INVALID_TRANSITION',
    `${m.noun}当前为“${m.states[state]}”，不能${rule.label}。`,
    possible.length > 0
      ? `现在可以：${possible.join('、')}。`
      : `${m.noun}已${m.states[state]}，不能再更改。`,
  );
}

/**
 * A department's annual plan, or a lead department's joint plan proposal, filed with the office (备案, seed 000
 * art. 13; seed 001 (五)). A filed plan is changed only by a new version (seed 000 art. 15), which supersedes it
 * once filed in turn.
 */
export const planMachine = machine({
  noun: '计划',
  states: {
    draft: '草稿',
    submitted: '已报送',
    filed: '已备案',
    returned: '已退回',
    superseded: '已被新版本取代',
  },
  events: {
    submit: { label: '报送', from: ['draft', 'returned'], to: 'submitted' },
    withdraw: { label: '撤回', from: ['submitted'], to: 'draft' },
    file: { label: '备案', from: ['submitted'], to: 'filed' },
    return: { label: '退回', from: ['submitted'], to: 'returned' },
    supersede: { label: '由新版本取代', from: ['filed'], to: 'superseded' },
  },
});
export type PlanState = keyof typeof planMachine.states;
export type PlanEvent = keyof typeof planMachine.events;

/**
 * The joint annual plan the office compiles from the joint plans (seed 001 (六)), submitted to the government
 * (报批), approved (document number, date; seed 002 art. 11) and published. Only an approved plan launches tasks.
 */
export const jointPlanMachine = machine({
  noun: '年度联合抽查计划',
  states: {
    compiled: '已汇编',
    submitted: '已报批',
    approved: '已批准',
    published: '已公布',
    superseded: '已被新版本取代',
  },
  events: {
    recompile: { label: '重新汇编', from: ['compiled'], to: 'compiled' },
    submit: { label: '报批', from: ['compiled'], to: 'submitted' },
    approve: { label: '登记批准', from: ['submitted'], to: 'approved' },
    reject: { label: '退回修改', from: ['submitted'], to: 'compiled' },
    publish: { label: '登记公布', from: ['approved'], to: 'published' },
    supersede: { label: '由新版本取代', from: ['approved', 'published'], to: 'superseded' },
  },
});
export type JointPlanState = keyof typeof jointPlanMachine.states;
export type JointPlanEvent = keyof typeof jointPlanMachine.events;

/** Whether tasks may be launched from a joint annual plan in this state (seed 002 art. 11–12). */
export const launchesTasks = (state: JointPlanState) => state === 'approved' || state === 'published';

/**
 * One participating department's part in a task (会审, seed 002 art. 12): the first answer by any of its liaisons
 * counts. A decline goes to the office, which keeps the department in or releases it; silence past the
 * acceptance deadline escalates to the office, which rules the same way.
 */
export const assignmentMachine = machine({
  noun: '本部门的任务安排',
  states: {
    pending: '待确认',
    accepted: '已接受',
    declined: '已拒绝，待办公室裁定',
    kept: '办公室裁定参加',
    released: '办公室裁定退出',
  },
  events: {
    accept: { label: '接受', from: ['pending'], to: 'accepted' },
    decline: { label: '拒绝', from: ['pending'], to: 'declined' },
    keep: { label: '裁定参加', from: ['declined', 'pending'], to: 'kept' },
    release: { label: '裁定退出', from: ['declined', 'pending'], to: 'released' },
  },
});
export type AssignmentState = keyof typeof assignmentMachine.states;
export type AssignmentEvent = keyof typeof assignmentMachine.events;

/** Settled: the department takes part (accepted, or kept by the office) or has left the task. */
export const settled = (state: AssignmentState) => state !== 'pending' && state !== 'declined';

/**
 * A task's own state: under review until every department is settled; then ready for the target draw; the draw
 * notice posted (pool frozen, contributions open until the reveal time); the targets drawn and handed over to
 * every department; staffed once every department has drawn its inspectors (the checks extend this machine).
 */
export const taskMachine = machine({
  noun: '抽查任务',
  states: {
    reviewing: '会审中',
    ready: '待抽取检查对象',
    drawing: '抽取公告已发布',
    drawn: '已抽取检查对象',
    staffed: '检查人员已选派',
    cancelled: '已取消',
  },
  events: {
    settle: { label: '完成会审', from: ['reviewing'], to: 'ready' },
    commit: { label: '发布抽取公告', from: ['ready'], to: 'drawing' },
    draw: { label: '抽取检查对象', from: ['drawing'], to: 'drawn' },
    staff: { label: '完成检查人员选派', from: ['drawn'], to: 'staffed' },
    redraw: { label: '重新抽取检查对象', from: ['drawing', 'drawn', 'staffed'], to: 'ready' },
    restaff: { label: '重新选派检查人员', from: ['staffed'], to: 'drawn' },
    cancel: { label: '取消', from: ['reviewing', 'ready', 'drawing'], to: 'cancelled' },
  },
});
export type TaskState = keyof typeof taskMachine.states;
export type TaskEvent = keyof typeof taskMachine.events;

/**
 * A draw (product.md §4): committed by its notice (pool and the bot's entropy fixed), then drawn once; a redraw is
 * a new draw that supersedes the old one, which is kept.
 */
export const drawMachine = machine({
  noun: '抽取',
  states: {
    committed: '已公告，待抽取',
    drawn: '已抽取',
    superseded: '已被重新抽取取代',
  },
  events: {
    draw: { label: '抽取', from: ['committed'], to: 'drawn' },
    supersede: { label: '由重新抽取取代', from: ['committed', 'drawn'], to: 'superseded' },
  },
});
export type DrawState = keyof typeof drawMachine.states;

/** A request the office decides: approved, or rejected with a reason. */
const requestMachine = (noun: string) =>
  machine({
    noun,
    states: {
      requested: '待办公室审批',
      approved: '已批准',
      rejected: '已驳回',
    },
    events: {
      approve: { label: '批准', from: ['requested'], to: 'approved' },
      reject: { label: '驳回', from: ['requested'], to: 'rejected' },
    },
  });

/** A request to redo a draw: a second office member approves it, or rejects it with a reason (product.md §4.7). */
export const redrawMachine = requestMachine('重新抽取申请');
/** A request to replace a drawn target by the next reserve (递补, product.md §4.8). */
export const replacementMachine = requestMachine('递补申请');
export type RedrawState = keyof typeof redrawMachine.states;
