import { parse, type HTMLElement } from 'node-html-parser';

export interface CashierForm {
  /** Absolute URL the form submits to. */
  action: string;
  method: 'GET' | 'POST';
  enctype: string;
  /** The name/value pairs a browser would send, in document order, before any choice is made. */
  fields: [string, string][];
  /** Values offered for each radio group or select, by field name. */
  choices: Map<string, string[]>;
}

/** Input types that never contribute a name/value pair of their own. */
const NOT_SUBMITTED = new Set(['file', 'reset', 'button']);

function attr(el: HTMLElement, name: string): string | undefined {
  const value = el.getAttribute(name);
  return value === undefined || value === null ? undefined : value;
}

function hasAttr(el: HTMLElement, name: string): boolean {
  return el.hasAttribute(name);
}

/**
 * Reads the first <form> of a page the way a browser builds its submission
 * (HTML "constructing the entry list"): enabled, named controls; checked radios and checkboxes;
 * the selected (or first) option of a select; textareas; the first named submit button as the one
 * pressed. Nothing is added that the form does not have.
 */
export function parseCashierForm(html: string, pageUrl: string): CashierForm {
  const root = parse(html);
  const form = root.querySelector('form');
  if (!form) throw new Error('the cashier page has no <form>');
  const action = new URL(attr(form, 'action') ?? '', pageUrl).toString();
  const method = (attr(form, 'method') ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET';
  const enctype = (attr(form, 'enctype') ?? 'application/x-www-form-urlencoded').toLowerCase();

  const fields: [string, string][] = [];
  const choices = new Map<string, string[]>();
  const addChoice = (name: string, value: string) => {
    const list = choices.get(name) ?? [];
    list.push(value);
    choices.set(name, list);
  };
  let submitterTaken = false;

  for (const el of form.querySelectorAll('input, select, textarea, button')) {
    const name = attr(el, 'name');
    const tag = el.tagName.toLowerCase();
    if (hasAttr(el, 'disabled')) continue;
    if (tag === 'input') {
      const type = (attr(el, 'type') ?? '').toLowerCase();
      const value = attr(el, 'value');
      if (type === 'radio' || type === 'checkbox') {
        if (!name) continue;
        addChoice(name, value ?? 'on');
        if (hasAttr(el, 'checked')) fields.push([name, value ?? 'on']);
      } else if (type === 'submit' || type === 'image') {
        if (name && !submitterTaken) fields.push([name, value ?? '']);
        submitterTaken = true;
      } else if (!NOT_SUBMITTED.has(type)) {
        if (name) fields.push([name, value ?? '']);
      }
    } else if (tag === 'select') {
      if (!name) continue;
      const options = el.querySelectorAll('option').filter((o) => !hasAttr(o, 'disabled'));
      const valueOf = (o: HTMLElement) => attr(o, 'value') ?? o.text.trim();
      for (const o of options) addChoice(name, valueOf(o));
      const selected = options.find((o) => hasAttr(o, 'selected')) ?? options[0];
      if (selected) fields.push([name, valueOf(selected)]);
    } else if (tag === 'textarea') {
      if (name) fields.push([name, el.text]);
    } else if (tag === 'button') {
      const type = (attr(el, 'type') ?? 'submit').toLowerCase();
      if (type !== 'submit') continue;
      if (name && !submitterTaken) fields.push([name, attr(el, 'value') ?? '']);
      submitterTaken = true;
    }
  }
  return { action, method, enctype, fields, choices };
}

/** Chooses a value for a radio group or select, as a person clicking it would; throws if not offered. */
export function choose(form: CashierForm, name: string, value: string): CashierForm {
  const offered = form.choices.get(name);
  if (!offered) throw new Error(`the cashier form has no choice named "${name}"`);
  if (!offered.includes(value))
    throw new Error(`the cashier form offers ${name} = [${offered.join(', ')}], not "${value}"`);
  const without = form.fields.filter(([n]) => n !== name);
  const index = form.fields.findIndex(([n]) => n === name);
  const fields: [string, string][] =
    index === -1
      ? [...without, [name, value]]
      : [...without.slice(0, index), [name, value], ...without.slice(index)];
  return { ...form, fields };
}

export function fieldValue(form: CashierForm, name: string): string | undefined {
  return form.fields.find(([n]) => n === name)?.[1];
}

/** Submits the form's own fields, urlencoded, following redirects like a browser. */
export async function submitCashierForm(
  form: CashierForm,
): Promise<{ status: number; url: string; html: string }> {
  if (form.enctype !== 'application/x-www-form-urlencoded') {
    throw new Error(
      `the cashier form uses enctype ${form.enctype}; this harness submits application/x-www-form-urlencoded forms`,
    );
  }
  const body = new URLSearchParams(form.fields).toString();
  const response =
    form.method === 'POST'
      ? await fetch(form.action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          redirect: 'follow',
        })
      : await fetch(`${form.action.split('?')[0]}?${body}`, { redirect: 'follow' });
  return { status: response.status, url: response.url, html: await response.text() };
}
