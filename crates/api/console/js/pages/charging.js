// Charging: charge points (connection, registration), their connectors, sessions, and the
// timeline of a charge point or a session.

import * as api from '../api.js';
import { h, fill, table, badge, button, errorBox, when, kwh } from '../dom.js';

export default async function charging(view) {
  const points = h('div#charge-points');
  const detail = h('div#charging-detail', { 'aria-live': 'polite' });
  const sessions = h('div#charging-sessions');
  const out = h('div', { 'aria-live': 'assertive' });
  fill(view, h('h1', 'Charging'), h('h2', 'Charge points'), points, out, detail, h('h2', 'Sessions'), sessions);
  try {
    const page = await api.get('/api/v1/charge-points?limit=200');
    fill(points, table('Charge points', [
      { label: 'Identity', value: (c) => c.identity },
      { label: 'Protocol', value: (c) => c.protocol },
      { label: 'Connection', value: (c) => badge(c.connected ? 'online' : 'offline') },
      { label: 'Registration', value: (c) => badge(c.registration) },
      { label: 'Last seen', value: (c) => when(c.last_seen) },
      { label: 'Model', value: (c) => [c.vendor, c.model, c.firmware_version].filter(Boolean).join(' · ') || '—' },
      { label: 'Actions', value: (c) => h('div.actions',
        button('Connectors', () => connectors(detail, c), out, { 'aria-label': `Connectors of ${c.identity}` }),
        button('Timeline', () => timeline(detail, `/api/v1/charge-points/${c.id}/timeline`, c.identity), out,
          { 'aria-label': `Timeline of ${c.identity}` })) },
    ], page.items || [], 'No charge points have connected yet.'));
  } catch (e) {
    fill(points, errorBox(e));
  }
  try {
    const page = await api.get('/api/v1/charging-sessions?limit=100');
    fill(sessions, table('Charging sessions', [
      { label: 'Started', value: (s) => when(s.started_at) },
      { label: 'Connector', value: (s) => s.connector },
      { label: 'Id tag', value: (s) => s.id_tag },
      { label: 'State', value: (s) => badge(s.state) },
      { label: 'Energy', className: 'num', value: (s) => kwh(s.energy_wh) },
      { label: 'Stopped', value: (s) => when(s.stopped_at) },
      { label: 'Reason', value: (s) => s.stop_reason || '' },
      { label: '', value: (s) => button('Timeline', () => timeline(detail, `/api/v1/charging-sessions/${s.id}/timeline`,
        `session ${s.transaction_id}`), out, { 'aria-label': `Timeline of session ${s.transaction_id}` }) },
    ], page.items || [], 'No charging sessions yet.'));
  } catch (e) {
    fill(sessions, errorBox(e));
  }
  return null;
}

async function connectors(detail, c) {
  const ports = await api.get(`/api/third/v1/devices/${c.id}/ports`);
  const items = Array.isArray(ports) ? ports : ports.items || ports.ports || [];
  const keys = [...new Set(items.flatMap((p) => Object.keys(p)))].slice(0, 8);
  fill(detail, h('h2', `Connectors of ${c.identity}`), table(`Connectors of ${c.identity}`,
    keys.map((k) => ({ label: k, value: (p) => show(p[k]) })), items, 'No connectors reported.'));
}

async function timeline(detail, path, title) {
  const page = await api.get(`${path}?limit=200`);
  fill(detail, h('h2', `Timeline of ${title}`), h('ol.timeline', (page.items || []).map((e) => h('li',
    h('time', { dateTime: e.at }, when(e.at)), ' ', badge(e.kind),
    e.connector !== null && e.connector !== undefined ? ` connector ${e.connector}` : '',
    e.details && Object.keys(e.details).length ? h('code', ` ${JSON.stringify(e.details)}`) : ''))));
  if (!(page.items || []).length) detail.append(h('p.empty', 'Nothing recorded.'));
}

function show(v) {
  if (v === null || v === undefined) return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
