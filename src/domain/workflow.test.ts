import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import {
  assignmentMachine,
  drawMachine,
  jointPlanMachine,
  type Machine,
  next,
  planMachine,
  redrawMachine,
  settled,
  taskMachine,
} from './workflow.ts';

/** Every (state, event) pair: legal ones reach the table's state, the rest are refused with a message. */
function checkEveryPair<S extends string, E extends string>(m: Machine<S, E>, legal: [S, E, S][]) {
  const allowed = new Map(legal.map(([from, event, to]) => [`${from}/${event}`, to]));
  for (const state of Object.keys(m.states) as S[]) {
    for (const event of Object.keys(m.events) as E[]) {
      const expected = allowed.get(`${state}/${event}`);
      if (expected) {
        expect([state, event, next(m, state, event)]).toEqual([state, event, expected]);
      } else {
        let error: unknown;
        try {
          next(m, state, event);
        } catch (e) {
          error = e;
        }
        expect(error, `${state} + ${event} must be refused`).toBeInstanceOf(DomainError);
        expect((error as DomainError).userMessage).toContain(`不能${m.events[event].label}`);
      }
    }
  }
}

describe('state machines: every legal transition, and every other one refused', () => {
  it('a department plan (备案, seed 000 art. 13, 15)', () => {
    checkEveryPair(planMachine, [
      ['draft', 'submit', 'submitted'],
      ['returned', 'submit', 'submitted'],
      ['submitted', 'withdraw', 'draft'],
      ['submitted', 'file', 'filed'],
      ['submitted', 'return', 'returned'],
      ['filed', 'supersede', 'superseded'],
    ]);
  });

  it('the joint annual plan (报批 and 公布, seed 002 art. 11)', () => {
    checkEveryPair(jointPlanMachine, [
      ['compiled', 'recompile', 'compiled'],
      ['compiled', 'submit', 'submitted'],
      ['submitted', 'approve', 'approved'],
      ['submitted', 'reject', 'compiled'],
      ['approved', 'publish', 'published'],
      ['approved', 'supersede', 'superseded'],
      ['published', 'supersede', 'superseded'],
    ]);
  });

  it('a department’s part in a task (会审, seed 002 art. 12)', () => {
    checkEveryPair(assignmentMachine, [
      ['pending', 'accept', 'accepted'],
      ['pending', 'decline', 'declined'],
      ['pending', 'keep', 'kept'],
      ['pending', 'release', 'released'],
      ['declined', 'keep', 'kept'],
      ['declined', 'release', 'released'],
    ]);
    expect(['pending', 'declined'].map((s) => settled(s as 'pending'))).toEqual([false, false]);
    expect(['accepted', 'kept', 'released'].map((s) => settled(s as 'accepted'))).toEqual([true, true, true]);
  });

  it('a task', () => {
    checkEveryPair(taskMachine, [
      ['reviewing', 'settle', 'ready'],
      ['reviewing', 'cancel', 'cancelled'],
      ['ready', 'commit', 'drawing'],
      ['ready', 'cancel', 'cancelled'],
      ['drawing', 'draw', 'drawn'],
      ['drawn', 'staff', 'staffed'],
      ['drawing', 'redraw', 'ready'],
      ['drawn', 'redraw', 'ready'],
      ['staffed', 'redraw', 'ready'],
      ['staffed', 'restaff', 'drawn'],
      ['drawing', 'cancel', 'cancelled'],
    ]);
  });

  it('a redraw request (product.md §4.7: a second office member decides)', () => {
    checkEveryPair(redrawMachine, [
      ['requested', 'approve', 'approved'],
      ['requested', 'reject', 'rejected'],
    ]);
  });

  it('a draw (product.md §4.7: redone only as a new draw, the old one kept)', () => {
    checkEveryPair(drawMachine, [
      ['committed', 'draw', 'drawn'],
      ['committed', 'supersede', 'superseded'],
      ['drawn', 'supersede', 'superseded'],
    ]);
  });

  it('says what the current state allows', () => {
    expect(() => next(planMachine, 'filed', 'file')).toThrow('计划当前为“已备案”，不能备案。');
    try {
      next(planMachine, 'submitted', 'submit');
    } catch (e) {
      expect((e as DomainError).hint).toBe('现在可以：撤回、备案、退回。');
    }
  });
});
