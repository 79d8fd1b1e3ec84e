// Grouped bar charts drawn as SVG by this file (no chart library): one group per window, one bar
// per series, a value axis with round ticks, a legend, and a <title> per bar for its number.

const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A "nice" step (1, 2 or 5 × 10^n) so that about `count` ticks cover `max`. */
export function niceStep(max, count = 5) {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/**
 * barChart({title, labels: [..], series: [{name, values: [..], className}], unit}) → <svg>.
 * Values may be null (no data): no bar is drawn for them.
 */
export function barChart({ title, labels, series, unit }) {
  const width = 760;
  const height = 300;
  const pad = { left: 64, right: 12, top: 16, bottom: 56 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const all = series.flatMap((s) => s.values).filter((v) => typeof v === 'number');
  const step = niceStep(Math.max(0, ...all));
  const top = Math.max(step, Math.ceil(Math.max(0, ...all) / step) * step);
  const y = (v) => pad.top + plotH - (v / top) * plotH;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  svg.append(el('title', {}, title));
  for (let t = 0; t <= top + step / 2; t += step) {
    svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y(t), y2: y(t), class: 'grid' }));
    svg.append(el('text', { x: pad.left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, `${fmt(t)}`));
  }
  svg.append(el('text', { x: 4, y: pad.top - 4, class: 'tick' }, unit));
  const groupW = labels.length ? plotW / labels.length : plotW;
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, series.length));
  const every = Math.ceil(labels.length / 16);
  labels.forEach((label, i) => {
    const x0 = pad.left + i * groupW + groupW * 0.1;
    series.forEach((s, j) => {
      const v = s.values[i];
      if (typeof v !== 'number') return;
      const r = el('rect', { x: x0 + j * barW, y: y(Math.max(0, v)), width: barW * 0.92,
        height: Math.max(0, y(0) - y(Math.max(0, v))), class: `bar ${s.className || ''}` });
      r.append(el('title', {}, `${label} · ${s.name}: ${fmt(v)} ${unit}`));
      svg.append(r);
    });
    if (i % every === 0) {
      svg.append(el('text', { x: x0 + (groupW * 0.4), y: height - pad.bottom + 16, class: 'tick',
        'text-anchor': 'middle' }, shortLabel(label)));
    }
  });
  let lx = pad.left;
  for (const s of series) {
    svg.append(el('rect', { x: lx, y: height - 18, width: 12, height: 12, class: `bar ${s.className || ''}` }));
    svg.append(el('text', { x: lx + 16, y: height - 8, class: 'tick' }, s.name));
    lx += 24 + s.name.length * 7;
  }
  return svg;
}

function shortLabel(label) {
  const hour = label.match(/T(\d\d)$/);
  return hour ? `${hour[1]}h` : label;
}

function fmt(v) {
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(v);
}
