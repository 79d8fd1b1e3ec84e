// Stations and devices: the chosen station's devices with their latest values (refreshed every
// few seconds), online state, unmapped keys, and the quarantine of points of unknown devices.

import * as api from '../api.js';
import { h, fill, table, badge, button, errorBox, when, num } from '../dom.js';

/** A device counts as online when its latest point is at most this old. */
const ONLINE_MS = 5 * 60 * 1000;
const REFRESH_MS = 3000;

export default async function stations(view, ctx) {
  const heading = h('h1', 'Stations & devices');
  if (!ctx.station) {
    fill(view, heading, h('p', 'No station yet: provision one with POST /api/v1/provisioning/stations.'));
    return null;
  }
  const station = await api.get(`/api/v1/stations/${ctx.station}`);
  const devices = (await api.get(`/api/v1/devices${api.qs({ station_id: ctx.station, limit: 200 })}`)).items || [];
  const live = h('input', { type: 'checkbox', checked: true, id: 'live-toggle' });
  const stamp = h('span.muted#values-updated', '');
  const grid = h('div#devices');
  const detail = h('div#device-detail', { 'aria-live': 'polite' });
  const quarantine = h('div#quarantine');
  fill(view, heading,
    h('p.meta', `${station.name} · ${station.code} · ${station.time_zone}`),
    h('div.toolbar', h('label', live, ' Live values (every 3 s)'), stamp),
    grid, detail,
    h('h2', 'Quarantine (points of devices not provisioned yet)'), quarantine);

  const draw = (latest) => {
    const byDevice = new Map();
    for (const p of latest) {
      if (!byDevice.has(p.device_id)) byDevice.set(p.device_id, []);
      byDevice.get(p.device_id).push(p);
    }
    const now = Date.now();
    fill(grid, table('Devices of the station', [
      { label: 'Device', value: (d) => h('span', { dataset: { deviceName: d.name } }, d.name) },
      { label: 'Kind', value: (d) => d.kind },
      { label: 'Protocol', value: (d) => d.protocol },
      { label: 'State', value: (d) => online(byDevice.get(d.id), now) },
      { label: 'Latest values', value: (d) => values(d, byDevice.get(d.id) || []) },
      { label: 'Actions', value: (d) => button('Unmapped keys', () => unmapped(detail, d), detail,
        { 'aria-label': `Unmapped keys of ${d.name}` }) },
    ], devices, 'This station has no devices.'));
    stamp.textContent = `updated ${new Date().toLocaleTimeString()}`;
  };
  const refresh = async () => {
    try {
      draw(await api.get(`/api/v1/telemetry/latest${api.qs({ station_id: ctx.station })}`));
    } catch (e) {
      fill(grid, errorBox(e));
    }
  };
  await refresh();
  loadQuarantine(quarantine);
  const timer = setInterval(() => { if (live.checked && !document.hidden) refresh(); }, REFRESH_MS);
  return () => clearInterval(timer);
}

function online(points, now) {
  if (!points || !points.length) return badge('no data');
  const last = Math.max(...points.map((p) => Date.parse(p.ts)));
  const state = now - last <= ONLINE_MS ? 'online' : 'offline';
  return h('span', badge(state), ' ', h('small', `last ${when(last)}`));
}

function values(device, points) {
  if (!points.length) return '—';
  return h('ul.values', points.sort((a, b) => a.point.localeCompare(b.point)).map((p) => h('li',
    h('span.point', p.point), ' ',
    h('span.value', { dataset: { device: device.name, point: p.point }, title: when(p.ts) },
      p.num_value !== null && p.num_value !== undefined ? num(p.num_value) : JSON.stringify(p.value)))));
}

async function unmapped(detail, device) {
  const keys = await api.get(`/api/v1/devices/${device.id}/unmapped-keys`);
  fill(detail, h('h2', `Unmapped keys of ${device.name}`), table(`Unmapped keys of ${device.name}`, [
    { label: 'Raw key', value: (k) => k.raw_key },
    { label: 'Points', value: (k) => num(k.points) },
    { label: 'Latest', value: (k) => when(k.last_ts) },
  ], keys, 'Every key of this device is mapped.'));
}

async function loadQuarantine(where) {
  try {
    const page = await api.get('/api/v1/telemetry/unrouted?limit=50');
    fill(where, table('Quarantined points', [
      { label: 'Device as sent', value: (p) => p.device },
      { label: 'Key', value: (p) => p.raw_key },
      { label: 'Time', value: (p) => when(p.ts) },
      { label: 'Value', value: (p) => JSON.stringify(p.value) },
      { label: 'Reason', value: (p) => p.reason },
    ], page.items || [], 'Nothing is waiting in quarantine.'));
  } catch (e) {
    fill(where, errorBox(e));
  }
}
