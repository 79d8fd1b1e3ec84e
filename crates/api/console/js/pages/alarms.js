// Alarms: the list, kept live by the SSE stream (/api/v1/alarms/stream, resumed with
// Last-Event-ID after a break), with acknowledge, clear and assign.

import * as api from '../api.js';
import { h, fill, table, badge, button, errorBox, when, num, toast } from '../dom.js';

export default async function alarms(view, ctx) {
  const onlyStation = h('input', { type: 'checkbox', checked: Boolean(ctx.station), id: 'alarms-station-only' });
  const status = h('select#alarms-status', { name: 'status' },
    [['active', 'Active'], ['unack', 'Unacknowledged'], ['', 'All']].map(([v, l]) => h('option', { value: v }, l)));
  const comment = h('input#alarm-comment', { type: 'text', name: 'comment', autocomplete: 'off' });
  const live = h('span#stream-state.badge', { role: 'status' }, 'connecting');
  const list = h('div#alarm-list');
  const out = h('div', { 'aria-live': 'assertive' });
  const feed = h('ol#alarm-feed.feed', { 'aria-live': 'polite', 'aria-label': 'Alarm changes as they arrive' });
  fill(view, h('h1', 'Alarms'),
    h('div.toolbar',
      h('label', onlyStation, ' This station only'),
      h('label', 'Show ', status),
      h('label', 'Comment for ack/clear ', comment),
      h('span', 'Stream: ', live)),
    out, list,
    h('h2', 'Live changes'), feed);

  const rows = new Map();
  const filterQs = () => api.qs({ station_id: onlyStation.checked ? ctx.station : '', status: status.value, limit: 100 });
  const redraw = () => {
    const items = [...rows.values()].sort((a, b) => (b.started_at || '').localeCompare(a.started_at || ''));
    fill(list, table('Alarms', [
      { label: 'Severity', value: (a) => badge(a.severity) },
      { label: 'Status', value: (a) => h('span.alarm-status', badge(a.status)) },
      { label: 'Message', value: (a) => a.message },
      { label: 'Value', value: (a) => (a.point ? `${a.point} = ${num(a.last_value)}` : '—') },
      { label: 'Started', value: (a) => when(a.started_at) },
      { label: 'Assignee', value: (a) => a.assignee || '—' },
      { label: 'Actions', value: (a) => actions(a) },
    ], items, 'No alarms match.'));
  };
  const actions = (a) => {
    const who = h('input', { type: 'text', size: 10, 'aria-label': `Assignee for ${a.message}` });
    return h('div.actions',
      a.acknowledged ? null : button('Acknowledge', async () => {
        upsert(await api.post(`/api/v1/alarms/${a.id}/ack`, body()));
        toast('Alarm acknowledged');
      }, out, { 'aria-label': `Acknowledge ${a.message}`, dataset: { action: 'ack' } }),
      a.cleared ? null : button('Clear', async () => {
        upsert(await api.post(`/api/v1/alarms/${a.id}/clear`, body()));
        toast('Alarm cleared');
      }, out, { 'aria-label': `Clear ${a.message}`, dataset: { action: 'clear' } }),
      who,
      button('Assign', async () => {
        upsert(await api.post(`/api/v1/alarms/${a.id}/assign`, { assignee: who.value.trim() }));
        toast('Alarm assigned');
      }, out, { 'aria-label': `Assign ${a.message}` }));
  };
  const body = () => (comment.value.trim() ? { comment: comment.value.trim() } : {});
  const upsert = (a) => { rows.set(a.id, a); redraw(); };
  const reload = async () => {
    try {
      const page = await api.get(`/api/v1/alarms${filterQs()}`);
      rows.clear();
      for (const a of page.items || []) rows.set(a.id, a);
      redraw();
    } catch (e) {
      fill(list, errorBox(e));
    }
  };
  status.addEventListener('change', reload);

  let stop = () => {};
  // The stream follows the station filter: restarted (from the head) when it changes, then the
  // list is read again once it is open, so nothing between the two is missed.
  const follow = () => {
    stop();
    stop = api.stream(`/api/v1/alarms/stream${api.qs({ station_id: onlyStation.checked ? ctx.station : '' })}`,
      async (ev) => {
        if (ev.event !== 'alarm') return;
        let entry;
        try { entry = JSON.parse(ev.data); } catch (_) { return; }
        feed.prepend(h('li', { dataset: { alarm: entry.alarm_id, action: entry.action } },
          `${when(entry.at)} · ${entry.action} · ${entry.severity} · ${entry.message} (${entry.actor})`));
        while (feed.children.length > 50) feed.lastChild.remove();
        try { upsert(await api.get(`/api/v1/alarms/${entry.alarm_id}`)); } catch (_) { /* gone or out of scope */ }
      },
      (state) => {
        live.textContent = state === 'open' ? 'live' : 'reconnecting';
        live.className = `badge s-${state === 'open' ? 'live' : 'retry'}`;
        if (state === 'open') reload();
      });
  };
  onlyStation.addEventListener('change', follow);
  follow();
  return () => stop();
}
