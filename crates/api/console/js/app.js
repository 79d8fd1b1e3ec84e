// The console shell: login gate, tenant and station pickers, hash routing to the pages.

import * as api from './api.js';
import { h, fill, errorBox } from './dom.js';
import { loginForm } from './login.js';

const PAGES = {
  stations: () => import('./pages/stations.js'),
  alarms: () => import('./pages/alarms.js'),
  'alarm-rules': () => import('./pages/alarm_rules.js'),
  stats: () => import('./pages/stats.js'),
  statements: () => import('./pages/statements.js'),
  commands: () => import('./pages/commands.js'),
  shadow: () => import('./pages/shadow.js'),
  charging: () => import('./pages/charging.js'),
  tariffs: () => import('./pages/tariffs.js'),
  strategies: () => import('./pages/strategies.js'),
  'dead-letters': () => import('./pages/lists.js').then((m) => ({ default: m.deadLetters })),
  audit: () => import('./pages/lists.js').then((m) => ({ default: m.audit })),
};

const main = document.getElementById('main');
let cleanup = null;
let stations = [];

function route() {
  const [name = 'stations', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { name: PAGES[name] ? name : 'stations', rest };
}

async function render() {
  if (cleanup) { cleanup(); cleanup = null; }
  document.getElementById('toast').classList.remove('show');
  const login = api.current();
  document.getElementById('nav').hidden = !login;
  document.getElementById('pickers').hidden = !login;
  if (!login) {
    fill(main, loginForm(afterLogin));
    return;
  }
  const { name, rest } = route();
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const view = h('section.page', { dataset: { page: name } });
  fill(main, view);
  try {
    const mod = await PAGES[name]();
    const ctx = { station: login.station || '', stations, rest, login };
    cleanup = (await mod.default(view, ctx)) || null;
  } catch (e) {
    fill(view, errorBox(e));
  }
  const heading = view.querySelector('h1');
  if (heading) document.title = `${heading.textContent} — microgrid-cloud`;
  main.focus({ preventScroll: true });
}

async function loadStations() {
  const picker = document.getElementById('station-picker');
  try {
    const page = await api.get('/api/v1/stations?limit=200');
    stations = page.items || [];
  } catch (e) {
    stations = [];
  }
  const login = api.current();
  let chosen = login && login.station;
  if (!stations.some((s) => s.id === chosen)) chosen = stations.length ? stations[0].id : '';
  api.updateCurrent({ station: chosen });
  fill(picker, stations.length ? stations.map((s) => h('option', { value: s.id, selected: s.id === chosen },
    `${s.name} (${s.code})`)) : h('option', { value: '' }, 'no stations'));
}

function renderPickers() {
  const s = api.session();
  const tenant = document.getElementById('tenant-picker');
  fill(tenant, s.logins.map((l, i) => h('option', { value: i, selected: i === s.active }, `${l.tenant} (${l.role})`)));
  const login = api.current();
  document.getElementById('who').textContent = login ? `${login.subject} · ${login.credential}` : '';
}

async function afterLogin() {
  renderPickers();
  await loadStations();
  if (!location.hash) location.hash = '#/stations';
  await render();
}

function wire() {
  document.getElementById('tenant-picker').addEventListener('change', async (e) => {
    const s = api.session();
    s.active = Number(e.target.value);
    api.saveSession(s);
    await afterLogin();
  });
  document.getElementById('station-picker').addEventListener('change', (e) => {
    api.updateCurrent({ station: e.target.value });
    render();
  });
  document.getElementById('logout').addEventListener('click', () => {
    const s = api.session();
    s.logins.splice(s.active, 1);
    s.active = 0;
    api.saveSession(s);
    afterLogin();
  });
  document.getElementById('add-login').addEventListener('click', () => {
    if (cleanup) { cleanup(); cleanup = null; }
    fill(main, loginForm(afterLogin, true));
    main.querySelector('textarea, input')?.focus();
  });
  window.addEventListener('hashchange', render);
}

wire();
if (api.current()) afterLogin(); else render();
