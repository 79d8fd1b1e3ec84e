// Shadow runs: start a backtest of a strategy over the station's history with a simulated
// battery, follow its progress, read its totals and download the report.

import * as api from '../api.js';
import { h, fill, field, select, table, badge, button, errorBox, isoDay, when } from '../dom.js';
import { TEMPLATES } from './strategies.js';

const POLL_MS = 1000;

export default async function shadow(view, ctx) {
  if (!ctx.station) {
    fill(view, h('h1', 'Shadow runs'), h('p', 'Choose a station first.'));
    return null;
  }
  const type = select('type', Object.keys(TEMPLATES).map((t) => [t, t]), 'peak_shaving');
  const params = h('textarea#shadow-params', { name: 'params', rows: 6, spellcheck: false });
  const setTemplate = () => { params.value = JSON.stringify(TEMPLATES[type.value], null, 2); };
  type.addEventListener('change', setTemplate);
  setTemplate();
  const from = h('input#shadow-from', { type: 'date', name: 'from', value: isoDay(-2), required: true });
  const to = h('input#shadow-to', { type: 'date', name: 'to', value: isoDay(-2), required: true });
  const number = (name, value) => h('input', { type: 'number', name, value, step: 'any', required: true });
  const battery = {
    capacity_wh: number('capacity_wh', 100000), max_charge_w: number('max_charge_w', 20000),
    max_discharge_w: number('max_discharge_w', 20000), efficiency: number('efficiency', 0.95),
    initial_soc: number('initial_soc', 50),
  };
  const step = number('step_s', 60);
  const out = h('div#shadow-run', { 'aria-live': 'polite' });
  const list = h('div#shadow-list');
  const form = h('form.grid-form', { 'aria-label': 'New shadow run' },
    field('Strategy type', type), field('Strategy parameters (JSON)', params, 'See docs/strategies.md'),
    field('First local day', from), field('Last local day (must have ended)', to),
    field('Battery capacity (Wh)', battery.capacity_wh), field('Max charge (W)', battery.max_charge_w),
    field('Max discharge (W)', battery.max_discharge_w), field('Round-trip efficiency (0–1)', battery.efficiency),
    field('Initial SOC (%)', battery.initial_soc), field('Step (s)', step),
    h('button#start-shadow', { type: 'submit' }, 'Start shadow run'));
  fill(view, h('h1', 'Shadow runs'), form, out, h('h2', 'Runs'), list);

  let timer = null;
  const follow = async (id) => {
    clearTimeout(timer);
    try {
      const run = await api.get(`/api/v1/shadow-runs/${id}`);
      showRun(out, run);
      if (run.state === 'queued' || run.state === 'running') timer = setTimeout(() => follow(id), POLL_MS);
      else loadList();
    } catch (e) {
      fill(out, errorBox(e));
    }
  };
  const loadList = async () => {
    try {
      const page = await api.get('/api/v1/shadow-runs?limit=20');
      fill(list, table('Shadow runs', [
        { label: 'Created', value: (r) => when(r.created_at) },
        { label: 'Days', value: (r) => `${r.from} … ${r.to}` },
        { label: 'State', value: (r) => badge(r.state) },
        { label: '', value: (r) => button('Show', () => follow(r.id), out, { 'aria-label': `Show run of ${when(r.created_at)}` }) },
      ], page.items || [], 'No shadow runs yet.'));
    } catch (e) {
      fill(list, errorBox(e));
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let p;
    try { p = JSON.parse(params.value); } catch (err) {
      fill(out, errorBox({ code: 'invalid_json', message: `Strategy parameters: ${err.message}` }));
      return;
    }
    const body = { station_id: ctx.station, from: from.value, to: to.value, step_s: Number(step.value),
      strategy: { type: type.value, params: p },
      battery: Object.fromEntries(Object.entries(battery).map(([k, i]) => [k, Number(i.value)])) };
    try {
      const run = await api.post('/api/v1/shadow-runs', body);
      showRun(out, run);
      follow(run.id);
    } catch (err) {
      fill(out, errorBox(err));
    }
  });
  await loadList();
  return () => clearTimeout(timer);
}

function showRun(out, run) {
  const done = run.state !== 'queued' && run.state !== 'running';
  fill(out, h('section.card', { dataset: { run: run.id, state: run.state } },
    h('h2', `Run ${run.from} … ${run.to} `, h('span.run-state', badge(run.state))),
    h('label', 'Progress ', h('progress', { max: run.days_total || 1, value: run.days_done || 0 }),
      ` ${run.days_done || 0} of ${run.days_total || '?'} days`),
    run.error ? h('div.error', { role: 'alert' }, run.error) : null,
    run.totals ? table('Totals', [
      { label: 'Figure', value: ([k]) => k },
      { label: 'Value', className: 'num', value: ([, v]) => (typeof v === 'object' ? JSON.stringify(v) : String(v)) },
    ], Object.entries(run.totals)) : null,
    done && run.state === 'succeeded' ? h('div.actions', ['json', 'csv', 'xlsx', 'pdf'].map((ext) =>
      button(`Report ${ext.toUpperCase()}`, () => api.download(`/api/v1/shadow-runs/${run.id}/report.${ext}`,
        `shadow-run-${run.from}-${run.to}.${ext}`), out, { dataset: { download: ext } }))) : null));
}
