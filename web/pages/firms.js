// 企业库: counts as charts, then the filterable, sortable, paged firm list.
import { api } from '../api.js';
import { lang, t } from '../i18n.js';
import { chart, clear, errorBox, field, h, mark, yuan } from '../ui.js';

const BOARDS = ['main', 'chinext', 'star', 'bse', 'neeq', 'regional'];

function statsCharts(stats) {
  const boards = BOARDS.filter((b) => stats.rulesets[b]);
  const byBoard = h('div', { class: 'chart', id: 'chart-boards' });
  const byRegion = h('div', { class: 'chart', id: 'chart-regions' });
  const wrap = h('div', { class: 'grid two' }, h('div', { class: 'card' }, h('h3', {}, t('by_board')), byBoard),
    h('div', { class: 'card' }, h('h3', {}, t('by_region')), byRegion));
  requestAnimationFrame(() => {
    chart(byBoard, {
      tooltip: { trigger: 'axis' }, legend: { bottom: 0 },
      grid: { left: 40, right: 10, top: 10, bottom: 50 },
      xAxis: { type: 'category', data: boards.map((b) => stats.rulesets[b].name) },
      yAxis: { type: 'value' },
      series: ['pass', 'unknown', 'fail'].map((v) => ({
        name: t(v), type: 'bar', stack: 'v', data: boards.map((b) => stats.rulesets[b][v]),
        itemStyle: { color: v === 'pass' ? '#2e7d32' : v === 'fail' ? '#c62828' : '#f9a825' },
      })),
    });
    const regions = [...stats.regions].sort((a, b) => b.firms - a.firms).slice(0, 15);
    chart(byRegion, {
      tooltip: {}, grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: 'value' }, yAxis: { type: 'category', data: regions.map((r) => r.name || r.code).reverse() },
      series: [{ type: 'bar', data: regions.map((r) => r.firms).reverse(), itemStyle: { color: '#1565c0' } }],
    });
  });
  return wrap;
}

export async function firmsPage(view) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const state = { q: q.get('q') || '', region: q.get('region') || '', board: q.get('board') || '', verdict: q.get('verdict') || '',
    sort: q.get('sort') || 'uscc', order: q.get('order') || 'asc', page: 1 };
  const stats = await api('GET', `/api/firms/stats${state.region ? `?region=${encodeURIComponent(state.region)}` : ''}`);
  const input = (name, ph) => h('input', { name, value: state[name], placeholder: ph });
  const select = (name, opts) => h('select', { name }, opts.map(([v, l]) => h('option', { value: v, selected: state[name] === v }, l)));
  const form = h('form', { class: 'card filters', id: 'firm-filters' },
    field(t('search'), input('q', '')), field(t('region'), input('region', '3205')),
    field(t('board'), select('board', [['', '—'], ...BOARDS.filter((b) => stats.rulesets[b]).map((b) => [b, stats.rulesets[b].name])])),
    field(t('verdict'), select('verdict', [['', '—'], ['pass', t('pass')], ['fail', t('fail')], ['unknown', t('unknown')]])),
    field(t('sort'), select('sort', [['uscc', t('uscc')], ['name', t('name')], ['region', t('region')], ['revenue', t('revenue')], ['gap', t('gap')]])),
    select('order', [['asc', '↑'], ['desc', '↓']]),
    h('button', { type: 'submit', class: 'primary' }, t('filter')));
  const list = h('div', { id: 'firm-list' });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    for (const k of ['q', 'region', 'board', 'verdict', 'sort', 'order']) state[k] = form.elements[k].value;
    state.page = 1;
    load();
  });
  async function load() {
    const p = new URLSearchParams();
    for (const k of ['q', 'region', 'board', 'verdict', 'sort', 'order', 'page']) if (state[k]) p.set(k, state[k]);
    p.set('per_page', 25);
    clear(list).append(h('p', {}, t('loading')));
    try {
      const r = await api('GET', `/api/firms?${p}`);
      clear(list).append(table(r), pager(r));
    } catch (err) {
      clear(list).append(errorBox(err));
    }
  }
  function pager(r) {
    const pages = Math.max(1, Math.ceil(r.total / r.per_page));
    return h('div', { class: 'pager' },
      h('button', { disabled: r.page <= 1, onclick: () => { state.page--; load(); } }, t('prev')),
      h('span', {}, ` ${t('total')} ${r.total} ${t('firms_unit')} · ${r.page} / ${pages} `),
      h('button', { disabled: r.page >= pages, onclick: () => { state.page++; load(); } }, t('next')));
  }
  function table(r) {
    const boards = BOARDS.filter((b) => stats.rulesets[b]);
    return h('div', { class: 'scroll' }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, h('th', {}, t('name')), h('th', {}, t('region')), h('th', {}, t('year')),
        h('th', { class: 'num' }, t('revenue')), boards.map((b) => h('th', {}, stats.rulesets[b].name)))),
      h('tbody', {}, r.items.map((f) => h('tr', {},
        h('td', {}, h('a', { href: `#/firm/${f.uscc}` }, f.name || f.uscc), h('div', { class: 'sub' }, f.uscc)),
        h('td', {}, f.region_name || f.region || '—'), h('td', {}, f.year || '—'),
        h('td', { class: 'num' }, yuan(f.revenue)),
        boards.map((b) => {
          const v = f.boards[b];
          return h('td', { class: v ? `v ${v.verdict}` : '' }, v ? `${mark(v.verdict)} ${v.nearest || ''}` : '—');
        }))))));
  }
  view.append(h('h1', {}, t('nav_firms'), h('small', {}, ` ${t('total')} ${stats.total} ${t('firms_unit')}`)),
    statsCharts(stats), form, list);
  load();
  void lang;
}
