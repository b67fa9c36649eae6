// 后备库 and 梯度: review proposals to accept or reject, layers as a pyramid, pool by region and
// chain, key-firm shortlist, targets as progress bars; the ladder and the moves between rungs.
import { api } from '../api.js';
import { lang, t } from '../i18n.js';
import { chart, clear, errorBox, field, h } from '../ui.js';

const BOARD_ZH = { main: '主板', chinext: '创业板', star: '科创板', bse: '北交所', neeq: '新三板', regional: '区域股权', none: '暂无' };
const L = (zh, en) => (lang() === 'en' ? en : zh);

async function latestYear() {
  const s = await api('GET', '/api/firms/stats');
  return s.latest_year || new Date().getFullYear() - 1;
}

function yearForm(year, onChange) {
  const input = h('input', { name: 'year', value: year, size: 6, inputmode: 'numeric' });
  const form = h('form', { class: 'row' }, field(t('year'), input), h('button', { type: 'submit' }, L('刷新', 'Refresh')));
  form.addEventListener('submit', (e) => { e.preventDefault(); onChange(Number(input.value)); });
  return form;
}

function reviewSection(year, reload) {
  const box = h('section', { class: 'card', id: 'pool-review' }, h('h2', {}, L('入库复核建议', 'Review proposals')));
  const msg = h('div');
  const run = h('button', { class: 'primary', id: 'run-review', onclick: async () => {
    try {
      const r = await api('POST', `/api/pool/review?year=${year}`);
      msg.replaceChildren(h('p', { class: 'ok' }, L(`已记录:建议入库 ${r.entries} 家,出库 ${r.exits} 家(新记录 ${r.applied})`,
        `Recorded: ${r.entries} entries, ${r.exits} exits proposed (${r.applied} new)`)));
      reload();
    } catch (err) { msg.replaceChildren(errorBox(err)); }
  } }, L('按规则复核并记录建议', 'Run the rule review'));
  const list = h('div', { id: 'proposals' });
  box.append(h('p', { class: 'hint' }, L('规则计算入库与出库建议;入库建议需逐家接受或拒绝。', 'The rules propose entries and exits; accept or reject each proposed entry.')), run, msg, list);
  api('GET', '/api/pool?state=proposed').then((r) => {
    if (!r.items.length) { list.append(h('p', {}, L('没有待决定的建议', 'No proposals waiting'))); return; }
    list.append(h('div', { class: 'scroll' }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, [t('name'), t('region'), L('来源', 'Source'), L('依据', 'Why'), '', ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, r.items.slice(0, 100).map((p) => {
        const decide = async (action, btn) => {
          btn.disabled = true;
          try {
            await api('POST', `/api/pool/${p.uscc}/${action}`, { why: action === 'reject' ? L('复核未通过', 'not accepted at review') : L('复核通过', 'accepted at review') });
            btn.closest('tr').querySelector('.state').textContent = action === 'admit' ? L('已入库', 'admitted') : L('不予入库', 'rejected');
            btn.closest('tr').querySelectorAll('button').forEach((b) => { b.disabled = true; });
          } catch (err) { msg.replaceChildren(errorBox(err)); btn.disabled = false; }
        };
        return h('tr', { 'data-uscc': p.uscc }, h('td', {}, h('a', { href: `#/firm/${p.uscc}` }, p.name || p.uscc)), h('td', {}, p.region || '—'),
          h('td', {}, p.by || p.source), h('td', { class: 'sub' }, p.note || ''),
          h('td', { class: 'state' }, p.state_zh),
          h('td', {}, h('button', { class: 'accept', onclick: (e) => decide('admit', e.target) }, L('接受', 'Accept')), ' ',
            h('button', { class: 'reject', onclick: (e) => decide('reject', e.target) }, L('拒绝', 'Reject'))));
      })))));
  }, (err) => list.append(errorBox(err)));
  return box;
}

function layersSection(year) {
  const el = h('div', { class: 'chart', id: 'chart-layers' });
  const byRegion = h('div', { class: 'chart', id: 'chart-pool-region' });
  const box = h('div', { class: 'grid two' }, h('section', { class: 'card' }, h('h3', {}, L('按板块分层', 'Layers by board')), el),
    h('section', { class: 'card' }, h('h3', {}, L('在库企业:地区与产业链', 'Pool firms by region and chain')), byRegion));
  Promise.all([api('GET', `/api/pool/layers?year=${year}`), api('GET', '/api/pool?state=admitted')]).then(([l, pool]) => {
    const data = [...l.boards, 'none'].map((b) => ({ name: lang() === 'en' ? b : BOARD_ZH[b] || b, value: l.counts[b] || 0 }));
    chart(el, { tooltip: { trigger: 'item' }, series: [{ type: 'funnel', sort: 'none', left: '10%', width: '80%', minSize: '10%', label: { formatter: '{b}: {c}' }, data }] });
    const regions = {}, chains = {};
    for (const p of pool.items) {
      const k = (p.region || '?').slice(0, 4);
      regions[k] = (regions[k] || 0) + 1;
      for (const c of (p.chains || '').split(';').filter(Boolean)) chains[c] = (chains[c] || 0) + 1;
    }
    const top = (o) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, 10);
    chart(byRegion, { tooltip: {}, legend: { bottom: 0 }, grid: { left: 90, right: 20, top: 10, bottom: 40 },
      xAxis: { type: 'value' }, yAxis: { type: 'category', data: [...top(regions).map((x) => x[0]), ...top(chains).map((x) => x[0])].reverse() },
      series: [{ name: L('地区', 'Region'), type: 'bar', stack: 'a', data: [...top(regions).map((x) => x[1]), ...top(chains).map(() => null)].reverse() },
        { name: L('产业链', 'Chain'), type: 'bar', stack: 'a', data: [...top(regions).map(() => null), ...top(chains).map((x) => x[1])].reverse() }] });
  }, (err) => box.append(errorBox(err)));
  return box;
}

function shortlistSection(year) {
  const box = h('section', { class: 'card', id: 'shortlist' }, h('h2', {}, L('重点企业候选', 'Key-firm shortlist')));
  api('GET', `/api/shortlist?year=${year}&count=20`).then((r) => {
    if (!r.items.length) { box.append(h('p', {}, L('在库企业为空', 'No admitted pool firms yet'))); return; }
    box.append(h('div', { class: 'scroll' }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['#', t('name'), t('region'), L('成熟度', 'Readiness'), L('理由', 'Reasons')].map((x) => h('th', {}, x)))),
      h('tbody', {}, r.items.map((k) => h('tr', {}, h('td', {}, k.rank), h('td', {}, h('a', { href: `#/firm/${k.uscc}` }, k.name)),
        h('td', {}, k.region || '—'), h('td', { class: 'num' }, k.score.toFixed(1)), h('td', { class: 'sub' }, k.reasons || '')))))));
  }, (err) => box.append(errorBox(err)));
  return box;
}

function targetsSection(year) {
  const box = h('section', { class: 'card', id: 'targets' }, h('h2', {}, L('目标完成情况', 'Targets')));
  api('GET', `/api/targets?year=${year}`).then((r) => {
    if (!r.items.length) { box.append(h('p', {}, L('尚未设定目标', 'No targets set'))); return; }
    box.append(...r.items.map((x) => {
      const pct = Math.min(100, Math.round((100 * x.actual) / x.target));
      return h('div', { class: 'target' }, h('div', {}, `${x.label} (${x.region || L('全部', 'all')} · ${x.deadline}): ${x.actual} / ${x.target}`),
        h('div', { class: 'gapbar big' }, h('div', { class: `fill ${pct >= 100 ? 'pass' : 'unknown'}`, style: `width:${pct}%` })));
    }));
  }, (err) => box.append(errorBox(err)));
  return box;
}

export async function poolPage(view) {
  let year = await latestYear();
  const body = h('div');
  const draw = () => {
    clear(body).append(reviewSection(year, draw), layersSection(year), shortlistSection(year), targetsSection(year));
  };
  view.append(h('h1', {}, t('pool_title')), yearForm(year, (y) => { year = y; draw(); }), body);
  draw();
}

export async function ladderPage(view) {
  let year = await latestYear();
  const body = h('div');
  const draw = async () => {
    clear(body);
    try {
      const [l, tr] = await Promise.all([api('GET', `/api/ladder?year=${year}&by=region`), api('GET', `/api/transitions?year=${year}`)]);
      const rungs = h('div', { class: 'chart', id: 'chart-ladder' });
      const flow = h('div', { class: 'chart tall', id: 'chart-flow' });
      body.append(h('div', { class: 'grid two' }, h('section', { class: 'card' }, h('h3', {}, L(`${year} 年各梯度企业数`, `Firms per rung, ${year}`)), rungs),
        h('section', { class: 'card' }, h('h3', {}, L(`${year - 1} → ${year} 梯度变化`, `Moves ${year - 1} → ${year}`)), flow)),
      h('section', { class: 'card' }, h('h3', {}, L('变化统计', 'Moves')), h('p', {}, Object.entries(tr.moves).filter(([k]) => k !== 'none').map(([k, v]) => `${k} ${v}`).join(' · '),
        ` · ${L('小升规奖励候选', '小升规 reward candidates')} ${tr.rewards}`)));
      chart(rungs, { tooltip: {}, grid: { left: 110, right: 20, top: 10, bottom: 20 }, xAxis: { type: 'value' },
        yAxis: { type: 'category', data: l.rungs.map((r) => (lang() === 'en' ? r.rung : r.zh)) },
        series: [{ type: 'bar', data: l.rungs.map((r) => r.firms), itemStyle: { color: '#1565c0' } }] });
      const zh = Object.fromEntries(tr.rungs.map((r) => [r.rung, lang() === 'en' ? r.rung : r.zh]));
      const links = {};
      for (const x of tr.items) if (x.from !== x.to) { const k = `${x.from}|${x.to}`; links[k] = (links[k] || 0) + 1; }
      const nodes = new Set();
      const data = Object.entries(links).map(([k, v]) => { const [a, b] = k.split('|'); nodes.add(`${zh[a]} ${year - 1}`); nodes.add(`${zh[b]} ${year}`); return { source: `${zh[a]} ${year - 1}`, target: `${zh[b]} ${year}`, value: v }; });
      chart(flow, { tooltip: { trigger: 'item' }, series: [{ type: 'sankey', emphasis: { focus: 'adjacency' }, data: [...nodes].map((name) => ({ name })), links: data }] });
    } catch (err) { body.append(errorBox(err)); }
  };
  view.append(h('h1', {}, L('梯度', 'Ladder')), yearForm(year, (y) => { year = y; draw(); }), body);
  draw();
}

export async function instPage(view) {
  const [inst, fin, act] = await Promise.all([api('GET', '/api/institutions'), api('GET', '/api/financing'), api('GET', '/api/activities')]);
  const table = (cols, rows) => h('div', { class: 'scroll' }, h('table', { class: 'list' }, h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, c)))), h('tbody', {}, rows)));
  view.append(h('h1', {}, L('机构库', 'Institutions')),
    inst.items.length ? table([t('name'), L('类型', 'Type'), t('region'), L('状态', 'Status'), L('服务企业', 'Firms')],
      inst.items.map((i) => h('tr', {}, h('td', {}, i.name), h('td', {}, i.type_zh || i.type), h('td', {}, i.region || '—'), h('td', {}, i.status), h('td', { class: 'num' }, i.assignments))))
      : h('p', {}, L('暂无机构', 'No institutions')),
    h('h1', {}, L('融资与路演', 'Financing and roadshows')),
    fin.items.length ? table([t('name'), L('金额', 'Amount'), L('轮次', 'Round'), L('用途', 'Purpose'), L('状态', 'Status')],
      fin.items.map((f) => h('tr', {}, h('td', {}, h('a', { href: `#/firm/${f.uscc}` }, f.name || f.uscc)), h('td', { class: 'num' }, `${(f.amount_yuan / 1e4).toFixed(0)}万`), h('td', {}, f.round || ''), h('td', {}, f.purpose || ''), h('td', {}, f.status || ''))))
      : h('p', {}, L('暂无融资需求', 'No financing needs')),
    act.items.length ? table([L('日期', 'Date'), L('类型', 'Kind'), L('名称', 'Title'), L('产业链', 'Chain'), L('企业', 'Firms'), L('意向', 'Interest'), L('成交', 'Closed')],
      act.items.map((a) => h('tr', {}, h('td', {}, a.date), h('td', {}, a.kind), h('td', {}, a.title), h('td', {}, a.chain || ''), h('td', { class: 'num' }, a.firms), h('td', { class: 'num' }, a.interested), h('td', { class: 'num' }, `${(a.closed_yuan / 1e4).toFixed(0)}万`))))
      : h('p', {}, L('暂无活动', 'No activities')));
}
