// 一企一档: one firm's file — identity, verdicts, trend and gap charts, history, corrections.
import { api } from '../api.js';
import { lang, t } from '../i18n.js';
import { chart, errorBox, field, h, mark } from '../ui.js';
import { renderResult } from './assess.js';

const TREND = ['revenue', 'net_profit', 'rd_expense', 'operating_cash_flow'];
const BOARDS = ['main', 'chinext', 'star', 'bse', 'neeq', 'regional'];

function num(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(String(v).replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

function trendChart(el, firm) {
  const years = Object.keys(firm.years || {}).sort();
  chart(el, {
    tooltip: { trigger: 'axis' }, legend: { bottom: 0 },
    grid: { left: 60, right: 10, top: 10, bottom: 50 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', name: lang() === 'en' ? '10k yuan' : '万元' },
    series: TREND.map((f) => ({
      name: t(f), type: 'line', connectNulls: false,
      data: years.map((y) => { const v = num(firm.years[y][f]); return v === null ? null : +(v / 1e4).toFixed(2); }),
    })),
  });
}

function gapChart(el, yearsAssessed, names) {
  const years = yearsAssessed.map((y) => String(y.year));
  chart(el, {
    tooltip: { trigger: 'axis' }, legend: { bottom: 0 },
    grid: { left: 40, right: 10, top: 10, bottom: 50 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', min: 0 },
    series: BOARDS.filter((b) => yearsAssessed.some((y) => y.rulesets[b])).map((b) => ({
      name: names[b] || b, type: 'line',
      data: yearsAssessed.map((y) => (y.rulesets[b] && y.rulesets[b].distance !== null ? +y.rulesets[b].distance.toFixed(3) : null)),
    })),
  });
}

function historyTable(items) {
  if (!items.length) return h('p', {}, t('no_history'));
  return h('div', { class: 'scroll' }, h('table', { class: 'list', id: 'history' },
    h('thead', {}, h('tr', {}, ['changed_at', 'field', 'year', 'old', 'new', 'who', 'why', 'source'].map((k) => h('th', {}, k)))),
    h('tbody', {}, items.map((e) => h('tr', {}, h('td', {}, e.changed_at), h('td', {}, e.field), h('td', {}, e.year || ''),
      h('td', {}, e.old_value ?? '—'), h('td', {}, e.new_value ?? '—'), h('td', {}, e.who || ''), h('td', {}, e.why || ''),
      h('td', { class: 'sub' }, e.source || ''))))));
}

function editForm(uscc, fields, onDone) {
  const msg = h('div');
  const sel = h('select', { name: 'field' }, fields.filter((f) => !['uscc', 'titles', 'red_flags', 'chains'].includes(f.name))
    .map((f) => h('option', { value: f.name, 'data-scope': f.scope }, `${f.zh} (${f.name})`)));
  const year = h('input', { name: 'year', inputmode: 'numeric', size: 5, value: new Date().getFullYear() - 1 });
  const value = h('input', { name: 'value', placeholder: '1.2亿' });
  const why = h('input', { name: 'why' });
  const form = h('form', { class: 'card', id: 'edit-form' }, h('h3', {}, t('edit')),
    h('div', { class: 'row' }, field(t('field'), sel), field(t('year'), year), field(t('value'), value), field(t('why'), why),
      h('button', { type: 'submit', class: 'primary' }, t('save'))), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    const scope = sel.selectedOptions[0].dataset.scope;
    const change = { field: sel.value, value: value.value };
    if (scope === 'year') change.year = Number(year.value);
    try {
      await api('PATCH', `/api/firms/${uscc}`, { changes: [change], why: why.value || undefined });
      msg.append(h('p', { class: 'ok' }, t('saved')));
      onDone();
    } catch (err) {
      msg.append(errorBox(err));
    }
  });
  return form;
}

export async function firmPage(view, [uscc]) {
  const [file, hist, fields] = await Promise.all([api('GET', `/api/firms/${uscc}`),
    api('GET', `/api/firms/${uscc}/history`), api('GET', '/api/fields')]);
  const f = file.firm;
  const names = {};
  for (const r of (file.assessment && file.assessment.results) || []) names[r.id] = r.name;
  const trend = h('div', { class: 'chart', id: 'chart-trend' });
  const gaps = h('div', { class: 'chart', id: 'chart-gaps' });
  const result = h('div', { id: 'result' });
  const boards = ((file.assessment && file.assessment.results) || []).filter((r) => r.kind === 'board');
  view.append(
    h('h1', {}, f.name || f.uscc, h('small', {}, ` ${t('firm_file')}`)),
    h('div', { class: 'card facts' },
      h('dl', {}, h('dt', {}, t('uscc')), h('dd', {}, f.uscc), h('dt', {}, t('region')), h('dd', {}, file.region_name || f.region || '—'),
        h('dt', {}, t('industry')), h('dd', {}, file.industry_name || f.industry || '—'),
        h('dt', {}, t('stage')), h('dd', {}, f.listing_stage || f.listing_status || '—')),
      h('div', { class: 'chips' }, boards.map((r) => h('span', { class: `chip ${r.verdict}` }, mark(r.verdict), ' ', r.name, ' ', r.nearest || '')))),
    h('div', { class: 'grid two' },
      h('div', { class: 'card' }, h('h3', {}, t('trend')), trend),
      h('div', { class: 'card' }, h('h3', {}, t('gap_trend')), gaps)),
    h('h2', {}, t('assessment')),
    result,
    h('h2', {}, t('history')), historyTable(hist.history),
    editForm(uscc, fields.fields, () => { location.hash = `#/firm/${uscc}?t=${Date.now()}`; }));
  if (file.assessment) renderResult(result, file.assessment);
  requestAnimationFrame(() => {
    try {
      trendChart(trend, f);
      gapChart(gaps, file.years_assessed, names);
    } catch (err) {
      view.append(errorBox(err));
    }
  });
}
