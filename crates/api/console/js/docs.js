// The API reference at /docs, rendered from /api/openapi.json by this file (no viewer fetched
// from a CDN): operations grouped by tag, with parameters, request body and responses, and the
// component schemas they name.

import { h, fill, table, errorBox } from './dom.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function refName(ref) {
  return ref ? ref.split('/').pop() : '';
}

/** A compact type text of a schema: `string`, `Foo`, `array of Foo`, `object`. */
function typeOf(s) {
  if (!s) return '';
  if (s.$ref) return refName(s.$ref);
  if (s.type === 'array') return `array of ${typeOf(s.items)}`;
  if (s.oneOf || s.anyOf) return (s.oneOf || s.anyOf).map(typeOf).join(' | ');
  if (s.allOf) return s.allOf.map(typeOf).join(' & ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type || 'any';
  return s.enum ? `${t} (${s.enum.join(', ')})` : s.format ? `${t} (${s.format})` : t;
}

function schemaLink(s) {
  const name = s && (s.$ref ? refName(s.$ref) : s.items && s.items.$ref ? refName(s.items.$ref) : '');
  return name ? h('a', { href: `#schema-${name}` }, typeOf(s)) : typeOf(s);
}

function operation(path, method, op) {
  const params = op.parameters || [];
  const body = op.requestBody && op.requestBody.content;
  return h('details.op', { id: `op-${op.operationId}`, dataset: { search: `${method} ${path} ${op.operationId} ${op.summary || ''}`.toLowerCase() } },
    h('summary', h(`span.method.m-${method}`, method.toUpperCase()), ' ', h('code', path), ' ', h('span.muted', op.summary || '')),
    op.description ? h('p', op.description) : null,
    h('p.muted', `operationId ${op.operationId}`, op.security ? ` · auth: ${op.security.map((s) => Object.keys(s).join('+')).join(' or ')}` : ''),
    params.length ? table('Parameters', [
      { label: 'Name', value: (p) => h('code', p.name) },
      { label: 'In', value: (p) => p.in },
      { label: 'Type', value: (p) => schemaLink(p.schema) },
      { label: 'Required', value: (p) => (p.required ? 'yes' : 'no') },
      { label: 'Description', value: (p) => p.description || '' },
    ], params) : null,
    body ? h('div', h('h4', 'Request body'), Object.entries(body).map(([type, c]) => h('p', h('code', type), ' ', schemaLink(c.schema),
      op.requestBody.description ? ` — ${op.requestBody.description}` : ''))) : null,
    h('h4', 'Responses'),
    table('Responses', [
      { label: 'Status', value: ([code]) => h('code', code) },
      { label: 'Description', value: ([, r]) => r.description || '' },
      { label: 'Body', value: ([, r]) => (r.content ? Object.entries(r.content).map(([type, c]) => h('div', h('code', type), ' ', schemaLink(c.schema))) : '') },
    ], Object.entries(op.responses || {})));
}

function schemas(components) {
  const entries = Object.entries((components && components.schemas) || {});
  return h('section', h('h2#schemas', 'Schemas'), entries.map(([name, s]) => h('details.op', { id: `schema-${name}`, dataset: { search: name.toLowerCase() } },
    h('summary', h('code', name), ' ', h('span.muted', s.description || '')),
    s.properties ? table(name, [
      { label: 'Field', value: ([k]) => h('code', k) },
      { label: 'Type', value: ([, p]) => schemaLink(p) },
      { label: 'Required', value: ([k]) => ((s.required || []).includes(k) ? 'yes' : 'no') },
      { label: 'Description', value: ([, p]) => p.description || '' },
    ], Object.entries(s.properties)) : h('pre', JSON.stringify(s, null, 2)))));
}

async function main() {
  const where = document.getElementById('operations');
  const nav = document.getElementById('tags');
  let doc;
  try {
    const res = await fetch('/api/openapi.json');
    doc = await res.json();
  } catch (e) {
    fill(where, errorBox(e));
    return;
  }
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) {
      if (!item[m]) continue;
      const tag = (item[m].tags && item[m].tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(path, m, item[m]));
    }
  }
  const tags = [...byTag.keys()].sort();
  fill(nav, tags.map((t) => h('li', h('a', { href: `#tag-${t}` }, t))), h('li', h('a', { href: '#schemas' }, 'schemas')));
  fill(where,
    h('h1', `${doc.info.title} ${doc.info.version}`),
    h('p', doc.info.description || ''),
    tags.map((t) => h('section', h(`h2#tag-${t}`, t), byTag.get(t))),
    schemas(doc.components));
  const filter = document.getElementById('filter');
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const d of where.querySelectorAll('details.op')) d.hidden = Boolean(q) && !d.dataset.search.includes(q);
  });
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

main();
