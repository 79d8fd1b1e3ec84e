// Dead letters (replay) and the audit log: paged lists (cursor-based "Load more").

import * as api from '../api.js';
import { h, fill, table, badge, button, errorBox, when, toast } from '../dom.js';

/** A paged list: fetches `path` pages and renders all rows loaded so far. */
function paged(where, path, caption, columns, empty) {
  const rows = [];
  let cursor = null;
  const out = h('div', { 'aria-live': 'assertive' });
  const more = button('Load more', () => next(), out);
  const next = async () => {
    const page = await api.get(`${path}${path.includes('?') ? '&' : '?'}${api.qs({ limit: 50, cursor }).slice(1)}`);
    rows.push(...(page.items || []));
    cursor = page.next_cursor || null;
    fill(where, table(caption, columns, rows, empty), cursor ? more : null, out);
  };
  return { next, reset: () => { rows.length = 0; cursor = null; return next(); } };
}

export async function deadLetters(view) {
  const where = h('div#dead-letters');
  fill(view, h('h1', 'Dead letters'), h('p', 'Events no consumer could handle after every retry. Replay sends one again to the consumers that failed.'), where);
  const list = paged(where, '/api/v1/events/dead-letters', 'Dead letters', [
    { label: 'Dead since', value: (d) => when(d.dead_at) },
    { label: 'Event', value: (d) => `${d.event_type} v${d.schema_version}` },
    { label: 'Aggregate', value: (d) => h('code', d.aggregate) },
    { label: 'Attempts', value: (d) => d.attempts },
    { label: 'Failed consumers', value: (d) => d.failed_consumers.join(', ') },
    { label: 'Last error', value: (d) => d.last_error },
    { label: 'Replayed', value: (d) => (d.replayed_at ? `${when(d.replayed_at)} by ${d.replayed_by}` : '—') },
    { label: '', value: (d) => (d.replayed_at ? badge('replayed') : button('Replay', async () => {
      await api.post(`/api/v1/events/dead-letters/${d.id}/replay`);
      toast('Replayed');
      await list.reset();
    }, null, { 'aria-label': `Replay ${d.event_type} of ${when(d.dead_at)}` })) },
  ], 'No dead letters: every event was delivered.');
  try { await list.next(); } catch (e) { fill(where, errorBox(e)); }
  return null;
}

export async function audit(view) {
  const where = h('div#audit');
  fill(view, h('h1', 'Audit log'), h('p', 'Every mutating request and every refused one, newest first.'), where);
  const list = paged(where, '/api/v1/audit', 'Audit log', [
    { label: 'At', value: (a) => when(a.at) },
    { label: 'Actor', value: (a) => a.actor },
    { label: 'Action', value: (a) => h('code', a.action) },
    { label: 'Target', value: (a) => a.target },
    { label: 'Outcome', value: (a) => badge(a.outcome) },
    { label: 'Status', value: (a) => a.status },
    { label: 'Request', value: (a) => h('code', a.request_id) },
  ], 'Nothing audited yet.');
  try { await list.next(); } catch (e) { fill(where, errorBox(e)); }
  return null;
}
