// Browser tests of the web UI: Debian chromium driven by playwright-core, clicking as a person
// would. Prints "PLAN: N", then "PASS: …" / "FAIL: …"; screenshots go to $SHOTS (under build/).
// Usage: node run.mjs URL ADMIN_PASSWORD WORKDIR TIDU_BIN
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeXlsx } from './xlsx.mjs';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [url, adminPw, work, tidu] = process.argv.slice(2);
const shots = process.env.SHOTS || 'build/browser';
mkdirSync(shots, { recursive: true });

const TESTS = [];
const test = (name, fn) => TESTS.push({ name, fn });
let checks = 0;
const PLANNED = 30;
function check(name, ok, detail) {
  checks++;
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${name}${ok || !detail ? '' : ` (${detail})`}`);
}

// Waits until fn (run in the page) returns a truthy value. page.waitForFunction would need
// 'unsafe-eval', which the server's Content-Security-Policy rightly refuses.
async function until(page, fn, arg) {
  for (let i = 0; i < 900; i++) {
    if (await page.evaluate(fn, arg)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${fn.toString().slice(0, 80)}`);
}

// Console errors of a page, except the HTTP statuses a test expects (a 422 import report).
function watch(page, expected = []) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expected.some((s) => m.text().includes(`status of ${s}`))) return;
    errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('self-assessment, anonymous', async (ctx) => {
  const page = await ctx.newPage();
  const errors = watch(page);
  await page.goto(`${url}/#/assess`);
  await page.fill('input[name=name]', '苏州测试精密制造股份有限公司');
  await page.fill('input[name=region]', '320505');
  await page.fill('input[name=market_cap]', '200000');
  const y = new Date().getFullYear() - 1;
  const figures = { revenue: [52000, 41000, 33000], net_profit: [6800, 5200, 3900], net_profit_deducted: [6500, 5000, 3700],
    rd_expense: [4100, 3300, 2600], operating_cash_flow: [7000, 5600, 4000] };
  for (const [f, vals] of Object.entries(figures))
    for (let i = 0; i < 3; i++) await page.fill(`input[name=${f}_${y - i}]`, String(vals[i]));
  await page.click('#run-assess');
  await page.waitForSelector('#result .result[data-id=star]');
  const star = await page.textContent('#result .result[data-id=star] h3');
  check('assess: STAR board has a verdict', /[✓✗?]/.test(star), star);
  const main = await page.textContent('#result .result[data-id=main] h3');
  check('assess: main board shows its nearest or met standard', /main\.\d/.test(main), main);
  const bars = await page.locator('#result .gapbar').count();
  check('assess: conditions carry gap bars', bars > 5, `${bars} bars`);
  const cites = await page.locator('#result cite').count();
  check('assess: sources are cited', cites > 5, `${cites}`);
  const tiers = await page.locator('#result .result[data-id=innovative_sme] table.items tr').count();
  check('assess: a tier shows its score breakdown', tiers > 2, `${tiers} items`);
  const missing = await page.textContent('#missing-all').catch(() => '');
  check('assess: missing figures are named', /total_assets|employees|net_assets/.test(missing), missing);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`# assess page height ${height}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}/assess.png`, fullPage: true, timeout: 60000 });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/assess-phone.png` });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  check('assess: no horizontal overflow at phone width', overflow);
  check('assess: no console errors', errors.length === 0, errors.join(' | '));
  await page.close();
});

test('sign in, firm list, firm file with charts', async (ctx) => {
  const page = await ctx.newPage();
  const errors = watch(page);
  await page.goto(`${url}/#/login`);
  await page.fill('#login-form input[name=name]', 'admin');
  await page.fill('#login-form input[name=password]', adminPw);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#firm-list table.list tbody tr');
  const who = await page.textContent('#user');
  check('login: the user is shown', who.includes('admin'), who);
  const rows = await page.locator('#firm-list tbody tr').count();
  check('firms: the list has rows', rows > 5, `${rows}`);
  await until(page, () => document.querySelector('#chart-boards canvas'));
  await page.screenshot({ path: `${shots}/firms.png` });
  await page.fill('#firm-filters input[name=region]', '3205');
  await page.click('#firm-filters button[type=submit]');
  await until(page, () => [...document.querySelectorAll('#firm-list tbody tr')].length > 0 &&
    [...document.querySelectorAll('#firm-list tbody tr td:nth-child(2)')].every((td) => !/上海|西安|浦东/.test(td.textContent)));
  check('firms: the region filter keeps Suzhou firms', true);
  await page.click('#firm-list tbody tr:first-child a');
  await page.waitForSelector('#chart-trend canvas');
  const drawn = await page.evaluate(() => ['chart-trend', 'chart-gaps'].map((id) => {
    const c = window.echarts.getInstanceByDom(document.getElementById(id));
    const s = c && c.getOption().series;
    return s ? s.filter((x) => x.data.some((v) => v !== null)).length : 0;
  }));
  check('firm file: trend chart drawn with data', drawn[0] >= 2, `${drawn}`);
  check('firm file: gap chart drawn with data', drawn[1] >= 3, `${drawn}`);
  const hist = await page.locator('h2').allTextContents();
  check('firm file: history section present', hist.some((x) => x.includes('变更历史')), hist.join(','));
  await page.screenshot({ path: `${shots}/firm.png` });
  check('firm pages: no console errors', errors.length === 0, errors.join(' | '));
  await page.close();
});

test('import an XLSX with one bad row, then download an export', async (ctx) => {
  const page = await ctx.newPage();
  const errors = watch(page, [422]);
  const gen = execFileSync(tidu, ['gen', '3', '--seed', '4242']).toString().trim().split('\n').map((l) => JSON.parse(l));
  const rows = [['统一社会信用代码', '企业名称', '行政区划代码', '年度', '营业收入(万元)', '净利润(万元)']];
  gen.forEach((f, i) => { rows.push([f.uscc, `导入测试企业${i + 1}`, '320506', 2024, 1000 + i, 100]); rows.push([f.uscc, `导入测试企业${i + 1}`, '320506', 2023, 900, 90]); });
  rows[4][4] = '一千二'; // row 5 of the sheet: firm 2's 2023 revenue is not a number
  const file = `${work}/one-bad-row.xlsx`;
  writeXlsx(file, rows);
  await page.goto(`${url}/#/io`);
  await page.setInputFiles('#import-form input[type=file]', file);
  await page.click('#import-form button[type=submit]');
  await page.waitForSelector('#import-problems tbody tr');
  const cells = await page.locator('#import-problems tbody tr td').allTextContents();
  check('import: the bad row is reported with its row number', cells[0] === '5', cells.join(' | '));
  check('import: and its column', cells[1] === '营业收入(万元)', cells[1]);
  const head = await page.textContent('#import-report h3');
  check('import: nothing written without skipping', head.includes('未写入'), head);
  await page.screenshot({ path: `${shots}/import.png`, fullPage: true });
  await page.check('#import-form input[name=skip_bad]');
  await page.click('#import-form button[type=submit]');
  await until(page, () => document.querySelector('#import-report h3') && document.querySelector('#import-report h3').textContent.includes('已写入'));
  const summary = await page.textContent('#import-report p');
  check('import: with skipping, the two good firms are written', /new 2\b/.test(summary), summary);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
  const saved = `${work}/export.xlsx`;
  await download.saveAs(saved);
  const bytes = readFileSync(saved);
  check('export: an XLSX (zip) file was downloaded', bytes.subarray(0, 2).toString() === 'PK', `${bytes.length} bytes`);
  const out = execFileSync(tidu, ['assess', '--only', 'star', '--format', 'csv', saved]).toString();
  check('export: the file opens and holds the imported firms', out.includes('导入测试企业1') && out.includes('导入测试企业3'), out.slice(0, 200));
  await page.screenshot({ path: `${shots}/export.png`, fullPage: true });
  check('import/export: no console errors', errors.length === 0, errors.join(' | '));
  await page.close();
});

test('rules and what-if', async (ctx) => {
  const page = await ctx.newPage();
  const errors = watch(page);
  await page.goto(`${url}/#/rules`);
  await page.waitForSelector('#rules tbody tr');
  const n = await page.locator('#rules tbody tr').count();
  check('rules: every rule set version is listed', n >= 20, `${n}`);
  await page.goto(`${url}/#/rules/main`);
  await page.waitForSelector('#whatif-form select option', { state: 'attached' });
  await page.fill('#whatif-form input[name=value]', '1');
  await page.click('#whatif-form button[type=submit]');
  await until(page, () => /:\s*\d+/.test((document.querySelector('#whatif-result') || {}).textContent || ''));
  const txt = await page.textContent('#whatif-result');
  check('what-if: the simulation ran on the registry', /→/.test(txt), txt.slice(0, 200));
  await page.screenshot({ path: `${shots}/rules.png`, fullPage: true });
  check('rules: no console errors', errors.length === 0, errors.join(' | '));
  await page.close();
});

test('reserve pool: accept a review proposal; the ladder', async (ctx) => {
  const page = await ctx.newPage();
  const errors = watch(page);
  await page.goto(`${url}/#/pool`);
  await page.waitForSelector('#run-review');
  await page.click('#run-review');
  await page.waitForSelector('#proposals button.accept', { timeout: 240000 });
  const uscc = await page.getAttribute('#proposals tbody tr:first-child', 'data-uscc');
  await page.click('#proposals tbody tr:first-child button.accept');
  await until(page, () => document.querySelector('#proposals tbody tr:first-child .state').textContent.includes('已入库'));
  const admitted = await page.evaluate(async (u) => {
    const r = await fetch('/api/pool?state=admitted');
    return (await r.json()).items.some((x) => x.uscc === u);
  }, uscc);
  check('pool: the accepted proposal is admitted in the registry', admitted, uscc);
  const ev = await page.evaluate(async (u) => (await (await fetch(`/api/events?uscc=${u}`)).json()).items.map((e) => `${e.action}:${e.who}`), uscc);
  check('pool: the decision is an event with the user', ev.some((x) => x.startsWith('pool.admit') && x.endsWith(':admin')), ev.join(','));
  await until(page, () => document.querySelector('#chart-layers canvas'));
  await page.screenshot({ path: `${shots}/pool.png` });
  await page.goto(`${url}/#/ladder`);
  await until(page, () => document.querySelector('#chart-flow canvas'));
  const drawn = await page.evaluate(() => {
    const c = window.echarts.getInstanceByDom(document.getElementById('chart-ladder'));
    return c.getOption().series[0].data.reduce((a, b) => a + b, 0);
  });
  check('ladder: every firm sits on a rung', drawn >= 300, `${drawn}`);
  const flows = await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('chart-flow')).getOption().series[0].links.length);
  check('ladder: the moves between rungs are drawn', flows > 0, `${flows}`);
  await page.screenshot({ path: `${shots}/ladder.png` });
  await page.goto(`${url}/#/inst`);
  await page.waitForSelector('h1');
  check('institutions page opens', (await page.locator('h1').count()) === 2);
  check('pool and ladder: no console errors', errors.length === 0, errors.join(' | '));
  await page.close();
});

console.log(`PLAN: ${PLANNED}`);
// A fresh profile folder per run (launchPersistentContext is how a --user-data-dir is given).
const ctx = await chromium.launchPersistentContext(`${work}/chromium-profile`, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'zh-CN',
});
ctx.setDefaultTimeout(90000); // ASan builds on a shared machine are slow
for (const t of TESTS) {
  try {
    await t.fn(ctx);
  } catch (e) {
    check(t.name, false, String(e).split('\n')[0]);
  }
}
await ctx.close();
writeFileSync(`${shots}/checks.txt`, `${checks}\n`);
