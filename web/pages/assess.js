// 上市成熟度测评: the public self-assessment form and its result (per board, standard, condition).
import { api } from '../api.js';
import { lang, t } from '../i18n.js';
import { errorBox, field, h, mark, verdictBadge, yuan } from '../ui.js';

// Year rows of the form: field, unit (wan = 万元, pct = %, n = count), hint [zh, en].
const YEAR_ROWS = [
  ['revenue', 'wan', ['营业收入', 'Revenue']],
  ['main_business_revenue', 'wan', ['主营业务收入', 'Main business revenue']],
  ['net_profit', 'wan', ['净利润(归母)', 'Net profit (to parent)']],
  ['net_profit_deducted', 'wan', ['扣非净利润', 'Net profit excl. non-recurring']],
  ['operating_cash_flow', 'wan', ['经营活动现金流量净额', 'Operating cash flow']],
  ['rd_expense', 'wan', ['研发费用', 'R&D expense']],
  ['total_assets', 'wan', ['资产总额', 'Total assets']],
  ['total_liabilities', 'wan', ['负债总额', 'Total liabilities']],
  ['net_assets', 'wan', ['净资产', 'Net assets']],
  ['roe_weighted', 'pct', ['加权平均净资产收益率(%)', 'Weighted ROE (%)']],
  ['employees', 'n', ['职工总数', 'Employees']],
  ['rd_staff', 'n', ['研发人员数', 'R&D staff']],
  ['class1_ip', 'n', ['Ⅰ类知识产权(件)', 'Class I IP (count)']],
  ['invention_patents_core', 'n', ['主营业务发明专利(件)', 'Core invention patents']],
  ['equity_financing', 'wan', ['新增股权融资', 'New equity financing']],
];
const TITLES = [['high_tech', '高新技术企业', 'High-tech'], ['tech_sme', '科技型中小企业', 'Tech SME'],
  ['innovative_sme', '创新型中小企业', 'Innovative SME'], ['srdi_sme', '专精特新中小企业', 'SRDI SME'],
  ['little_giant', '专精特新"小巨人"', 'Little giant']];
const KINDS = [['board', 'boards'], ['positioning', 'positioning'], ['tier', 'tiers']];

const L = (pair) => pair[lang() === 'en' ? 1 : 0];

function yearInputs(years) {
  const head = h('tr', {}, h('th', {}, t('year')), years.map((y) => h('th', {}, String(y))));
  const rows = YEAR_ROWS.map(([name, unit, label]) => h('tr', {},
    h('th', { scope: 'row', title: name }, L(label)),
    years.map((y) => h('td', {}, h('input', {
      name: `${name}_${y}`, inputmode: 'decimal', 'aria-label': `${L(label)} ${y}`,
      'data-field': name, 'data-year': y, 'data-unit': unit, size: 9,
    })))));
  return h('div', { class: 'scroll' }, h('table', { class: 'years' }, h('thead', {}, head), h('tbody', {}, rows)));
}

// Builds contract §3 JSON from the form: 万元 and % become "1200万" and "12%" for exact parsing.
function firmFromForm(form) {
  const firm = { years: {} };
  for (const k of ['name', 'uscc', 'region', 'industry']) {
    const v = form.elements[k].value.trim();
    if (v) firm[k] = v;
  }
  const cap = form.elements.market_cap.value.trim();
  if (cap) firm.market_cap = `${cap}万`;
  const status = form.elements.listing_status.value;
  if (status !== 'none') firm.listing_status = status;
  const titles = [...form.querySelectorAll('input[name=titles]:checked')].map((c) => c.value);
  if (titles.length) firm.titles = titles.join(';');
  for (const k of ['in_sei_catalog', 'modern_industry']) if (form.elements[k].checked) firm[k] = true;
  for (const input of form.querySelectorAll('input[data-field]')) {
    const v = input.value.trim().replace(/,/g, '');
    if (!v) continue;
    const y = input.dataset.year;
    firm.years[y] = firm.years[y] || {};
    const u = input.dataset.unit;
    firm.years[y][input.dataset.field] = u === 'wan' ? `${v}万` : u === 'pct' ? `${v}%` : Number(v);
  }
  return firm;
}

function fmtValue(c, v) {
  if (v === null || v === undefined) return '—';
  if (c.text && /率|比|占|%|ROE|share|ratio/i.test(c.text) && Math.abs(v) <= 10) return `${+(v * 100).toFixed(2)}%`;
  if (Math.abs(v) >= 10000) return yuan(v);
  return String(+(+v).toFixed(2));
}

function conditionRow(c) {
  const text = lang() === 'en' && c.text_en ? c.text_en : c.text;
  const d = Math.max(0, Math.min(1, c.distance || 0));
  const bar = c.leaf ? h('div', { class: 'gapbar', title: `${t('gap')} ${Math.round(d * 100)}%` },
    h('div', { class: `fill ${c.verdict}`, style: `width:${c.verdict === 'pass' ? 100 : Math.round((1 - d) * 100)}%` })) : null;
  const detail = [];
  if (c.leaf && c.value !== null) detail.push(`${fmtValue(c, c.value)} ${c.op || ''} ${fmtValue(c, c.threshold)}`);
  if (c.verdict === 'fail' && c.gap) detail.push(`${t('gap')} ${fmtValue(c, c.gap)}`);
  if (c.missing && c.missing.length) detail.push(`${t('missing')}: ${c.missing.join(', ')}`);
  return h('li', { class: `cond ${c.verdict}`, style: `margin-left:${c.depth * 1.2}em` },
    h('span', { class: 'mk' }, mark(c.verdict)), ' ', h('span', { class: 'ct' }, text),
    detail.length ? h('span', { class: 'cd' }, ` — ${detail.join(';')}`) : null, bar,
    c.source && c.leaf ? h('cite', {}, `〔${c.source}〕`) : null);
}

function standardBlock(s, open) {
  return h('details', { class: 'std', open },
    h('summary', {}, h('span', { class: `mk ${s.verdict}` }, mark(s.verdict)), ` ${s.id} ${s.name || ''}`),
    h('ul', { class: 'conds' }, (s.conditions || []).map(conditionRow)),
    s.source ? h('cite', {}, `${t('source')}: ${s.source}`) : null);
}

function boardCard(r) {
  const shown = r.standards.find((s) => s.id === r.nearest) || r.standards[0];
  const others = r.standards.filter((s) => s !== shown);
  const line = r.verdict === 'pass' ? `${t('met_by')} ${r.nearest}` : r.nearest ? `${t('nearest')} ${r.nearest}` : '';
  return h('section', { class: `card result ${r.verdict}`, 'data-id': r.id },
    h('h3', {}, h('span', { class: `mk ${r.verdict}` }, mark(r.verdict)), ' ',
      lang() === 'en' && r.name_en ? r.name_en : r.name, ' ', verdictBadge(r.verdict), h('small', {}, ` ${line}`)),
    (r.requires || []).filter((b) => b.verdict !== 'pass').map((b) => standardBlock({ ...b, id: lang() === 'en' ? 'common' : '共同条件' }, b.verdict === 'fail')),
    shown ? standardBlock(shown, r.verdict !== 'pass') : null,
    others.length ? h('details', { class: 'others' }, h('summary', {}, `${t('standards')} (${others.length})`), others.map((s) => standardBlock(s, false))) : null,
    r.missing && r.missing.length ? h('p', { class: 'missing' }, `${t('missing')}: ${r.missing.join(', ')}`) : null,
    r.source ? h('cite', {}, `${t('source')}: ${r.source}`) : null);
}

function tierCard(r) {
  const items = (r.items || []).map((it) => h('tr', {},
    h('td', {}, it.name || it.id),
    h('td', { class: 'num' }, it.points === null ? '?' : String(it.points), ' / ', String(it.max)),
    h('td', {}, h('div', { class: 'gapbar' }, h('div', { class: 'fill pass', style: `width:${it.max ? Math.round(100 * (it.points || 0) / it.max) : 0}%` })))));
  const score = r.score !== null && r.score !== undefined
    ? `${t('score')} ${r.score}${r.pass_score ? ` / ${t('pass_line')} ${r.pass_score}` : ''}` : '';
  const blocks = [...(r.requires || []), ...(r.pass ? [{ ...r.pass, id: 'pass' }] : [])];
  return h('section', { class: `card result ${r.verdict}`, 'data-id': r.id },
    h('h3', {}, h('span', { class: `mk ${r.verdict}` }, mark(r.verdict)), ' ',
      lang() === 'en' && r.name_en ? r.name_en : r.name, ' ', verdictBadge(r.verdict), h('small', {}, ` ${score}`)),
    items.length ? h('table', { class: 'items' }, h('tbody', {}, items)) : null,
    blocks.map((b) => standardBlock({ ...b, id: b.id || '' }, r.verdict === 'fail' && b.verdict === 'fail')),
    r.missing && r.missing.length ? h('p', { class: 'missing' }, `${t('missing')}: ${r.missing.join(', ')}`) : null,
    r.source ? h('cite', {}, `${t('source')}: ${r.source}`) : null);
}

export function renderResult(out, res) {
  out.replaceChildren();
  const missing = new Set();
  for (const r of res.results) (r.missing || []).forEach((m) => missing.add(m));
  out.append(h('div', { class: 'summary' },
    h('h2', {}, `${res.name || ''} ${res.year || ''}`),
    h('div', { class: 'chips' }, res.results.filter((r) => r.kind === 'board').map((r) =>
      h('span', { class: `chip ${r.verdict}` }, mark(r.verdict), ' ', lang() === 'en' && r.name_en ? r.name_en : r.name))),
    missing.size ? h('p', { class: 'missing', id: 'missing-all' }, `${t('missing')}: ${[...missing].join(', ')}`) : null));
  for (const [kind, title] of KINDS) {
    const rs = res.results.filter((r) => r.kind === kind);
    if (!rs.length) continue;
    out.append(h('h2', {}, t(title)), h('div', { class: 'grid' }, rs.map((r) => (kind === 'tier' ? tierCard(r) : boardCard(r)))));
  }
}

export async function assessPage(view) {
  const last = new Date().getFullYear() - 1;
  const years = [last, last - 1, last - 2];
  const today = new Date().toISOString().slice(0, 10);
  const out = h('div', { id: 'result' });
  const status = h('select', { name: 'listing_status' },
    [['none', '未上市', 'not listed'], ['regional', '区域股权市场', 'regional'], ['neeq_basic', '新三板基础层', 'NEEQ basic'],
      ['neeq_innovative', '新三板创新层', 'NEEQ innovative']].map(([v, zh, en]) => h('option', { value: v }, lang() === 'en' ? en : zh)));
  const form = h('form', { class: 'card', id: 'assess-form' },
    h('fieldset', {}, h('legend', {}, t('firm_info')),
      h('div', { class: 'row' },
        field(t('name'), h('input', { name: 'name', placeholder: '苏州某某科技股份有限公司' })),
        field(t('uscc'), h('input', { name: 'uscc', maxlength: 18, placeholder: '91320500…' })),
        field(t('region'), h('input', { name: 'region', maxlength: 6, placeholder: '320505', title: 'GB/T 2260' })),
        field(t('industry'), h('input', { name: 'industry', maxlength: 5, placeholder: 'C3976', title: 'GB/T 4754-2017' })),
        field(t('market_cap'), h('input', { name: 'market_cap', inputmode: 'decimal', placeholder: '150000' })),
        field(t('stage'), status))),
    h('fieldset', {}, h('legend', {}, t('figures')), yearInputs(years),
      h('p', { class: 'hint' }, lang() === 'en'
        ? 'Amounts in 万元 (10,000 yuan); leave a cell empty when unknown (missing is not zero).'
        : '金额单位为万元;不知道的留空(缺数据不按零计算)。')),
    h('fieldset', {}, h('legend', {}, t('declarations')),
      h('div', { class: 'row' }, TITLES.map(([v, zh, en]) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'titles', value: v }), lang() === 'en' ? en : zh)),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'in_sei_catalog' }), lang() === 'en' ? 'Strategic emerging industry' : '属于战略性新兴产业'),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'modern_industry' }), lang() === 'en' ? 'Modern industry system' : '属于现代产业体系领域'))),
    h('div', { class: 'row actions' },
      field(t('as_of'), h('input', { name: 'as_of', type: 'date', value: today })),
      h('button', { type: 'submit', class: 'primary', id: 'run-assess' }, t('run_assess')),
      h('button', { type: 'button', onclick: () => window.print() }, t('print'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.replaceChildren(h('p', {}, t('loading')));
    try {
      const asOf = form.elements.as_of.value;
      // detail=all: the page shows every condition with its source, not only the failing ones
      const res = await api('POST', `/api/assess?detail=all${asOf ? `&as_of=${asOf}` : ''}`, firmFromForm(form));
      renderResult(out, res);
      out.scrollIntoView({ behavior: 'smooth' });
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  view.append(h('h1', {}, t('assess_title')), h('p', { class: 'intro' }, t('assess_intro')), form, out);
}
