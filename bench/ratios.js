// Reads the JSON lines of one bench/run.sh run on stdin and prints the ratios between systems,
// and whether every system computed the same STAR verdicts and gaps.
'use strict';
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.trim());
const rows = lines.map((l) => JSON.parse(l));
const find = (bench, system) => rows.find((r) => r.bench === bench && r.system === system);
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const out = [];
const bw = rows.find((r) => r.bench === 'membw');
if (bw) out.push(`Memory read bandwidth, one thread: ${fmt(bw.read_gb_per_s)} GB/s`);

const tl = find('star_loaded', 'tidu');
const tc = find('star_from_csv', 'tidu');
const peer = (system, variant) =>
  rows.find((r) => r.bench === 'star' && r.system === system && r.variant === variant);
const duckBig = peer('duckdb', 'aggregate_bigint');
const duckDec = peer('duckdb', 'aggregate_decimal');
const duckMat = peer('duckdb', 'materialise_decimal');
const duckCsv = peer('duckdb', 'from_csv_decimal');
const lite = peer('sqlite', 'aggregate_integer');
const liteMat = peer('sqlite', 'materialise_integer');
if (tl) out.push(`STAR, counts per standard and all 15 gap sums, loaded form: tidu ${fmt(tl.firms_per_s)} firms/s (${fmt(tl.compute_s)} s)`);
const label = {
  aggregate_bigint: 'aggregate from the loaded table, BIGINT 分',
  aggregate_decimal: 'aggregate from the loaded table, DECIMAL(18,2)',
  aggregate_integer: 'aggregate from the loaded table, INTEGER 分',
  materialise_decimal: 'CREATE TABLE AS (materialising), DECIMAL(18,2)',
  materialise_integer: 'CREATE TABLE AS (materialising), INTEGER 分',
};
for (const p of [duckBig, duckDec, lite, duckMat, liteMat].filter(Boolean)) {
  out.push(`  ${p.system} ${label[p.variant]}: ${fmt(p.firms_per_s)} firms/s (${fmt(p.compute_s)} s)` +
    (tl ? `; tidu/${p.system} = ${fmt(tl.firms_per_s / p.firms_per_s)}x` : ''));
}
if (tl && duckBig) {
  const r = tl.firms_per_s / duckBig.firms_per_s;
  out.push(`  target tidu >= 2x DuckDB's aggregate (BIGINT): ${fmt(r)}x, ${r >= 2 ? 'met' : 'NOT met'}`);
}
if (tc) {
  out.push(`STAR from the CSV, end to end: tidu ${fmt(tc.compute_s + tc.load_s)} s`);
  if (duckCsv) out.push(`  duckdb counts and gap sums straight from read_csv ${fmt(duckCsv.end_to_end_s)} s; speed tidu/duckdb = ${fmt(duckCsv.end_to_end_s / (tc.compute_s + tc.load_s))}x`);
  if (lite) out.push(`  sqlite load+aggregate ${fmt(lite.load_s + lite.compute_s)} s; speed tidu/sqlite = ${fmt((lite.load_s + lite.compute_s) / (tc.compute_s + tc.load_s))}x`);
}

// same verdicts and gaps?
if (tl) {
  const tgaps = tl.gaps.map((g) => g.gap_sum);
  for (const p of [duckBig, duckDec, duckMat, duckCsv, lite, liteMat].filter(Boolean)) {
    let same = JSON.stringify(p.board) === JSON.stringify(tl.board);
    for (const id of Object.keys(p.standards))
      same = same && JSON.stringify(p.standards[id]) === JSON.stringify(tl.standards[id]);
    let worst = 0;
    p.gap_sums.forEach((g, i) => {
      const t = tgaps[i];
      const rel = Math.abs(g - t) / Math.max(1, Math.abs(g));
      if (!(rel <= worst)) worst = rel;
    });
    out.push(`  ${p.system} ${p.variant}: verdicts ${same ? 'equal' : 'DIFFER'}; ${p.gap_sums.length} gap sums, largest relative difference ${worst.toExponential(1)}`);
  }
}

const ti = find('ingest', 'tidu');
const di = find('ingest', 'duckdb');
if (ti) out.push(`CSV ingestion: tidu ${fmt(ti.firms_per_s)} firms/s (${fmt(ti.seconds)} s)` +
  (di ? `; duckdb read_csv ${fmt(di.firms_per_s)} firms/s (${fmt(di.seconds)} s); tidu/duckdb = ${fmt(ti.firms_per_s / di.firms_per_s)}x` : ''));
const data = rows.find((r) => r.data);
for (const b of ['all_rules', 'all_rules_big']) {
  for (const a of rows.filter((r) => r.bench === b && r.system === 'tidu')) {
    const bytes = b === 'all_rules' && data ? data.data.pack_bytes : a.pack_bytes;
    const cols = a.columns === 'all' ? 'every result column' : 'verdicts only (as --summary)';
    out.push(`All ${a.rulesets} rule sets over ${a.firms} firms, ${cols}, ${a.threads} thread${a.threads > 1 ? 's' : ''}: ` +
      `${fmt(a.seconds)} s wall, ${a.cpu_s !== undefined ? fmt(a.cpu_s) + ' s CPU, ' : ''}${fmt(a.firms_per_s)} firms/s, peak RSS ${fmt(a.peak_rss_kb / 1024)} MB` +
      (bytes ? `, pack ${fmt(bytes / a.firms)} bytes/firm` : '') +
      (b === 'all_rules_big' && a.firms >= 1e7 ? ` (target < 10 s: ${a.seconds < 10 ? 'met' : 'NOT met'})` : ''));
  }
}
const loads = rows.filter((r) => r.bench === 'load');
if (loads.length) out.push(`Machine load (1, 5, 15 min) on ${loads[0].cores} cores: ` + loads.map((l) => `${l.when} ${l.date} ${l.uptime}`).join('; '));
const w = find('whatif', 'tidu');
if (w) out.push(`What-if main 2023->2024 over ${w.firms} firms: ${fmt(w.seconds)} s once loaded, ${w.flips} flips`);
const ap = find('assess_per_firm', 'tidu');
if (ap) out.push(`tidu assess (per-firm NDJSON) over ${ap.firms} firms from CSV: ${fmt(ap.firms / ap.seconds)} firms/s, peak RSS ${fmt(ap.peak_rss_kb / 1024)} MB, ${fmt(ap.output_bytes / ap.firms)} bytes of JSON per firm`);
const as = find('assess_summary_pack', 'tidu');
if (as) out.push(`tidu assess --summary from the pack: ${fmt(as.firms / as.seconds)} firms/s, peak RSS ${fmt(as.peak_rss_kb / 1024)} MB`);
console.log(out.join('\n'));
