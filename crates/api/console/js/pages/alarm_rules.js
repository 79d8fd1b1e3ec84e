// Alarm rules: list, enable/disable, delete, and an editor of the rule JSON of docs/alarms.md
// (create, or replace an opened rule as version + 1), the service's validation message shown.

import * as api from '../api.js';
import { h, fill, field, table, badge, button, errorBox, when, toast } from '../dom.js';

const TEMPLATE = { name: 'meter overload', scope: { device_kind: 'meter' }, severity: 'major',
  condition: { point: 'active_power_w', op: '>', value: 80000 } };

/** The condition as written in a rule (`{point, op, value}`, `{all}`, `{any}`) from its stored form. */
function conditionInput(c) {
  if (!c || typeof c !== 'object') return c;
  if (c.compare) return c.compare;
  if (c.all) return { all: c.all.map(conditionInput) };
  if (c.any) return { any: c.any.map(conditionInput) };
  return c;
}

/** The rule as written (POST/PUT body) from a stored rule. */
export function ruleInput(rule) {
  const s = rule.spec;
  const { type, levels, clear_condition: clear, ...trigger } = s.trigger || {};
  const input = { name: s.name, enabled: rule.enabled, type: type || 'threshold',
    scope: Object.fromEntries(Object.entries(s.scope || {}).filter(([, v]) => v !== null)), ...trigger };
  if (levels) input.levels = levels.map((l) => ({ severity: l.severity, condition: conditionInput(l.condition) }));
  if (clear) input.clear_condition = conditionInput(clear);
  for (const k of ['schedule', 'message', 'channels', 'cooldown_secs', 'escalation']) {
    if (s[k] !== null && s[k] !== undefined) input[k] = s[k];
  }
  return input;
}

function summary(rule) {
  const t = rule.spec.trigger || {};
  if (t.type === 'no_data') return `no data for ${t.no_data_secs} s`;
  return (t.levels || []).map((l) => l.severity).join(', ');
}

export default async function alarmRules(view) {
  const list = h('div#rule-list');
  const editor = h('textarea#rule-editor', { rows: 14, spellcheck: false, name: 'rule' });
  const title = h('h2#rule-editor-title', 'New rule');
  const out = h('div#rule-out', { 'aria-live': 'assertive' });
  let editing = null;
  const reset = () => { editing = null; title.textContent = 'New rule'; editor.value = JSON.stringify(TEMPLATE, null, 2); };
  const save = button('Save rule', async () => {
    let body;
    try { body = JSON.parse(editor.value); } catch (e) {
      throw Object.assign(new Error(`The rule is not valid JSON: ${e.message}`), { code: 'invalid_json' });
    }
    const rule = editing ? await api.put(`/api/v1/alarm-rules/${editing}`, body) : await api.post('/api/v1/alarm-rules', body);
    editing = rule.id;
    title.textContent = `Edit ${rule.spec.name} (version ${rule.version})`;
    fill(out, h('p.ok', `Saved: ${rule.spec.name} version ${rule.version}.`));
    toast('Rule saved');
    await load();
  }, out, { id: 'rule-save' });
  fill(view, h('h1', 'Alarm rules'), list, button('New rule', reset, out), title,
    field('Rule (JSON, see docs/alarms.md)', editor), h('div.toolbar', save), out);
  reset();

  const load = async () => {
    try {
      const page = await api.get('/api/v1/alarm-rules?limit=200');
      fill(list, table('Alarm rules', [
        { label: 'Name', value: (r) => r.spec.name },
        { label: 'Levels', value: (r) => summary(r) },
        { label: 'Version', value: (r) => r.version },
        { label: 'State', value: (r) => badge(r.enabled ? 'enabled' : 'disabled') },
        { label: 'Updated', value: (r) => when(r.updated_at) },
        { label: 'Actions', value: (r) => h('div.actions',
          button('Edit', () => {
            editing = r.id;
            title.textContent = `Edit ${r.spec.name} (version ${r.version})`;
            editor.value = JSON.stringify(ruleInput(r), null, 2);
            fill(out);
            editor.focus();
          }, out, { 'aria-label': `Edit rule ${r.spec.name}`, dataset: { action: 'edit' } }),
          button(r.enabled ? 'Disable' : 'Enable', async () => {
            await api.post(`/api/v1/alarm-rules/${r.id}/${r.enabled ? 'disable' : 'enable'}`);
            await load();
          }, out, { 'aria-label': `${r.enabled ? 'Disable' : 'Enable'} rule ${r.spec.name}` }),
          button('Delete', async () => {
            if (!window.confirm(`Delete rule ${r.spec.name}? Its open alarms are cleared.`)) return;
            await api.del(`/api/v1/alarm-rules/${r.id}`);
            if (editing === r.id) reset();
            await load();
          }, out, { 'aria-label': `Delete rule ${r.spec.name}` })) },
      ], page.items || [], 'No alarm rules yet.'));
    } catch (e) {
      fill(list, errorBox(e));
    }
  };
  await load();
  return null;
}
