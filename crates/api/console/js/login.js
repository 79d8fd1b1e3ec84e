// The login form: a JWT (from `mgc token`) or an API key, checked with GET /api/v1/me and kept in
// sessionStorage for this tab only. Several logins (one per tenant) can be held; the tenant picker
// switches between them.

import * as api from './api.js';
import { h, field, errorBox } from './dom.js';

export function loginForm(done, adding = false) {
  const kind = h('select', { name: 'kind' },
    h('option', { value: 'bearer' }, 'Access token (JWT)'),
    h('option', { value: 'apikey' }, 'API key'));
  const secret = h('textarea', { name: 'secret', rows: 4, required: true, autocomplete: 'off', spellcheck: false });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form.login', { 'aria-labelledby': 'login-title' },
    h('h1#login-title', adding ? 'Add a login' : 'Log in'),
    h('p', 'Paste an access token (', h('code', 'mgc token --tenant default --role admin'),
      ') or an API key. It is kept in this tab\'s session storage only and sent to this server only.'),
    field('Credential type', kind),
    field('Token or key', secret),
    h('button', { type: 'submit' }, 'Log in'),
    out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const value = secret.value.trim();
    if (!value) {
      out.replaceChildren(errorBox({ code: 'missing_credentials', message: 'Paste a token or key first.' }));
      return;
    }
    try {
      const me = await api.whoAmI(kind.value, value);
      const s = api.session();
      const login = { kind: kind.value, secret: value, tenant: me.tenant_id, role: me.role, subject: me.subject,
        credential: me.credential, station: '' };
      const same = s.logins.findIndex((l) => l.tenant === login.tenant && l.subject === login.subject);
      if (same >= 0) s.logins[same] = login; else s.logins.push(login);
      s.active = same >= 0 ? same : s.logins.length - 1;
      api.saveSession(s);
      await done();
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  return form;
}
