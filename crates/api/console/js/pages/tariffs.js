// Tariffs: list, view and edit (as the TariffSpec JSON of docs/settlement.md, the service's
// validation messages shown as they come), create, and the station's assignments.

import * as api from '../api.js';
import { h, fill, field, table, button, errorBox, isoDay, when, toast } from '../dom.js';

const EXAMPLE = { name: 'flat 0.80', currency: 'CNY', valid_from: '2026-01-01',
  import: { kind: 'fixed', price: '0.80' }, export: { kind: 'fixed', price: '0.30' } };

function specOf(t) {
  const { id, tenant, version, created_at: c, updated_at: u, ...spec } = t;
  return spec;
}

export default async function tariffs(view, ctx) {
  const list = h('div#tariff-list');
  const editor = h('textarea#tariff-editor', { rows: 16, spellcheck: false, name: 'spec' });
  const title = h('h2#tariff-editor-title', 'New tariff');
  const out = h('div#tariff-out', { 'aria-live': 'assertive' });
  const assignments = h('div#tariff-assignments');
  let editing = null;
  const effective = h('input', { type: 'date', name: 'effective_from', value: isoDay(0) });
  const save = button('Save', async () => {
    let spec;
    try { spec = JSON.parse(editor.value); } catch (e) {
      throw Object.assign(new Error(`The tariff is not valid JSON: ${e.message}`), { code: 'invalid_json' });
    }
    const res = editing ? await api.put(`/api/v1/tariffs/${editing}`, spec) : await api.post('/api/v1/tariffs', spec);
    const t = res.tariff || res;
    toast(editing ? `Tariff saved as version ${t.version}; ${res.repriced_days ?? 0} days repriced` : 'Tariff created');
    fill(out, h('p.ok', `Saved: ${t.name} version ${t.version}.`));
    await load();
  }, out, { id: 'tariff-save' });
  const assign = button('Assign to the station', async () => {
    if (!editing) throw Object.assign(new Error('Open a saved tariff first.'), { code: 'no_tariff' });
    const res = await api.put(`/api/v1/stations/${ctx.station}/tariff`, { tariff_id: editing, effective_from: effective.value });
    fill(out, h('p.ok', `Assigned from ${res.assignment.effective_from}; ${res.repriced_days} days repriced.`));
    await loadAssignments();
  }, out);
  fill(view, h('h1', 'Tariffs'), list,
    button('New tariff', () => { editing = null; title.textContent = 'New tariff'; editor.value = JSON.stringify(EXAMPLE, null, 2); }, out),
    title, field('Tariff (JSON, see docs/settlement.md)', editor), h('div.toolbar', save,
      ctx.station ? field('Effective from', effective) : null, ctx.station ? assign : null),
    out, h('h2', 'Assignments of the station'), assignments);
  editor.value = JSON.stringify(EXAMPLE, null, 2);

  const open = async (t) => {
    const detail = await api.get(`/api/v1/tariffs/${t.id}`);
    editing = t.id;
    title.textContent = `Edit ${detail.tariff.name} (version ${detail.tariff.version}, ${detail.versions.length} versions)`;
    editor.value = JSON.stringify(specOf(detail.tariff), null, 2);
    fill(out);
    editor.focus();
  };
  const load = async () => {
    try {
      const items = await api.get('/api/v1/tariffs');
      fill(list, table('Tariffs', [
        { label: 'Name', value: (t) => t.name },
        { label: 'Currency', value: (t) => t.currency },
        { label: 'Valid', value: (t) => `${t.valid_from} … ${t.valid_to || ''}` },
        { label: 'Version', value: (t) => t.version },
        { label: 'Updated', value: (t) => when(t.updated_at) },
        { label: '', value: (t) => button('Open', () => open(t), out, { 'aria-label': `Open tariff ${t.name}` }) },
      ], items, 'No tariffs yet.'));
    } catch (e) {
      fill(list, errorBox(e));
    }
  };
  const loadAssignments = async () => {
    if (!ctx.station) return;
    try {
      const items = await api.get(`/api/v1/stations/${ctx.station}/tariff`);
      fill(assignments, table('Tariff assignments', [
        { label: 'From', value: (a) => a.effective_from },
        { label: 'Tariff', value: (a) => a.tariff_id },
        { label: 'Assigned', value: (a) => `${when(a.assigned_at)} by ${a.assigned_by}` },
      ], items, 'No tariff assigned to this station.'));
    } catch (e) {
      fill(assignments, errorBox(e));
    }
  };
  await Promise.all([load(), loadAssignments()]);
  return null;
}
