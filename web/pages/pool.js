// 后备库: the reserve pool by layer; filled in when the programme module is on the server.
import { t } from '../i18n.js';
import { h } from '../ui.js';

export async function poolPage(view) {
  view.append(h('h1', {}, t('pool_title')), h('p', { class: 'notice' }, t('pool_pending')));
}
