// 规则: rule sets with versions, dates and sources; a what-if that runs simulate on the registry.
import { api, session } from '../api.js';
import { lang, t } from '../i18n.js';
import { errorBox, field, h } from '../ui.js';

function rulesetRow(r) {
  return h('tr', { class: r.in_force ? 'force' : 'old' },
    h('td', {}, h('a', { href: `#/rules/${r.id}` }, r.id)), h('td', {}, lang() === 'en' && r.name_en ? r.name_en : r.name),
    h('td', {}, r.kind), h('td', {}, r.version || '—'), h('td', {}, r.effective || '—'), h('td', {}, r.until || '—'),
    h('td', {}, r.in_force ? `✓ ${t('in_force')}` : ''), h('td', { class: 'sub' }, r.source || ''));
}

function whatIf(thresholds) {
  const out = h('div', { id: 'whatif-result' });
  const sel = h('select', { name: 'address' }, thresholds.map((x) => h('option', { value: x.address }, `${x.address} ${x.text}${x.literal ? ` (${x.literal})` : ''}`)));
  const value = h('input', { name: 'value', placeholder: '1.2亿' });
  const form = h('form', { class: 'card', id: 'whatif-form' }, h('h3', {}, t('whatif')),
    h('div', { class: 'row' }, field(t('threshold'), sel), field(t('new_value'), value), h('button', { type: 'submit', class: 'primary' }, t('run'))), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.replaceChildren(h('p', {}, t('loading')));
    try {
      const r = await api('POST', '/api/simulate', { set: [`${sel.value}=${value.value}`] });
      const rows = Object.entries(r.flips).flatMap(([id, c]) => Object.entries(c).map(([k, n]) => h('tr', {}, h('td', {}, id), h('td', {}, k.replace('>', ' → ')), h('td', { class: 'num' }, String(n)))));
      out.replaceChildren(h('p', {}, r.changes.join(';')), h('p', {}, `${t('firms_in_scope')}: ${r.firms}`),
        h('table', { class: 'list' }, h('thead', {}, h('tr', {}, h('th', {}, t('board')), h('th', {}, t('flips')), h('th', {}, '#'))), h('tbody', {}, rows)),
        h('ul', {}, r.list.slice(0, 50).map((x) => h('li', {}, h('a', { href: `#/firm/${x.uscc}` }, x.name), ` ${x.ruleset}: ${x.before} → ${x.after}`))));
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  return form;
}

export async function rulesPage(view, [id]) {
  if (!id) {
    const r = await api('GET', '/api/rules');
    view.append(h('h1', {}, t('rules_title')), h('div', { class: 'scroll' }, h('table', { class: 'list', id: 'rules' },
      h('thead', {}, h('tr', {}, ['id', t('name'), 'kind', 'version', t('effective'), t('until'), '', t('source')].map((x) => h('th', {}, x)))),
      h('tbody', {}, r.rulesets.map(rulesetRow)))));
    return;
  }
  const r = await api('GET', `/api/rules/${encodeURIComponent(id)}`);
  view.append(h('h1', {}, id), ...r.versions.map((v) => h('section', { class: 'card' },
    h('h3', {}, `${v.name} ${v.version || ''} `, h('small', {}, `${t('effective')} ${v.effective || '—'} · ${t('until')} ${v.until || '—'}${v.in_force ? ` · ${t('in_force')}` : ''}`)),
    v.source ? h('cite', {}, v.source) : null,
    v.standards.length ? h('ul', {}, v.standards.map((s) => h('li', {}, `${s.id} ${s.name || ''}`, s.source ? h('cite', {}, ` 〔${s.source}〕`) : null))) : null,
    v.items.length ? h('ul', {}, v.items.map((s) => h('li', {}, `${s.name || s.id} (${s.max})`))) : null,
    h('details', {}, h('summary', {}, `${t('thresholds')} (${v.thresholds.length})`), h('ul', {}, v.thresholds.map((x) => h('li', {}, `${x.address}: ${x.text}`)))))));
  const current = r.versions.find((v) => v.in_force) || r.versions[r.versions.length - 1];
  if (session.user && current.thresholds.length) view.append(whatIf(current.thresholds));
}
