// Strategies of the station: list, create, enable/disable, delete, and their executions.

import * as api from '../api.js';
import { h, fill, field, select, table, badge, button, errorBox, when, toast } from '../dom.js';

/** Parameter templates per strategy type (docs/strategies.md). */
export const TEMPLATES = {
  peak_shaving: { import_limit_w: 60000, recharge_below_w: 30000,
    battery: { min_soc_pct: 10, max_soc_pct: 90, max_charge_w: 20000, max_discharge_w: 20000 } },
  anti_backflow: { export_limit_w: 0, pv_rated_w: 100000, margin_w: 2000 },
  tou_arbitrage: { charge_bands: ['valley'], discharge_bands: ['peak', 'sharp'], charge_w: 10000, discharge_w: 15000,
    allow_export: false, battery: { min_soc_pct: 10, max_soc_pct: 90, max_charge_w: 20000, max_discharge_w: 20000 } },
  schedule: { entries: [{ at: '08:00', days: ['weekday'], battery_power_w: 20000 },
    { at: '22:00', days: ['all'], battery_power_w: -15000 }] },
};

export default async function strategies(view, ctx) {
  if (!ctx.station) {
    fill(view, h('h1', 'Strategies'), h('p', 'Choose a station first.'));
    return null;
  }
  const name = h('input', { type: 'text', name: 'name', required: true });
  const type = select('type', Object.keys(TEMPLATES).map((t) => [t, t]), 'peak_shaving');
  const params = h('textarea', { name: 'params', rows: 6, spellcheck: false });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });
  const setTemplate = () => { params.value = JSON.stringify(TEMPLATES[type.value], null, 2); };
  type.addEventListener('change', setTemplate);
  setTemplate();
  const out = h('div', { 'aria-live': 'assertive' });
  const list = h('div#strategy-list');
  const detail = h('div#strategy-executions');
  const form = h('form.grid-form', { 'aria-label': 'New strategy' },
    field('Name', name), field('Type', type), field('Parameters (JSON)', params, 'See docs/strategies.md'),
    h('label.check', enabled, ' Enabled (the scheduler acts on it)'), h('button', { type: 'submit' }, 'Create strategy'));
  fill(view, h('h1', 'Strategies'), h('div#strategy-list-wrap', list), out, detail, h('h2', 'New strategy'), form);

  const load = async () => {
    try {
      const page = await api.get(`/api/v1/strategies${api.qs({ station_id: ctx.station, limit: 100 })}`);
      fill(list, table('Strategies', [
        { label: 'Name', value: (s) => s.name },
        { label: 'Type', value: (s) => s.type },
        { label: 'Version', value: (s) => s.version },
        { label: 'State', value: (s) => badge(s.enabled ? 'enabled' : 'disabled') },
        { label: 'Actions', value: (s) => h('div.actions',
          button(s.enabled ? 'Disable' : 'Enable', async () => {
            await api.post(`/api/v1/strategies/${s.id}/${s.enabled ? 'disable' : 'enable'}`);
            await load();
          }, out, { 'aria-label': `${s.enabled ? 'Disable' : 'Enable'} ${s.name}` }),
          button('Executions', () => executions(detail, s), out, { 'aria-label': `Executions of ${s.name}` }),
          button('Delete', async () => {
            if (!window.confirm(`Delete strategy ${s.name}?`)) return;
            await api.del(`/api/v1/strategies/${s.id}`);
            await load();
          }, out, { 'aria-label': `Delete ${s.name}` })) },
      ], page.items || [], 'No strategies for this station.'));
    } catch (e) {
      fill(list, errorBox(e));
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let p;
    try { p = JSON.parse(params.value); } catch (err) {
      fill(out, errorBox({ code: 'invalid_json', message: `Parameters: ${err.message}` }));
      return;
    }
    try {
      await api.post('/api/v1/strategies', { station_id: ctx.station, name: name.value.trim(), type: type.value,
        params: p, enabled: enabled.checked });
      fill(out);
      toast('Strategy created');
      await load();
    } catch (err) {
      fill(out, errorBox(err));
    }
  });
  await load();
  return null;
}

async function executions(detail, s) {
  const page = await api.get(`/api/v1/strategies/${s.id}/executions?limit=50`);
  fill(detail, h('h2', `Executions of ${s.name}`), table(`Executions of ${s.name}`, [
    { label: 'At', value: (x) => when(x.at) },
    { label: 'Version', value: (x) => x.strategy_version },
    { label: 'Outcome', value: (x) => badge(typeof x.outcome === 'string' ? x.outcome : JSON.stringify(x.outcome)) },
    { label: 'Decision', value: (x) => h('code', JSON.stringify(x.decision)) },
    { label: 'Note', value: (x) => x.note || '' },
  ], page.items || [], 'No executions yet.'));
}
