// DuckDB's side of bench/run.sh: STAR verdicts and every per-condition gap, CSV ingestion,
// and a main-board what-if, each printed as one JSON line with its timings.
// Usage: node star_duckdb.js star WIDE.csv [THREADS] | ingest WIDE.csv [THREADS]
'use strict';
const { DuckDBInstance } = require('@duckdb/node-api');

const MONEY = 'DECIMAL(18,2)';
const YEAR_COLS = [
  ['revenue', 3], ['net_profit', 2], ['net_profit_deducted', 2], ['rd_expense', 3],
  ['operating_cash_flow', 3],
];

function columns(year) {
  const cols = { uscc: 'VARCHAR', market_cap: MONEY, state_approval: 'BOOLEAN',
    phased_results: 'BOOLEAN', pharma_phase2: 'BOOLEAN', tech_advantage: 'BOOLEAN' };
  for (const [name, n] of YEAR_COLS)
    for (let k = 0; k < n; k++) cols[`${name}_${year - k}`] = MONEY;
  return cols;
}

function readCsv(path, year) {
  const spec = Object.entries(columns(year)).map(([k, v]) => `'${k}': '${v}'`).join(', ');
  return `read_csv('${path}', header = true, auto_detect = false, columns = {${spec}})`;
}

// The STAR conditions in the order of rules/boards/star.tidu: [condition, gap when failing].
// Missing figures are NULL, so SQL's three-valued AND / OR decide exactly as tidu does.
function starSelect(src, year) {
  const y0 = year, y1 = year - 1, y2 = year - 2;
  const prof = (y) => `CASE WHEN net_profit_${y} IS NULL OR net_profit_deducted_${y} IS NULL
    THEN NULL ELSE least(net_profit_${y}, net_profit_deducted_${y}) END`;
  const base = `SELECT uscc, market_cap AS mc, ${prof(y0)} AS p0, ${prof(y1)} AS p1,
    revenue_${y0} AS r0, revenue_${y0} + revenue_${y1} + revenue_${y2} AS rs,
    rd_expense_${y0} + rd_expense_${y1} + rd_expense_${y2} AS ds,
    operating_cash_flow_${y0} + operating_cash_flow_${y1} + operating_cash_flow_${y2} AS ocf,
    coalesce(state_approval, false) AS sa, coalesce(phased_results, false) AS pr,
    coalesce(pharma_phase2, false) AS ph, coalesce(tech_advantage, false) AS ta FROM ${src}`;
  const conds = [
    ['mc >= 1000000000', '1000000000 - mc'], ['p0 > 0', '0 - p0'], ['p1 > 0', '0 - p1'],
    ['p0 + p1 >= 50000000', '50000000 - (p0 + p1)'], ['p0 > 0', '0 - p0'],
    ['r0 >= 100000000', '100000000 - r0'],
    ['mc >= 1500000000', '1500000000 - mc'], ['r0 >= 200000000', '200000000 - r0'],
    ['CASE WHEN rs > 0 THEN ds * 100 >= rs * 15 WHEN rs < 0 THEN ds * 100 <= rs * 15 END',
      '0.15 - ds::DOUBLE / rs::DOUBLE'],
    ['mc >= 2000000000', '2000000000 - mc'], ['r0 >= 300000000', '300000000 - r0'],
    ['ocf >= 100000000', '100000000 - ocf'],
    ['mc >= 3000000000', '3000000000 - mc'], ['r0 >= 300000000', '300000000 - r0'],
    ['mc >= 4000000000', '4000000000 - mc'],
  ];
  const c = conds.map(([cond], i) => `(${cond}) AS c${i}`).join(',\n  ');
  const g = conds.map(([cond, gap], i) =>
    `CASE WHEN (${cond}) THEN 0 WHEN NOT (${cond}) THEN (${gap})::DOUBLE END AS g${i}`).join(',\n  ');
  const std = `c0 AND ((c1 AND c2 AND c3) OR (c4 AND c5)) AS s1, c6 AND c7 AND c8 AS s2,
    c9 AND c10 AND c11 AS s3, c12 AND c13 AS s4, c14 AND sa AND pr AND (ph OR ta) AS s5`;
  return { sql: `SELECT uscc, sa, pr, ph, ta, ${c},\n  ${g} FROM (${base})`, std, n: conds.length };
}

function countSql(table, n) {
  const v = (x) => `count(*) FILTER (WHERE ${x}), count(*) FILTER (WHERE NOT (${x})),
    count(*) FILTER (WHERE (${x}) IS NULL)`;
  const stds = ['s1', 's2', 's3', 's4', 's5'].map(v).join(', ');
  const gaps = [...Array(n).keys()].map((i) => `sum(g${i})`).join(', ');
  return `SELECT count(*), ${v('s1 OR s2 OR s3 OR s4 OR s5')}, ${stds}, ${gaps} FROM ${table}`;
}

async function timed(con, sql) {
  const t0 = process.hrtime.bigint();
  const r = await con.runAndReadAll(sql);
  return [Number(process.hrtime.bigint() - t0) / 1e9, r.getRows()];
}

function report(row, n) {
  const num = (x) => Number(x);
  const counts = (i) => ({ pass: num(row[i]), fail: num(row[i + 1]), unknown: num(row[i + 2]) });
  const standards = {};
  ['star.1', 'star.2', 'star.3', 'star.4', 'star.5'].forEach((id, k) => {
    standards[id] = counts(4 + 3 * k);
  });
  const gaps = [];
  for (let i = 0; i < n; i++) gaps.push(num(row[19 + i]));
  return { firms: num(row[0]), board: counts(1), standards, gap_sums: gaps };
}

async function star(path, threads, year) {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await db.connect();
  const q = starSelect('firms', year);
  const [load] = await timed(con, `CREATE TABLE firms AS SELECT * FROM ${readCsv(path, year)}`);
  const [compute] = await timed(con,
    `CREATE TABLE star AS SELECT *, ${q.std} FROM (${q.sql})`);
  const [, rows] = await timed(con, countSql('star', q.n));
  const [countsOnly] = await timed(con,
    `SELECT count(*) FILTER (WHERE s1 OR s2 OR s3 OR s4 OR s5) FROM (SELECT ${q.std} FROM (${q.sql}))`);
  const e2e = starSelect(readCsv(path, year), year);
  const [endToEnd] = await timed(con, countSql(`(SELECT ${e2e.std}, * FROM (${e2e.sql}))`, e2e.n));
  const out = { system: 'duckdb', threads, load_s: load, compute_s: compute,
    firms_per_s: 0, counts_only_s: countsOnly, end_to_end_s: endToEnd, ...report(rows[0], q.n) };
  out.firms_per_s = out.firms / compute;
  console.log(JSON.stringify(out));
}

async function ingest(path, threads, year) {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await db.connect();
  const [load, rows] = await timed(con,
    `CREATE TABLE firms AS SELECT * FROM ${readCsv(path, year)}; SELECT count(*) FROM firms`);
  const n = rows.length ? Number(rows[0][0]) : 0;
  console.log(JSON.stringify({ system: 'duckdb', threads, firms: n, seconds: load,
    firms_per_s: n / load }));
}

async function main() {
  const [mode, path, threadsArg, yearArg] = process.argv.slice(2);
  const threads = Number(threadsArg || 2);
  const year = Number(yearArg || 2024);
  if (mode === 'star') await star(path, threads, year);
  else if (mode === 'ingest') await ingest(path, threads, year);
  else {
    console.error('usage: node star_duckdb.js star|ingest WIDE.csv [THREADS] [YEAR]');
    process.exit(2);
  }
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
