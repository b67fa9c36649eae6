// The page's shell: navigation, language switch, sign-in state and the hash router.
import { api, loadSession, session } from './api.js';
import { lang, setLang, t } from './i18n.js';
import { clear, errorBox, h } from './ui.js';
import { assessPage } from './pages/assess.js';
import { firmsPage } from './pages/firms.js';
import { firmPage } from './pages/firm.js';
import { rulesPage } from './pages/rules.js';
import { ioPage } from './pages/io.js';
import { usersPage } from './pages/users.js';
import { loginPage } from './pages/login.js';
import { instPage, ladderPage, poolPage } from './pages/pool.js';

const PAGES = {
  assess: { page: assessPage, nav: 'nav_assess' },
  firms: { page: firmsPage, nav: 'nav_firms', user: true },
  firm: { page: firmPage, user: true },
  pool: { page: poolPage, nav: 'nav_pool', user: true, prog: true },
  ladder: { page: ladderPage, nav: 'nav_ladder', user: true, prog: true },
  inst: { page: instPage, nav: 'nav_inst', user: true, prog: true },
  rules: { page: rulesPage, nav: 'nav_rules' },
  io: { page: ioPage, nav: 'nav_io', user: true },
  users: { page: usersPage, nav: 'nav_users', admin: true },
  login: { page: loginPage },
};

function drawNav(active) {
  const nav = clear(document.getElementById('nav'));
  for (const [id, p] of Object.entries(PAGES)) {
    if (!p.nav) continue;
    if (p.admin && (!session.user || session.user.role !== 'admin')) continue;
    if (p.user && !session.user) continue;
    if (p.prog && !['admin', 'official'].includes(session.user.role)) continue;
    nav.append(h('a', { href: `#/${id}`, class: id === active ? 'active' : null }, t(p.nav)));
  }
  document.getElementById('lang').textContent = t('lang_switch');
  const who = clear(document.getElementById('user'));
  if (session.user) {
    who.append(h('span', { class: 'me' }, `${session.user.name} · ${session.user.role}`),
      h('button', { class: 'link', id: 'logout', onclick: logout }, t('logout')));
  } else {
    who.append(h('a', { href: '#/login', id: 'login-link' }, t('login')));
  }
  document.getElementById('foot').textContent = t('footer');
  document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
}

async function logout() {
  await api('DELETE', '/api/session');
  session.user = null;
  session.csrf = null;
  location.hash = '#/assess';
}

export async function route() {
  const parts = (location.hash.replace(/^#\/?/, '').split('?')[0] || 'assess').split('/');
  const id = PAGES[parts[0]] ? parts[0] : 'assess';
  const p = PAGES[id];
  drawNav(id);
  const view = clear(document.getElementById('view'));
  document.getElementById('nav').classList.remove('open');
  if ((p.user || p.admin) && !session.user) {
    view.append(h('p', { class: 'notice' }, t('need_login')));
    return loginPage(view, [], parts.join('/'));
  }
  try {
    await p.page(view, parts.slice(1).map(decodeURIComponent));
  } catch (e) {
    view.append(errorBox(e));
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'en' ? 'zh' : 'en');
  route();
});
document.getElementById('menu').addEventListener('click', () => {
  document.getElementById('nav').classList.toggle('open');
});
window.addEventListener('hashchange', route);
loadSession().then(route, route);
