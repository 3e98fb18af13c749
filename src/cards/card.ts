// The neutral card model: what commands build, and what each platform renders (HTML for the local
// workspace, Lark card JSON 2.0 for Lark). Only the elements the product uses.

/** A button's or form's callback value. The dispatcher routes on `cmd` + `action`; `id` and `version`
 *  name the object the card shows, so a click on a stale card can be refused. Values must be JSON. */
export interface ActionValue {
  cmd: string;
  action: string;
  id?: string | number;
  version?: number;
  [key: string]: unknown;
}

export type CardColor = 'blue' | 'green' | 'orange' | 'red' | 'grey';

export interface Button {
  label: string;
  style?: 'primary' | 'danger' | 'default';
  value: ActionValue;
  /** Asks the user to confirm before the click is sent. */
  confirm?: { title: string; text: string };
  disabled?: boolean;
}

export interface Option {
  value: string;
  label: string;
}

export type Input =
  | {
      type: 'text';
      name: string;
      label: string;
      placeholder?: string;
      required?: boolean;
      initial?: string;
      multiline?: boolean;
    }
  | {
      type: 'select';
      name: string;
      label: string;
      options: Option[];
      required?: boolean;
      initial?: string;
      placeholder?: string;
    }
  | {
      type: 'multi_select';
      name: string;
      label: string;
      options: Option[];
      required?: boolean;
      initial?: string[];
      placeholder?: string;
    }
  | { type: 'date'; name: string; label: string; required?: boolean; initial?: string };

export type Element =
  | { type: 'markdown'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | {
      type: 'table';
      columns: { key: string; label: string }[];
      rows: Record<string, string>[];
      empty?: string;
    }
  | { type: 'actions'; buttons: Button[] }
  | { type: 'form'; name: string; inputs: Input[]; submit: Button; cancel?: Button }
  | { type: 'note'; text: string }
  | { type: 'divider' };

export interface Card {
  header?: { title: string; subtitle?: string; color?: CardColor };
  elements: Element[];
}

export const md = (text: string): Element => ({ type: 'markdown', text });
export const note = (text: string): Element => ({ type: 'note', text });
export const fields = (list: { label: string; value: string }[]): Element => ({
  type: 'fields',
  fields: list,
});
export const actions = (...buttons: Button[]): Element => ({ type: 'actions', buttons });
export const divider: Element = { type: 'divider' };
