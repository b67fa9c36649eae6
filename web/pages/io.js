// 导入导出: upload with progress and a row-by-row error report; XLSX/CSV/JSON download.
import { upload } from '../api.js';
import { t } from '../i18n.js';
import { errorBox, h } from '../ui.js';

function report(r) {
  const s = r.data.summary || {};
  return h('div', { class: `card ${r.data.written ? 'ok' : 'bad'}`, id: 'import-report' },
    h('h3', {}, r.data.written ? t('written') : t('not_written')),
    h('p', {}, `records ${s.records} · new ${s.firms_new} · updated ${s.firms_updated} · rejected ${s.rejected} · warnings ${s.warnings}`),
    r.data.problems.length ? h('table', { class: 'list', id: 'import-problems' },
      h('thead', {}, h('tr', {}, h('th', {}, t('row')), h('th', {}, t('column')), h('th', {}, t('message')))),
      h('tbody', {}, r.data.problems.map((p) => h('tr', {}, h('td', {}, p.row ?? '—'), h('td', {}, p.column ?? '—'), h('td', {}, p.message))))) : null);
}

export async function ioPage(view) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx,.json,.ndjson' });
  const skip = h('input', { type: 'checkbox', name: 'skip_bad' });
  const bar = h('progress', { max: 1, value: 0, id: 'upload-progress' });
  const out = h('div');
  const form = h('form', { class: 'card', id: 'import-form' }, h('h2', {}, t('import_title')), h('p', {}, t('import_help')),
    h('div', { class: 'row' }, file, h('label', { class: 'check' }, skip, t('skip_bad')),
      h('button', { type: 'submit', class: 'primary' }, t('upload')), bar), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) return;
    out.replaceChildren();
    bar.value = 0;
    try {
      const r = await upload(`/api/import?name=${encodeURIComponent(f.name)}${skip.checked ? '&skip_bad=1' : ''}`, f, (p) => { bar.value = p; });
      bar.value = 1;
      if (r.data && r.data.summary) out.append(report(r));
      else out.append(errorBox({ body: r.data }));
    } catch (err) {
      out.append(errorBox(err));
    }
  });
  const links = ['xlsx', 'csv', 'json'].map((fmt) => h('a', { class: 'button', id: `export-${fmt}`, href: `/api/export?format=${fmt}`, download: `tidu-export.${fmt === 'json' ? 'ndjson' : fmt}` }, fmt.toUpperCase()));
  view.append(form, h('section', { class: 'card' }, h('h2', {}, t('export_title')), h('p', {}, t('export_help')), h('div', { class: 'row' }, links)));
}
