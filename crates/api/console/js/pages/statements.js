// Settlements (daily, freeze, CSV export) and monthly statements (generate, issue, void,
// download as CSV, XLSX or PDF).

import * as api from '../api.js';
import { h, fill, field, table, badge, button, errorBox, isoDay, kwh, money, when, toast } from '../dom.js';

export default async function statements(view, ctx) {
  if (!ctx.station) {
    fill(view, h('h1', 'Settlements & statements'), h('p', 'Choose a station first.'));
    return null;
  }
  const from = h('input', { type: 'date', name: 'from', value: `${isoDay(0).slice(0, 8)}01`, required: true });
  const to = h('input', { type: 'date', name: 'to', value: isoDay(0), required: true });
  const month = h('input#statement-month', { type: 'month', name: 'month', value: isoDay(0).slice(0, 7), required: true });
  const reason = h('input#void-reason', { type: 'text', name: 'reason', autocomplete: 'off' });
  const settlementsOut = h('div#settlements');
  const statementsOut = h('div#statements');
  const out = h('div', { 'aria-live': 'assertive' });
  const settleForm = h('form.inline', { 'aria-label': 'Settlements range' },
    field('From', from), field('To', to), h('button', { type: 'submit' }, 'Show settlements'),
    button('Export CSV', () => api.download(`/api/v1/exports/settlements.csv${api.qs({ station_id: ctx.station,
      from: from.value, to: to.value })}`, `settlements-${from.value}-${to.value}.csv`), out));
  fill(view, h('h1', 'Settlements & statements'),
    h('h2', 'Daily settlements'), settleForm, settlementsOut,
    h('h2', 'Monthly statements'),
    h('div.toolbar', field('Month', month),
      button('Generate draft', async () => {
        await api.post('/api/v1/statements/generate', { station_id: ctx.station, month: month.value });
        toast('Draft statement generated');
        await loadStatements();
      }, out, { id: 'generate-statement' }),
      field('Reason to void', reason, 'Required to void an issued statement')),
    out, statementsOut);

  const loadSettlements = async () => {
    try {
      const page = await api.get(`/api/v1/settlements${api.qs({ station_id: ctx.station, from: from.value,
        to: to.value, limit: 100 })}`);
      fill(settlementsOut, table('Daily settlements', [
        { label: 'Day', value: (s) => s.day },
        { label: 'State', value: (s) => badge(s.state) },
        { label: 'Version', value: (s) => s.version },
        { label: 'Import', className: 'num', value: (s) => kwh(s.current.figures && s.current.figures.import_wh) },
        { label: 'Export', className: 'num', value: (s) => kwh(s.current.figures && s.current.figures.export_wh) },
        { label: 'Net', className: 'num', value: (s) => (s.current.figures
          ? money(s.current.figures.net_minor, s.current.figures.currency) : s.current.unpriced_reason || '—') },
        { label: 'Actions', value: (s) => (s.state === 'calculated' ? button('Freeze', async () => {
          await api.post(`/api/v1/settlements/${s.id}/freeze`);
          await loadSettlements();
        }, out, { 'aria-label': `Freeze ${s.day}` }) : '') },
      ], page.items || [], 'No settled days in this range.'));
    } catch (e) {
      fill(settlementsOut, errorBox(e));
    }
  };
  const loadStatements = async () => {
    try {
      const page = await api.get(`/api/v1/statements${api.qs({ station_id: ctx.station, limit: 50 })}`);
      fill(statementsOut, table('Statements', [
        { label: 'Month', value: (s) => s.month },
        { label: 'Version', value: (s) => s.version },
        { label: 'State', value: (s) => h('span.statement-state', badge(s.state)) },
        { label: 'Net', className: 'num', value: (s) => money(s.content.totals.net_minor, s.content.currency) },
        { label: 'Issued', value: (s) => when(s.issued_at) },
        { label: 'Hash', value: (s) => (s.content_hash ? h('code', s.content_hash.slice(0, 12)) : '—') },
        { label: 'Actions', value: (s) => actions(s) },
      ], page.items || [], 'No statements yet: generate the draft of a month.'));
    } catch (e) {
      fill(statementsOut, errorBox(e));
    }
  };
  const actions = (s) => h('div.actions',
    s.state === 'draft' ? button('Issue', async () => {
      await api.post(`/api/v1/statements/${s.id}/issue`);
      toast('Statement issued');
      await loadStatements();
    }, out, { dataset: { action: 'issue' }, 'aria-label': `Issue statement ${s.month} v${s.version}` }) : null,
    s.state === 'issued' ? button('Void', async () => {
      await api.post(`/api/v1/statements/${s.id}/void`, { reason: reason.value.trim() });
      toast('Statement voided');
      await loadStatements();
    }, out, { dataset: { action: 'void' }, 'aria-label': `Void statement ${s.month} v${s.version}` }) : null,
    ['csv', 'xlsx', 'pdf'].map((ext) => button(ext.toUpperCase(), async () => {
      const size = await api.download(`/api/v1/statements/${s.id}.${ext}`, `statement-${s.month}-v${s.version}.${ext}`);
      toast(`Downloaded ${ext.toUpperCase()} (${size} bytes)`);
    }, out, { dataset: { download: ext }, 'aria-label': `Download statement ${s.month} v${s.version} as ${ext.toUpperCase()}` })));
  settleForm.addEventListener('submit', (e) => { e.preventDefault(); loadSettlements(); });
  await Promise.all([loadSettlements(), loadStatements()]);
  return null;
}
