// Neutral card → Lark card JSON 2.0. Buttons carry their callback value in `behaviors` (2.0 style); forms
// submit with `form_action_type: submit`. Every card is a shared card (`update_multi`), which 2.0 requires and
// `im.message.patch` needs. Text from users is escaped, so a name cannot smuggle `<at user_id="all">` in.
import type { Button, Card, CardColor, Element, Input } from '../../cards/card.ts';

/** Lark refuses cards over 30 KB (error 230025). */
export const LARK_CARD_LIMIT_BYTES = 30 * 1024;

export class CardTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`card is ${bytes} bytes, over Lark's ${LARK_CARD_LIMIT_BYTES}-byte limit`);
  }
}

type Json = Record<string, unknown>;

const colors: Record<CardColor, string> = {
  blue: 'blue',
  green: 'green',
  orange: 'orange',
  red: 'red',
  grey: 'grey',
};
const plain = (content: string) => ({ tag: 'plain_text', content });

/** Lark markdown treats `<at …>`, `<font …>` and friends as markup; user text must not become markup. */
export function escapeLarkMarkdown(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function button(b: Button, extra: Json = {}): Json {
  return {
    tag: 'button',
    text: plain(b.label),
    type: b.style === 'primary' ? 'primary_filled' : b.style === 'danger' ? 'danger' : 'default',
    behaviors: [{ type: 'callback', value: b.value }],
    ...(b.confirm ? { confirm: { title: plain(b.confirm.title), text: plain(b.confirm.text) } } : {}),
    ...(b.disabled ? { disabled: true } : {}),
    ...extra,
  };
}

function input(i: Input): Json[] {
  const label = { tag: 'markdown', content: `${escapeLarkMarkdown(i.label)}${i.required ? ' *' : ''}` };
  switch (i.type) {
    case 'text':
      return [
        {
          tag: 'input',
          name: i.name,
          required: Boolean(i.required),
          label: plain(i.label),
          ...(i.placeholder ? { placeholder: plain(i.placeholder) } : {}),
          ...(i.initial ? { default_value: i.initial } : {}),
          ...(i.multiline ? { input_type: 'multiline_text', rows: 3 } : {}),
        },
      ];
    case 'select':
      return [
        label,
        {
          tag: 'select_static',
          name: i.name,
          required: Boolean(i.required),
          placeholder: plain(i.placeholder ?? '请选择'),
          options: i.options.map((o) => ({ text: plain(o.label), value: o.value })),
          ...(i.initial ? { initial_option: i.initial } : {}),
        },
      ];
    case 'multi_select':
      return [
        label,
        {
          tag: 'multi_select_static',
          name: i.name,
          required: Boolean(i.required),
          placeholder: plain(i.placeholder ?? '请选择'),
          options: i.options.map((o) => ({ text: plain(o.label), value: o.value })),
          ...(i.initial?.length ? { selected_values: i.initial } : {}),
        },
      ];
    case 'date':
      return [
        label,
        {
          tag: 'date_picker',
          name: i.name,
          required: Boolean(i.required),
          placeholder: plain('选择日期'),
          ...(i.initial ? { initial_date: i.initial } : {}),
        },
      ];
  }
}

function element(e: Element): Json[] {
  switch (e.type) {
    case 'markdown':
      return [{ tag: 'markdown', content: escapeLarkMarkdown(e.text) }];
    case 'note':
      return [{ tag: 'markdown', content: escapeLarkMarkdown(e.text), text_size: 'notation' }];
    case 'divider':
      return [{ tag: 'hr' }];
    case 'fields':
      return [
        {
          tag: 'markdown',
          content: e.fields
            .map((f) => `**${escapeLarkMarkdown(f.label)}**：${escapeLarkMarkdown(f.value)}`)
            .join('\n'),
        },
      ];
    case 'table':
      if (e.rows.length === 0) return [{ tag: 'markdown', content: escapeLarkMarkdown(e.empty ?? '（无）') }];
      return [
        {
          tag: 'table',
          page_size: Math.min(10, e.rows.length),
          columns: e.columns.map((c) => ({ name: c.key, display_name: c.label, data_type: 'text' })),
          rows: e.rows.map((r) => Object.fromEntries(e.columns.map((c) => [c.key, r[c.key] ?? '']))),
        },
      ];
    case 'actions':
      return [
        {
          tag: 'column_set',
          flex_mode: 'flow',
          columns: e.buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [button(b)] })),
        },
      ];
    case 'form':
      return [
        {
          tag: 'form',
          name: e.name,
          elements: [
            ...e.inputs.flatMap(input),
            button(e.submit, { name: 'submit', form_action_type: 'submit' }),
            ...(e.cancel ? [button(e.cancel, { name: 'cancel', form_action_type: 'reset' })] : []),
          ],
        },
      ];
  }
}

export function renderLarkCard(card: Card): Json {
  return {
    schema: '2.0',
    config: { update_multi: true },
    ...(card.header
      ? {
          header: {
            title: plain(card.header.title),
            ...(card.header.subtitle ? { subtitle: plain(card.header.subtitle) } : {}),
            template: colors[card.header.color ?? 'blue'],
          },
        }
      : {}),
    body: { elements: card.elements.flatMap(element) },
  };
}

/** The card as the JSON string a message carries; throws CardTooLargeError past Lark's limit. */
export function larkCardContent(card: Card): string {
  const content = JSON.stringify(renderLarkCard(card));
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > LARK_CARD_LIMIT_BYTES) throw new CardTooLargeError(bytes);
  return content;
}
