// Cards every command shares: errors, usage, refusals.
import { actions, type Card, type Element, md, note } from './card.ts';

export function errorCard(message: string, hint?: string): Card {
  return {
    header: { title: '操作未完成', color: 'red' },
    elements: [md(message), ...(hint ? [note(hint)] : [])],
  };
}

export function systemErrorCard(errorId: string): Card {
  return {
    header: { title: '系统繁忙', color: 'red' },
    elements: [md(`系统繁忙，请稍后重试（编号 ${errorId}）。`), note('如果多次出现，请把编号告诉管理员。')],
  };
}

export interface UsageLine {
  usage: string;
  summary: string;
  examples?: readonly string[];
}

export function usageCard(title: string, lines: readonly UsageLine[], problem?: string): Card {
  const body = lines
    .map(
      (l) =>
        `\`${l.usage}\`\n${l.summary}${l.examples?.length ? `\n例：${l.examples.map((e) => `\`${e}\``).join('  ')}` : ''}`,
    )
    .join('\n\n');
  return {
    header: { title, color: problem ? 'orange' : 'blue' },
    elements: [...(problem ? [md(`**${problem}**`)] : []), md(body)],
  };
}

/** 上一页 / 下一页 buttons for a paged card; their value carries the object's id and the page to show. */
export function pager(cmd: string, id: number, page: number, pages: number): Element[] {
  const buttons = [
    ...(page > 1 ? [{ label: '上一页', value: { cmd, action: 'page', id, page: page - 1 } }] : []),
    ...(page < pages ? [{ label: '下一页', value: { cmd, action: 'page', id, page: page + 1 } }] : []),
  ];
  return buttons.length > 0 ? [actions(...buttons)] : [];
}
