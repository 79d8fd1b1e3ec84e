// Statistics: the station's energy flows per hour, day, month or year (windows of the station's
// time zone) as an SVG bar chart and a table with versions and coverage.

import * as api from '../api.js';
import { h, fill, field, select, table, errorBox, isoDay, num } from '../dom.js';
import { barChart } from '../chart.js';

const FLOWS = [
  ['grid_import_wh', 'Grid import', 'c1'], ['grid_export_wh', 'Grid export', 'c2'],
  ['pv_generation_wh', 'PV', 'c3'], ['battery_charge_wh', 'Battery charge', 'c4'],
  ['battery_discharge_wh', 'Battery discharge', 'c5'], ['load_wh', 'Load', 'c6'], ['charging_wh', 'EV charging', 'c7'],
];
const SPAN_DAYS = { hour: 2, day: 31, month: 366, year: 5 * 366 };

export default async function stats(view, ctx) {
  if (!ctx.station) {
    fill(view, h('h1', 'Statistics'), h('p', 'Choose a station first.'));
    return null;
  }
  const gran = select('granularity', [['hour', 'Hour'], ['day', 'Day'], ['month', 'Month'], ['year', 'Year']], 'day');
  const from = h('input', { type: 'date', name: 'from', value: isoDay(-30), required: true });
  const to = h('input', { type: 'date', name: 'to', value: isoDay(1), required: true });
  const versions = h('input', { type: 'checkbox', name: 'versions' });
  const out = h('div#stats-out');
  const form = h('form.inline', { 'aria-label': 'Statistics query' },
    field('Granularity', gran), field('From (local day)', from), field('To (exclusive)', to),
    h('label.check', versions, ' All versions'), h('button', { type: 'submit' }, 'Show'));
  gran.addEventListener('change', () => { from.value = isoDay(-SPAN_DAYS[gran.value]); to.value = isoDay(1); });
  fill(view, h('h1', 'Statistics'), form, out);

  const load = async () => {
    fill(out, h('p', 'Loading…'));
    try {
      const page = await api.get(`/api/v1/stats${api.qs({ station_id: ctx.station, granularity: gran.value,
        from: `${from.value}T00:00:00Z`, to: `${to.value}T00:00:00Z`, versions: versions.checked ? 'all' : '' })}`);
      draw(out, page);
    } catch (e) {
      fill(out, errorBox(e));
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  await load();
  return null;
}

function draw(out, page) {
  const items = page.items || [];
  const current = items.filter((i) => i.current);
  const used = FLOWS.filter(([k]) => current.some((i) => i.energy && i.energy[k]));
  const series = (used.length ? used : FLOWS.slice(0, 2)).map(([k, name, className]) => ({
    name, className, values: current.map((i) => (i.energy ? i.energy[k] / 1000 : null)),
  }));
  fill(out,
    h('p.meta', `Windows in ${page.time_zone}; energy in kWh; ${current.length} windows.`),
    current.length ? h('figure', barChart({ title: `Energy per ${page.granularity}`, labels: current.map((i) => i.period),
      series, unit: 'kWh' }), h('figcaption', `Energy flows per ${page.granularity} (${page.time_zone})`)) : null,
    table('Statistics', [
      { label: 'Period', value: (i) => i.period },
      { label: 'Version', value: (i) => `${i.version}${i.current ? '' : ' (old)'}` },
      ...FLOWS.map(([k, name]) => ({ label: `${name} kWh`, className: 'num', value: (i) => num(i.energy ? i.energy[k] / 1000 : null) })),
      { label: 'Coverage', value: (i) => `${Math.round((i.coverage || 0) * 1000) / 10} %` },
      { label: 'Quality', value: (i) => i.quality || '' },
    ], items, 'No closed windows in this range yet (hours close a few minutes after they end).'));
}
