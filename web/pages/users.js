// 用户: accounts and roles (admins only).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { errorBox, field, h } from '../ui.js';

export async function usersPage(view) {
  const r = await api('GET', '/api/users');
  const msg = h('div');
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const act = async (name, body) => {
    try { await api('PATCH', `/api/users/${encodeURIComponent(name)}`, body); reload(); } catch (err) { msg.append(errorBox(err)); }
  };
  const token = async (name) => {
    try {
      const x = await api('POST', `/api/users/${encodeURIComponent(name)}/tokens`);
      msg.replaceChildren(h('p', { class: 'ok' }, `${name}: `, h('code', {}, x.token)));
    } catch (err) { msg.append(errorBox(err)); }
  };
  const table = h('div', { class: 'scroll' }, h('table', { class: 'list', id: 'users' },
    h('thead', {}, h('tr', {}, [t('user_name'), t('role'), t('scope'), '', ''].map((x) => h('th', {}, x)))),
    h('tbody', {}, r.users.map((u) => h('tr', { class: u.disabled ? 'old' : '' }, h('td', {}, u.name), h('td', {}, u.role),
      h('td', {}, u.scope || '—'),
      h('td', {}, h('button', { onclick: () => act(u.name, { disabled: !u.disabled }) }, u.disabled ? t('enable') : t('disable'))),
      h('td', {}, h('button', { onclick: () => token(u.name) }, t('token'))))))));
  const name = h('input', { name: 'name', required: true });
  const role = h('select', { name: 'role' }, ['official', 'institution', 'enterprise', 'admin'].map((x) => h('option', { value: x }, x)));
  const scope = h('input', { name: 'scope', placeholder: '3205 / 91320500…' });
  const form = h('form', { class: 'card', id: 'user-form' }, h('h3', {}, t('add_user')),
    h('div', { class: 'row' }, field(t('user_name'), name), field(t('role'), role), field(t('scope'), scope),
      h('button', { type: 'submit', class: 'primary' }, t('add_user'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const x = await api('POST', '/api/users', { name: name.value, role: role.value, scope: scope.value });
      msg.replaceChildren(h('p', { class: 'ok' }, `${t('generated_pw')}: `, h('code', {}, x.password || '')));
    } catch (err) { msg.replaceChildren(errorBox(err)); }
  });
  view.append(h('h1', {}, t('users_title')), msg, table, form);
}
