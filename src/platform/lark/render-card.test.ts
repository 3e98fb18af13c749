import { describe, expect, it } from 'vitest';
import type { Card } from '../../cards/card.ts';
import { CardTooLargeError, LARK_CARD_LIMIT_BYTES, larkCardContent, renderLarkCard } from './render-card.ts';

describe('renderLarkCard', () => {
  it('makes a shared JSON 2.0 card whose buttons call back with their value', () => {
    const card = renderLarkCard({
      header: { title: '标题', color: 'green' },
      elements: [
        {
          type: 'actions',
          buttons: [
            { label: '确认', style: 'primary', value: { cmd: 'x', action: 'ok', id: 3, version: 2 } },
          ],
        },
      ],
    }) as { schema: string; config: unknown; header: unknown; body: { elements: unknown[] } };
    expect(card.schema).toBe('2.0');
    expect(card.config).toEqual({ update_multi: true });
    expect(card.header).toMatchObject({ title: { tag: 'plain_text', content: '标题' }, template: 'green' });
    expect(JSON.stringify(card.body)).toContain(
      '"behaviors":[{"type":"callback","value":{"cmd":"x","action":"ok","id":3,"version":2}}]',
    );
  });

  it('renders a form with every input kind and a submit button', () => {
    const card = renderLarkCard({
      elements: [
        {
          type: 'form',
          name: 'f',
          inputs: [
            { type: 'text', name: 'reason', label: '理由', required: true },
            { type: 'select', name: 'dept', label: '部门', options: [{ value: 'a', label: 'A' }] },
            {
              type: 'multi_select',
              name: 'depts',
              label: '参与部门',
              options: [{ value: 'a', label: 'A' }],
              initial: ['a'],
            },
            { type: 'date', name: 'due', label: '期限', initial: '2026-12-01' },
          ],
          submit: { label: '提交', value: { cmd: 'plan', action: 'submit' } },
        },
      ],
    });
    const form = (
      card.body as { elements: { tag: string; elements: { tag: string; form_action_type?: string }[] }[] }
    ).elements[0]!;
    expect(form.tag).toBe('form');
    expect(form.elements.map((e) => e.tag)).toEqual([
      'input',
      'markdown',
      'select_static',
      'markdown',
      'multi_select_static',
      'markdown',
      'date_picker',
      'button',
    ]);
    expect(form.elements.at(-1)?.form_action_type).toBe('submit');
  });

  it('escapes markup in text, so a name cannot mention everyone', () => {
    const json = JSON.stringify(
      renderLarkCard({ elements: [{ type: 'markdown', text: '<at user_id="all"></at> **粗体**' }] }),
    );
    expect(json).not.toContain('<at');
    expect(json).toContain('**粗体**');
  });

  it('refuses a card over the 30 KB limit', () => {
    const big: Card = { elements: [{ type: 'markdown', text: '字'.repeat(LARK_CARD_LIMIT_BYTES / 3 + 10) }] };
    expect(() => larkCardContent(big)).toThrow(CardTooLargeError);
  });
});
