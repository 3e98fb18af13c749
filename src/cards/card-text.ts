// A card as plain text: the fallback when a platform rejects a card (too large, or a component it refuses),
// so the user still gets the content.
import type { Card, Element } from './card.ts';

function elementText(e: Element): string[] {
  switch (e.type) {
    case 'markdown':
    case 'note':
      return [e.text.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1')];
    case 'fields':
      return e.fields.map((f) => `${f.label}：${f.value}`);
    case 'table':
      return e.rows.length === 0
        ? [e.empty ?? '（无）']
        : [
            e.columns.map((c) => c.label).join(' | '),
            ...e.rows.map((r) => e.columns.map((c) => r[c.key] ?? '').join(' | ')),
          ];
    case 'divider':
      return ['——'];
    case 'actions':
    case 'form':
      return [];
  }
}

export function cardToText(card: Card): string {
  const lines = [
    ...(card.header
      ? [`【${card.header.title}】${card.header.subtitle ? ` ${card.header.subtitle}` : ''}`]
      : []),
    ...card.elements.flatMap(elementText),
  ];
  if (card.elements.some((e) => e.type === 'actions' || e.type === 'form')) {
    lines.push('（此消息的按钮和表单无法显示，请重新发送命令或联系管理员。）');
  }
  return lines.join('\n');
}
