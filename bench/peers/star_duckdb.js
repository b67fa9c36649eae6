// DuckDB's side of bench/run.sh: STAR verdict counts and the 15 per-condition gap sums
// aggregated straight from a loaded table (BIGINT 分 columns and DECIMAL(18,2) columns), the
// same from the CSV, a materialising variant (a separately labelled line), and CSV ingestion.
// Each result is one JSON line with its timings.
// Usage: node star_duckdb.js star WIDE.csv [THREADS] [YEAR] | ingest WIDE.csv [THREADS] [YEAR]
'use strict';
const { DuckDBInstance } = require('@duckdb/node-api');

const MONEY = 'DECIMAL(18,2)';
const YEAR_COLS = [
  ['revenue', 3], ['net_profit', 2], ['net_profit_deducted', 2], ['rd_expense', 3],
  ['operating_cash_flow', 3],
];
const BOOLS = ['state_approval', 'phased_results', 'pharma_phase2', 'tech_advantage'];
const REPEAT = 3; /* each query is run this many times; the best time is kept (as for tidu) */

function moneyCols(year) {
  const cols = ['market_cap'];
  for (const [name, n] of YEAR_COLS) for (let k = 0; k < n; k++) cols.push(`${name}_${year - k}`);
  return cols;
}

function readCsv(path, year) {
  const cols = { uscc: 'VARCHAR', market_cap: MONEY };
  for (const b of BOOLS) cols[b] = 'BOOLEAN';
  for (const c of moneyCols(year).slice(1)) cols[c] = MONEY;
  const spec = Object.entries(cols).map(([k, v]) => `'${k}': '${v}'`).join(', ');
  return `read_csv('${path}', header = true, auto_detect = false, columns = {${spec}})`;
}

// The STAR conditions in the order of rules/boards/star.tidu: [condition, gap when failing,
// money?]. Amounts are in 元 in the DECIMAL table and in 分 in the BIGINT table (unit = 100),
// so thresholds are scaled; money gaps are summed exactly and reported in 元, the ratio gap is a
// DOUBLE fraction. Missing figures are NULL, so SQL's three-valued AND / OR decide exactly as
// tidu does (unknown stays unknown). Profit is the lower of net profit and the deducted net
// profit; with one of them missing the known one is still an upper bound (u0, u1), which
// decides "profit > 0" and "profit sum >= 5000万" as failed when even the bound misses, and
// the gap is then measured from the bound (rules/prelude.tidu, `let profit`).
function starQuery(src, year, unit) {
  const y0 = year, y1 = year - 1, y2 = year - 2;
  const m = (yuan) => String(BigInt(yuan) * BigInt(unit));
  const prof = (y) => `CASE WHEN net_profit_${y} IS NULL OR net_profit_deducted_${y} IS NULL
    THEN NULL ELSE least(net_profit_${y}, net_profit_deducted_${y}) END`;
  const upper = (y) => `CASE WHEN net_profit_${y} IS NULL THEN net_profit_deducted_${y}
    WHEN net_profit_deducted_${y} IS NULL THEN net_profit_${y}
    ELSE least(net_profit_${y}, net_profit_deducted_${y}) END`;
  const base = `SELECT market_cap AS mc, ${prof(y0)} AS p0, ${prof(y1)} AS p1,
    ${upper(y0)} AS u0, ${upper(y1)} AS u1,
    revenue_${y0} AS r0, revenue_${y0} + revenue_${y1} + revenue_${y2} AS rs,
    rd_expense_${y0} + rd_expense_${y1} + rd_expense_${y2} AS ds,
    operating_cash_flow_${y0} + operating_cash_flow_${y1} + operating_cash_flow_${y2} AS ocf,
    coalesce(state_approval, false) AS sa, coalesce(phased_results, false) AS pr,
    coalesce(pharma_phase2, false) AS ph, coalesce(tech_advantage, false) AS ta FROM ${src}`;
  const pos = (k) => `CASE WHEN p${k} IS NOT NULL THEN p${k} > 0 WHEN u${k} <= 0 THEN false END`;
  const sum2 = `CASE WHEN p0 IS NOT NULL AND p1 IS NOT NULL THEN p0 + p1 >= ${m(50000000)}
    WHEN u0 + u1 < ${m(50000000)} THEN false END`;
  const conds = [
    [`mc >= ${m(1000000000)}`, `${m(1000000000)} - mc`, 1], [pos(0), '0 - coalesce(p0, u0)', 1],
    [pos(1), '0 - coalesce(p1, u1)', 1], [sum2, `${m(50000000)} - coalesce(p0 + p1, u0 + u1)`, 1],
    [pos(0), '0 - coalesce(p0, u0)', 1], [`r0 >= ${m(100000000)}`, `${m(100000000)} - r0`, 1],
    [`mc >= ${m(1500000000)}`, `${m(1500000000)} - mc`, 1],
    [`r0 >= ${m(200000000)}`, `${m(200000000)} - r0`, 1],
    ['CASE WHEN rs > 0 THEN ds * 100 >= rs * 15 WHEN rs < 0 THEN ds * 100 <= rs * 15 END',
      '0.15 - ds::DOUBLE / rs::DOUBLE', 0],
    [`mc >= ${m(2000000000)}`, `${m(2000000000)} - mc`, 1],
    [`r0 >= ${m(300000000)}`, `${m(300000000)} - r0`, 1],
    [`ocf >= ${m(100000000)}`, `${m(100000000)} - ocf`, 1],
    [`mc >= ${m(3000000000)}`, `${m(3000000000)} - mc`, 1],
    [`r0 >= ${m(300000000)}`, `${m(300000000)} - r0`, 1],
    [`mc >= ${m(4000000000)}`, `${m(4000000000)} - mc`, 1],
  ];
  const c = conds.map(([cond], i) => `(${cond}) AS c${i}`).join(',\n  ');
  const g = conds.map(([cond, gap], i) =>
    `CASE WHEN (${cond}) THEN 0 WHEN NOT (${cond}) THEN (${gap}) END AS g${i}`).join(',\n  ');
  const inner = `SELECT sa, pr, ph, ta, ${c},\n  ${g} FROM (${base})`;
  const std = `c0 AND ((c1 AND c2 AND c3) OR (c4 AND c5)) AS s1, c6 AND c7 AND c8 AS s2,
    c9 AND c10 AND c11 AS s3, c12 AND c13 AS s4, c14 AND sa AND pr AND (ph OR ta) AS s5`;
  const v = (x) => `count(*) FILTER (WHERE ${x}), count(*) FILTER (WHERE NOT (${x})),
    count(*) FILTER (WHERE (${x}) IS NULL)`;
  const stds = ['s1', 's2', 's3', 's4', 's5'].map(v).join(', ');
  const sums = conds.map(([, , money], i) =>
    money ? `(sum(g${i}) / ${unit})::DOUBLE` : `sum(g${i})`).join(', ');
  const agg = (from) => `SELECT count(*), ${v('s1 OR s2 OR s3 OR s4 OR s5')}, ${stds}, ${sums}
    FROM ${from}`;
  return {
    aggregate: agg(`(SELECT *, ${std} FROM (${inner}))`),
    materialise: `CREATE OR REPLACE TABLE star AS SELECT *, ${std} FROM (${inner})`,
    aggregateMaterialised: agg('star'),
    n: conds.length,
  };
}

async function timed(con, sql) {
  const t0 = process.hrtime.bigint();
  const r = await con.runAndReadAll(sql);
  return [Number(process.hrtime.bigint() - t0) / 1e9, r.getRows()];
}

async function best(con, sql) {
  let t = Infinity, rows = null;
  for (let i = 0; i < REPEAT; i++) {
    const [s, r] = await timed(con, sql);
    if (s < t) t = s;
    rows = r;
  }
  return [t, rows];
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
  const [loadDec] = await timed(con,
    `CREATE TABLE firms_dec AS SELECT * FROM ${readCsv(path, year)}`);
  const toCents = moneyCols(year).map((c) => `CAST(${c} * 100 AS BIGINT) AS ${c}`).join(', ');
  const [loadBig] = await timed(con, `CREATE TABLE firms_big AS SELECT uscc, ${BOOLS.join(', ')},
    ${toCents} FROM firms_dec`);
  const base = { system: 'duckdb', threads };
  for (const [label, table, unit, load] of [['bigint', 'firms_big', 100, loadDec + loadBig],
    ['decimal', 'firms_dec', 1, loadDec]]) {
    const q = starQuery(table, year, unit);
    const [s, rows] = await best(con, q.aggregate);
    console.log(JSON.stringify({ ...base, variant: `aggregate_${label}`, columns: label,
      load_s: load, compute_s: s, firms_per_s: Number(rows[0][0]) / s,
      ...report(rows[0], q.n) }));
  }
  {
    const q = starQuery('firms_dec', year, 1);
    const [m] = await best(con, q.materialise);
    const [, rows] = await timed(con, q.aggregateMaterialised);
    console.log(JSON.stringify({ ...base, variant: 'materialise_decimal', columns: 'decimal',
      load_s: loadDec, compute_s: m, firms_per_s: Number(rows[0][0]) / m,
      ...report(rows[0], q.n) }));
  }
  {
    const q = starQuery(readCsv(path, year), year, 1);
    const [s, rows] = await best(con, q.aggregate);
    console.log(JSON.stringify({ ...base, variant: 'from_csv_decimal', columns: 'decimal',
      load_s: 0, compute_s: s, end_to_end_s: s, firms_per_s: Number(rows[0][0]) / s,
      ...report(rows[0], q.n) }));
  }
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
