// The API client: credentials kept in sessionStorage (gone when the tab closes, never in
// localStorage), JSON calls with the service's error shape, file downloads and the alarm stream.

const KEY = 'mgc.console.session';

/** Error carrying the service's machine-readable code. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The stored logins: {active, logins: [{kind, secret, tenant, role, subject, station}]}. */
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (s && Array.isArray(s.logins)) return s;
  } catch (_) { /* a damaged entry counts as none */ }
  return { active: 0, logins: [] };
}

export function saveSession(s) {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function current() {
  const s = session();
  return s.logins[s.active] || null;
}

/** Updates fields of the active login (e.g. the chosen station). */
export function updateCurrent(fields) {
  const s = session();
  if (!s.logins[s.active]) return;
  Object.assign(s.logins[s.active], fields);
  saveSession(s);
}

function authHeaders(login) {
  if (!login) return {};
  return login.kind === 'apikey' ? { 'X-Api-Key': login.secret } : { Authorization: `Bearer ${login.secret}` };
}

async function failure(res) {
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON */ }
  const e = body && body.error;
  if (e) return new ApiError(res.status, e.code, e.message, e.details);
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText}`);
}

/** Calls the API; resolves with the parsed JSON (null for 204), rejects with ApiError. */
export async function request(method, path, body, login = current()) {
  const headers = { Accept: 'application/json', ...authHeaders(login) };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  return type.includes('json') ? res.json() : res.text();
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

/** Builds a query string from the defined values of `params`. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Checks a credential and returns who it is (GET /api/v1/me). */
export function whoAmI(kind, secret) {
  return request('GET', '/api/v1/me', undefined, { kind, secret });
}

/** Downloads `path` with the credentials and hands it to the browser as `name`. */
export async function download(path, name) {
  const res = await fetch(path, { headers: authHeaders(current()) });
  if (!res.ok) throw await failure(res);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return blob.size;
}

/**
 * Follows a server-sent-event stream with the credentials (EventSource cannot send them), resuming
 * with Last-Event-ID after a break. Calls onEvent({id, event, data}) and onState('open'|'retry').
 * Returns a function that stops it.
 */
export function stream(path, onEvent, onState = () => {}) {
  const ctl = { stopped: false, abort: null, lastId: null };
  const run = async () => {
    let delay = 500;
    while (!ctl.stopped) {
      const abort = new AbortController();
      ctl.abort = abort;
      try {
        const headers = { Accept: 'text/event-stream', ...authHeaders(current()) };
        if (ctl.lastId) headers['Last-Event-ID'] = ctl.lastId;
        const res = await fetch(path, { headers, signal: abort.signal });
        if (!res.ok) throw await failure(res);
        onState('open');
        delay = 500;
        await readEvents(res.body, (ev) => {
          if (ev.id) ctl.lastId = ev.id;
          onEvent(ev);
        });
      } catch (e) {
        if (ctl.stopped) return;
        onState('retry', e);
      }
      if (ctl.stopped) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
  };
  run();
  return () => { ctl.stopped = true; if (ctl.abort) ctl.abort.abort(); };
}

async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value.replace(/\r\n/g, '\n');
    let cut;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const ev = { id: null, event: 'message', data: '' };
      const data = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'id') ev.id = val;
        else if (field === 'event') ev.event = val;
        else if (field === 'data') data.push(val);
      }
      if (data.length) {
        ev.data = data.join('\n');
        onEvent(ev);
      }
    }
  }
}
