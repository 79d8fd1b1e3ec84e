// Small DOM helpers: element building, tables, messages and number formats.

/** h('tag.class#id', {attrs, on: {event: fn}}, ...children) — children may be strings or nodes. */
export function h(spec, attrs = {}, ...children) {
  const [, tag = 'div', rest = ''] = spec.match(/^([a-z0-9-]+)?(.*)$/) || [];
  const el = document.createElement(tag);
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = {};
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v !== null && v !== undefined) {
      if (k in el && typeof el[k] !== 'function' && !k.startsWith('aria-')) el[k] = v;
      else el.setAttribute(k, v);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A table: columns [{label, value: row => node|string, className?}], rows, and the caption
 * (its accessible name). Rows get data-id when they have an id.
 */
export function table(caption, columns, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p.empty', empty);
  return h('div.scroll', h('table',
    h('caption', caption),
    h('thead', h('tr', columns.map((c) => h('th', { scope: 'col' }, c.label)))),
    h('tbody', rows.map((r) => h('tr', { dataset: r.id ? { id: r.id } : {} },
      columns.map((c) => h(c.className ? `td.${c.className}` : 'td', c.value(r))))))));
}

/** A labelled form field; `input` is an element (input, select, textarea). */
export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const parts = [h('label', { htmlFor: id }, label), input];
  if (hint) {
    const hid = `${id}-hint`;
    input.setAttribute('aria-describedby', hid);
    parts.push(h('small', { id: hid }, hint));
  }
  return h('div.field', parts);
}

/** A select over [value, label] pairs. */
export function select(name, options, value) {
  return h('select', { name }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
}

/** An error block for an ApiError (code and message, details when given). */
export function errorBox(e) {
  const code = e && e.code ? `${e.code}: ` : '';
  return h('div.error', { role: 'alert' }, `${code}${e && e.message ? e.message : String(e)}`,
    e && e.details ? h('pre', JSON.stringify(e.details, null, 2)) : null);
}

/** Shows a short message in the status region. */
export function toast(text) {
  const t = document.getElementById('toast');
  if (!t) return;
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
}

/** Runs `fn`, showing its failure inside `where` (an element) and returning null. */
export async function attempt(where, fn) {
  try {
    return await fn();
  } catch (e) {
    if (where) where.replaceChildren(errorBox(e));
    return null;
  }
}

/** A button; `fn` is awaited with the button disabled, failures shown in `out`. */
export function button(label, fn, out, attrs = {}) {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      if (out) out.replaceChildren();
      await fn();
    } catch (e) {
      if (out) out.replaceChildren(errorBox(e));
      else toast(`${e.code || 'error'}: ${e.message}`);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
export const num = (v) => (v === null || v === undefined ? '—' : nf.format(v));
export const kwh = (wh) => (wh === null || wh === undefined ? '—' : `${nf.format(wh / 1000)} kWh`);
export const when = (t) => (t ? new Date(t).toLocaleString() : '—');
export const money = (minor, currency) => (minor === null || minor === undefined ? '—'
  : `${(minor / 100).toFixed(2)} ${currency || ''}`.trim());

/** A state badge (text plus a class per state, never colour alone). */
export function badge(state) {
  return h(`span.badge.s-${String(state).replace(/[^a-z0-9_-]/gi, '')}`, String(state));
}

/** Today's date (local) as YYYY-MM-DD, shifted by `days`. */
export function isoDay(days = 0) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
