// Neutral card → HTML for the local workspace. Every text is escaped; markdown is the small subset cards use
// (**bold**, `code`, line breaks). Buttons and forms carry their callback value as JSON in data attributes;
// the page posts it back on click, as Lark posts a card action.
import type { Button, Card, Element, Input } from '../../cards/card.ts';

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function renderMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\n/g, '<br>');
}

const attr = (value: unknown) => escapeHtml(JSON.stringify(value));

function renderButton(button: Button, type: 'button' | 'submit' = 'button'): string {
  const confirm = button.confirm
    ? ` data-confirm="${escapeHtml(`${button.confirm.title}：${button.confirm.text}`)}"`
    : '';
  return `<button type="${type}" class="btn ${button.style ?? 'default'}" data-value="${attr(button.value)}"${confirm}${
    button.disabled ? ' disabled' : ''
  }>${escapeHtml(button.label)}</button>`;
}

function renderInput(input: Input): string {
  const required = input.required ? ' required' : '';
  const label = `<span class="label">${escapeHtml(input.label)}${input.required ? ' *' : ''}</span>`;
  const name = escapeHtml(input.name);
  switch (input.type) {
    case 'text':
      return input.multiline
        ? `<label>${label}<textarea name="${name}" placeholder="${escapeHtml(input.placeholder ?? '')}"${required}>${escapeHtml(input.initial ?? '')}</textarea></label>`
        : `<label>${label}<input type="text" name="${name}" value="${escapeHtml(input.initial ?? '')}" placeholder="${escapeHtml(input.placeholder ?? '')}"${required}></label>`;
    case 'date':
      return `<label>${label}<input type="date" name="${name}" value="${escapeHtml(input.initial ?? '')}"${required}></label>`;
    case 'select':
    case 'multi_select': {
      const multiple = input.type === 'multi_select';
      const chosen = new Set(multiple ? (input.initial ?? []) : input.initial ? [input.initial] : []);
      const options = input.options
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}"${chosen.has(o.value) ? ' selected' : ''}>${escapeHtml(o.label)}</option>`,
        )
        .join('');
      const placeholder = multiple
        ? ''
        : `<option value="">${escapeHtml(input.placeholder ?? '请选择')}</option>`;
      return `<label>${label}<select name="${name}"${multiple ? ' multiple' : ''}${required}>${placeholder}${options}</select></label>`;
    }
  }
}

function renderElement(element: Element): string {
  switch (element.type) {
    case 'markdown':
      return `<div class="md">${renderMarkdown(element.text)}</div>`;
    case 'note':
      return `<div class="note">${renderMarkdown(element.text)}</div>`;
    case 'divider':
      return '<hr>';
    case 'fields':
      return `<dl class="fields">${element.fields
        .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${renderMarkdown(f.value)}</dd></div>`)
        .join('')}</dl>`;
    case 'table': {
      if (element.rows.length === 0)
        return `<div class="note">${escapeHtml(element.empty ?? '（无）')}</div>`;
      const head = element.columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join('');
      const body = element.rows
        .map(
          (r) => `<tr>${element.columns.map((c) => `<td>${escapeHtml(r[c.key] ?? '')}</td>`).join('')}</tr>`,
        )
        .join('');
      return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    }
    case 'actions':
      return `<div class="actions">${element.buttons.map((b) => renderButton(b)).join('')}</div>`;
    case 'form':
      return `<form class="card-form" data-name="${escapeHtml(element.name)}">${element.inputs.map(renderInput).join('')}<div class="actions">${renderButton(element.submit, 'submit')}${element.cancel ? renderButton(element.cancel) : ''}</div></form>`;
  }
}

export function renderCardHtml(card: Card): string {
  const header = card.header
    ? `<header class="${card.header.color ?? 'blue'}"><div class="title">${escapeHtml(card.header.title)}</div>${
        card.header.subtitle ? `<div class="subtitle">${escapeHtml(card.header.subtitle)}</div>` : ''
      }</header>`
    : '';
  return `<div class="card">${header}<div class="body">${card.elements.map(renderElement).join('')}</div></div>`;
}
