// SQLite's side of bench/run.sh: the same STAR verdicts and gaps as star_duckdb.js, through the
// sqlite3 command-line shell (money held as integer 分, so comparisons are exact).
// Usage: node star_sqlite.js WIDE.csv DBFILE [YEAR]
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');

const YEAR_COLS = [
  ['revenue', 3], ['net_profit', 2], ['net_profit_deducted', 2], ['rd_expense', 3],
  ['operating_cash_flow', 3],
];

function moneyCols(year) {
  const cols = ['market_cap'];
  for (const [name, n] of YEAR_COLS) for (let k = 0; k < n; k++) cols.push(`${name}_${year - k}`);
  return cols;
}

const BOOLS = ['state_approval', 'phased_results', 'pharma_phase2', 'tech_advantage'];

// Raw text import, then the typed table: empty cells become NULL, money becomes 分.
function loadSql(csv, year) {
  const money = moneyCols(year);
  const conv = [
    'uscc',
    ...money.map((c) => `CAST(round(CAST(NULLIF(${c}, '') AS REAL) * 100) AS INTEGER) AS ${c}`),
    ...BOOLS.map((c) => `(${c} = 'true') AS ${c}`),
  ].join(', ');
  return `.import --csv ${csv} raw
CREATE TABLE firms AS SELECT ${conv} FROM raw;
DROP TABLE raw;`;
}

function starSql(year) {
  const y0 = year, y1 = year - 1, y2 = year - 2;
  const prof = (y) => `min(net_profit_${y}, net_profit_deducted_${y})`; /* NULL if either is */
  /* with one of the two missing, the known one is an upper bound (rules/prelude.tidu) */
  const upper = (y) => `coalesce(min(net_profit_${y}, net_profit_deducted_${y}), net_profit_${y},
    net_profit_deducted_${y})`;
  const base = `SELECT uscc, market_cap AS mc, ${prof(y0)} AS p0, ${prof(y1)} AS p1,
    ${upper(y0)} AS u0, ${upper(y1)} AS u1,
    revenue_${y0} AS r0, revenue_${y0} + revenue_${y1} + revenue_${y2} AS rs,
    rd_expense_${y0} + rd_expense_${y1} + rd_expense_${y2} AS ds,
    operating_cash_flow_${y0} + operating_cash_flow_${y1} + operating_cash_flow_${y2} AS ocf,
    state_approval AS sa, phased_results AS pr, pharma_phase2 AS ph, tech_advantage AS ta
    FROM firms`;
  // thresholds in 分; gaps are reported in 元 (divided by 100), the ratio gap as a fraction
  const pos = (k) => `CASE WHEN p${k} IS NOT NULL THEN p${k} > 0 WHEN u${k} <= 0 THEN 0 END`;
  const sum2 = `CASE WHEN p0 IS NOT NULL AND p1 IS NOT NULL THEN p0 + p1 >= 5000000000
    WHEN u0 + u1 < 5000000000 THEN 0 END`;
  const conds = [
    ['mc >= 100000000000', '100000000000 - mc'], [pos(0), '0 - coalesce(p0, u0)'],
    [pos(1), '0 - coalesce(p1, u1)'], [sum2, '5000000000 - coalesce(p0 + p1, u0 + u1)'],
    [pos(0), '0 - coalesce(p0, u0)'],
    ['r0 >= 10000000000', '10000000000 - r0'],
    ['mc >= 150000000000', '150000000000 - mc'], ['r0 >= 20000000000', '20000000000 - r0'],
    ['CASE WHEN rs > 0 THEN ds * 100 >= rs * 15 WHEN rs < 0 THEN ds * 100 <= rs * 15 END',
      '(0.15 - CAST(ds AS REAL) / rs) * 100'],
    ['mc >= 200000000000', '200000000000 - mc'], ['r0 >= 30000000000', '30000000000 - r0'],
    ['ocf >= 10000000000', '10000000000 - ocf'],
    ['mc >= 300000000000', '300000000000 - mc'], ['r0 >= 30000000000', '30000000000 - r0'],
    ['mc >= 400000000000', '400000000000 - mc'],
  ];
  const c = conds.map(([cond], i) => `(${cond}) AS c${i}`).join(', ');
  const g = conds.map(([cond, gap], i) =>
    `CASE WHEN (${cond}) THEN 0 WHEN NOT (${cond}) THEN (${gap}) / 100.0 END AS g${i}`).join(', ');
  const inner = `SELECT uscc, sa, pr, ph, ta, ${c}, ${g} FROM (${base})`;
  const std = `c0 AND ((c1 AND c2 AND c3) OR (c4 AND c5)) AS s1, c6 AND c7 AND c8 AS s2,
    c9 AND c10 AND c11 AS s3, c12 AND c13 AS s4, c14 AND sa AND pr AND (ph OR ta) AS s5`;
  const v = (x) => `count(*) FILTER (WHERE ${x}), count(*) FILTER (WHERE NOT (${x})),
    count(*) FILTER (WHERE (${x}) IS NULL)`;
  const stds = ['s1', 's2', 's3', 's4', 's5'].map(v).join(', ');
  const sums = conds.map((_, i) => `total(g${i})`).join(', ');
  const agg = (from) => `SELECT count(*), ${v('s1 OR s2 OR s3 OR s4 OR s5')}, ${stds}, ${sums}
    FROM ${from};`;
  return {
    aggregate: agg(`(SELECT *, ${std} FROM (${inner}))`),
    compute: `CREATE TABLE star AS SELECT *, ${std} FROM (${inner});`,
    count: agg('star'),
    n: conds.length,
  };
}

// Runs a script with `.timer on` and returns [seconds of each statement, output lines].
function run(db, script) {
  const out = execFileSync('sqlite3', ['-batch', '-csv', db], {
    input: `.timer on\n${script}\n`, maxBuffer: 64 << 20,
  }).toString();
  const times = [];
  const rows = [];
  for (const line of out.split('\n')) {
    const m = line.match(/^Run Time: real ([0-9.]+)/);
    if (m) times.push(Number(m[1]));
    else if (line.trim()) rows.push(line.split(','));
  }
  return [times, rows];
}

function main() {
  const [csv, db, yearArg] = process.argv.slice(2);
  if (!csv || !db) {
    console.error('usage: node star_sqlite.js WIDE.csv DBFILE [YEAR]');
    process.exit(2);
  }
  const year = Number(yearArg || 2024);
  for (const f of [db, `${db}-wal`, `${db}-journal`]) if (fs.existsSync(f)) fs.unlinkSync(f);
  const t0 = process.hrtime.bigint();
  run(db, `PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;\n${loadSql(csv, year)}`);
  const load = Number(process.hrtime.bigint() - t0) / 1e9;
  const q = starSql(year);
  const line = (variant, compute, rows) => {
    const row = rows[0].map(Number);
    const counts = (i) => ({ pass: row[i], fail: row[i + 1], unknown: row[i + 2] });
    const standards = {};
    ['star.1', 'star.2', 'star.3', 'star.4', 'star.5'].forEach((id, k) => {
      standards[id] = counts(4 + 3 * k);
    });
    console.log(JSON.stringify({
      system: 'sqlite', variant, columns: 'integer', threads: 1, load_s: load, compute_s: compute,
      firms_per_s: row[0] / compute, firms: row[0], board: counts(1), standards,
      gap_sums: row.slice(19, 19 + q.n),
    }));
  };
  // counts and gap sums aggregated straight from the loaded table (the like-for-like line)
  const [ta, ra] = run(db, q.aggregate);
  line('aggregate_integer', ta[ta.length - 1], ra);
  // the same written into a table first (separately labelled)
  const [t1] = run(db, `PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;\n${q.compute}`);
  const [, rows] = run(db, q.count);
  line('materialise_integer', t1[t1.length - 1], rows);
  fs.unlinkSync(db);
}

main();
