// Sign-in form.
import { api, session } from '../api.js';
import { t } from '../i18n.js';
import { errorBox, field, h } from '../ui.js';

export async function loginPage(view, _args, back) {
  const name = h('input', { name: 'name', autocomplete: 'username', required: true });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div');
  const form = h('form', { class: 'card narrow', id: 'login-form' },
    h('h2', {}, t('login')), field(t('user_name'), name), field(t('password'), pw),
    h('button', { type: 'submit', class: 'primary' }, t('login')), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    try {
      const r = await api('POST', '/api/session', { name: name.value, password: pw.value });
      session.user = r.user;
      session.csrf = r.csrf;
      const target = back && back !== 'login' ? `#/${back}` : '#/firms';
      if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = target;
    } catch (err) {
      msg.append(errorBox(err));
    }
  });
  view.append(form);
  name.focus();
}
