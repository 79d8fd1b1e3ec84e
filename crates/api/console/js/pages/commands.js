// Commands: issue one to a device of the station and watch its states until it ends; the
// station's recent commands, refreshed while any is still under way.

import * as api from '../api.js';
import { h, fill, field, table, badge, button, errorBox, when, toast } from '../dom.js';

const OPEN = new Set(['pending', 'sent', 'delivered']);
const POLL_MS = 2000;

export default async function commands(view, ctx) {
  if (!ctx.station) {
    fill(view, h('h1', 'Commands'), h('p', 'Choose a station first.'));
    return null;
  }
  const devices = (await api.get(`/api/v1/devices${api.qs({ station_id: ctx.station, limit: 200 })}`)).items || [];
  const device = h('select', { name: 'device_id', required: true },
    devices.map((d) => h('option', { value: d.id }, `${d.name} (${d.kind})`)));
  const method = h('input', { type: 'text', name: 'method', required: true, placeholder: 'setPower' });
  const params = h('textarea', { name: 'params', rows: 3, spellcheck: false }, '{}');
  const timeout = h('input', { type: 'number', name: 'timeout_s', value: 30, min: 1 });
  const key = h('input', { type: 'text', name: 'idempotency_key', autocomplete: 'off' });
  const out = h('div', { 'aria-live': 'assertive' });
  const list = h('div#command-list');
  const form = h('form.grid-form', { 'aria-label': 'Issue a command' },
    field('Device', device), field('Method', method), field('Parameters (JSON)', params),
    field('Timeout (s)', timeout), field('Idempotency key (optional)', key, 'The same key within 24 h returns the same command'),
    h('button', { type: 'submit' }, 'Issue command'));
  fill(view, h('h1', 'Commands'), form, out, h('h2', 'Recent commands of the station'), list);

  let timer = null;
  const load = async () => {
    clearTimeout(timer);
    try {
      const page = await api.get(`/api/v1/commands${api.qs({ station_id: ctx.station, limit: 50 })}`);
      const items = page.items || [];
      const names = new Map(devices.map((d) => [d.id, d.name]));
      fill(list, table('Commands', [
        { label: 'Created', value: (c) => when(c.created_at) },
        { label: 'Device', value: (c) => names.get(c.device_id) || c.device_id },
        { label: 'Method', value: (c) => c.method },
        { label: 'State', value: (c) => h('span.command-state', badge(c.state)) },
        { label: 'Attempts', value: (c) => c.attempts },
        { label: 'Deadline', value: (c) => when(c.deadline) },
        { label: 'Actions', value: (c) => (OPEN.has(c.state) ? button('Cancel', async () => {
          await api.post(`/api/v1/commands/${c.id}/cancel`);
          await load();
        }, out, { 'aria-label': `Cancel ${c.method}` }) : '') },
      ], items, 'No commands yet.'));
      if (items.some((c) => OPEN.has(c.state))) timer = setTimeout(load, POLL_MS);
    } catch (e) {
      fill(list, errorBox(e));
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let p;
    try { p = JSON.parse(params.value || '{}'); } catch (err) {
      fill(out, errorBox({ code: 'invalid_json', message: `Parameters: ${err.message}` }));
      return;
    }
    try {
      const body = { device_id: device.value, method: method.value.trim(), params: p, timeout_s: Number(timeout.value) };
      if (key.value.trim()) body.idempotency_key = key.value.trim();
      const c = await api.post('/api/v1/commands', body);
      fill(out);
      toast(`Command ${c.method} is ${c.state}`);
      await load();
    } catch (err) {
      fill(out, errorBox(err));
    }
  });
  await load();
  return () => clearTimeout(timer);
}
