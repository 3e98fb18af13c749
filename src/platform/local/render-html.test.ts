import { describe, expect, it } from 'vitest';
import type { Card } from '../../cards/card.ts';
import { renderCardHtml } from './render-html.ts';

describe('renderCardHtml', () => {
  it('escapes every text, so a name cannot inject markup', () => {
    const html = renderCardHtml({
      header: { title: '<img src=x onerror=alert(1)>' },
      elements: [
        { type: 'markdown', text: '**粗体** <script>x</script>' },
        { type: 'table', columns: [{ key: 'a', label: '"列"' }], rows: [{ a: '</td><b>' }] },
      ],
    });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('</td><b>');
    expect(html).toContain('<strong>粗体</strong>');
  });

  it('renders every input kind with its button value as JSON', () => {
    const card: Card = {
      elements: [
        {
          type: 'form',
          name: 'f',
          inputs: [
            { type: 'text', name: 'reason', label: '理由', required: true },
            {
              type: 'select',
              name: 'dept',
              label: '部门',
              options: [{ value: 'swj', label: '区商务局' }],
              initial: 'swj',
            },
            {
              type: 'multi_select',
              name: 'depts',
              label: '参与部门',
              options: [
                { value: 'a', label: 'A' },
                { value: 'b', label: 'B' },
              ],
              initial: ['b'],
            },
            { type: 'date', name: 'due', label: '期限', initial: '2026-12-01' },
          ],
          submit: {
            label: '提交',
            style: 'primary',
            value: { cmd: 'plan', action: 'submit', id: 7, version: 2 },
          },
        },
      ],
    };
    const html = renderCardHtml(card);
    expect(html).toContain('name="reason"');
    expect(html).toMatch(/<select name="depts" multiple>.*<option value="b" selected>B<\/option>/);
    expect(html).toContain('<option value="swj" selected>区商务局</option>');
    expect(html).toContain('type="date" name="due" value="2026-12-01"');
    expect(html).toContain(
      'data-value="{&quot;cmd&quot;:&quot;plan&quot;,&quot;action&quot;:&quot;submit&quot;,&quot;id&quot;:7,&quot;version&quot;:2}"',
    );
  });
});
