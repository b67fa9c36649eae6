#!/usr/bin/env python3
"""Developer cross-check: an independent re-implementation of the listing standards, star_tech,
chinext_growth, above_scale and innovative_sme straight from the reference tables, compared with
`tidu assess --format json` on the same firms. Usage:
    tools/crosscheck.py TIDU_BIN FIRMS.ndjson AS_OF [MAX_REPORTS]
Exact arithmetic with Fractions; three-valued logic (True / False / None = unknown)."""
import json, subprocess, sys
from decimal import Decimal
from fractions import Fraction as F

W, Y = F(10**4), F(10**8)

def num(v, pct=False):
    if v is None: return None
    if isinstance(v, (int, Decimal)): return F(v)
    if isinstance(v, float): return F(str(v))
    s = str(v).strip().replace(',', '')
    if s in ('', '-', '—'): return None
    mul = F(1)
    if s.endswith('元'): s = s[:-1]
    if s.endswith('亿'): s, mul = s[:-1], Y
    elif s.endswith('万'): s, mul = s[:-1], W
    elif s.endswith('%'): s, mul = s[:-1], F(1, 100)
    return F(Decimal(s)) * mul

def AND(*xs):
    if any(x is False for x in xs): return False
    if any(x is None for x in xs): return None
    return True

def OR(*xs):
    if any(x is True for x in xs): return True
    if any(x is None for x in xs): return None
    return False

class Iv:
    """A figure known only within bounds (None = no bound on that side); exact when lo == hi."""
    def __init__(self, lo, hi): self.lo, self.hi = lo, hi

def iv(x): return x if isinstance(x, Iv) else Iv(x, x)

def cmpv(a, op, b): return {'>=': a >= b, '>': a > b, '<=': a <= b, '<': a < b}[op]

def cmp(a, op, b):
    if isinstance(a, Iv) or isinstance(b, Iv):
        a, b = iv(a), iv(b)
        up = op in ('>=', '>')
        # must pass: the low side of a against the high side of b (mirrored for <=, <)
        x, t = (a.lo, b.hi) if up else (a.hi, b.lo)
        if x is not None and t is not None and cmpv(x, op, t): return True
        x, t = (a.hi, b.lo) if up else (a.lo, b.hi)
        if x is not None and t is not None and not cmpv(x, op, t): return False
        return None
    if a is None or b is None: return None
    return cmpv(a, op, b)

class Firm:
    def __init__(self, o, year=None):
        self.o = o
        ys = {int(k): v for k, v in (o.get('years') or {}).items()}
        self.ys = ys
        self.y0 = year or (max(ys) if ys else 0)
    def f(self, name): return num(self.o.get(name))
    def y(self, name, k):
        d = self.ys.get(self.y0 - k)
        return None if d is None else num(d.get(name))
    def decl(self, name): return self.o.get(name)
    def tags(self, name):
        v = self.o.get(name) or ''
        if isinstance(v, list): return set(v)
        return set(t.strip() for t in str(v).replace('；', ';').split(';') if t.strip())
    def b(self, name):
        v = self.o.get(name)
        return v is True or v in ('true', '1', 1, '是', 'yes')

def profit(fm, k):
    """净利润 扣非前后孰低: both parts known -> their minimum; else the declared 孰低 figure; else
    a known part is an upper bound."""
    a, b, low = fm.y('net_profit', k), fm.y('net_profit_deducted', k), fm.y('net_profit_lower', k)
    if a is not None and b is not None: return min(a, b)
    if low is not None: return low
    known = [v for v in (a, b) if v is not None]
    return Iv(None, min(known) if known else None)

def series_sum(vals):
    if any(isinstance(v, Iv) for v in vals):
        ivs = [iv(v) for v in vals]
        lo = None if any(v.lo is None for v in ivs) else sum(v.lo for v in ivs)
        hi = None if any(v.hi is None for v in ivs) else sum(v.hi for v in ivs)
        return Iv(lo, hi)
    return None if any(v is None for v in vals) else sum(vals)

def ssum(fm, name, n): return series_sum([fm.y(name, k) for k in range(n)])
def psum(fm, n): return series_sum([profit(fm, k) for k in range(n)])
def each_profit(fm, n, op, t): return AND(*[cmp(profit(fm, k), op, t) for k in range(n)])
def ratio(fm, a, b, n):
    x, y = ssum(fm, a, n), ssum(fm, b, n)
    if x is None or y is None or y == 0: return None
    return x / y
def rd_ratio_3y(fm):  # computed 3-year cumulative R&D ratio, else the declared one
    r = ratio(fm, 'rd_expense', 'revenue', 3)
    return r if r is not None else fm.y('rd_ratio_3y', 0)
def rd_expense_3y(fm):
    r = ssum(fm, 'rd_expense', 3)
    return r if r is not None else fm.y('rd_expense_3y', 0)

# industry codes too coarse to choose a row: a proper prefix of a listed code, matching none
def coarse(ind, pats):
    return not any(ind.startswith(p) for p in pats) and any(p.startswith(ind) and p != ind for p in pats)

def growth(fm, name, k=0):
    a, b = fm.y(name, k), fm.y(name, k + 1)
    if a is None or b is None or b <= 0: return None
    return a / b - 1
def cagr_ge(fm, name, t):  # (x0/x2)^(1/2) - 1 >= t  <=>  x0/x2 >= (1+t)^2
    a, c = fm.y(name, 0), fm.y(name, 2)
    if a is None or c is None or c <= 0 or a < 0: return None
    return a / c >= (1 + t) ** 2

# ---- boards ----
def main_std(fm, v2024):
    mc, p0, r0 = fm.f('market_cap'), profit(fm, 0), fm.y('revenue', 0)
    if v2024:
        s1 = AND(each_profit(fm, 3, '>', 0), cmp(psum(fm, 3), '>=', 2 * Y), cmp(p0, '>=', 1 * Y),
                 OR(cmp(ssum(fm, 'operating_cash_flow', 3), '>=', 2 * Y), cmp(ssum(fm, 'revenue', 3), '>=', 15 * Y)))
        s2 = AND(cmp(mc, '>=', 50 * Y), cmp(p0, '>', 0), cmp(r0, '>=', 6 * Y), cmp(ssum(fm, 'operating_cash_flow', 3), '>=', F(25, 10) * Y))
        s3 = AND(cmp(mc, '>=', 100 * Y), cmp(p0, '>', 0), cmp(r0, '>=', 10 * Y))
    else:
        s1 = AND(each_profit(fm, 3, '>', 0), cmp(psum(fm, 3), '>=', F(15, 10) * Y), cmp(p0, '>=', 6000 * W),
                 OR(cmp(ssum(fm, 'operating_cash_flow', 3), '>=', 1 * Y), cmp(ssum(fm, 'revenue', 3), '>=', 10 * Y)))
        s2 = AND(cmp(mc, '>=', 50 * Y), cmp(p0, '>', 0), cmp(r0, '>=', 6 * Y), cmp(ssum(fm, 'operating_cash_flow', 3), '>=', F(15, 10) * Y))
        s3 = AND(cmp(mc, '>=', 80 * Y), cmp(p0, '>', 0), cmp(r0, '>=', 8 * Y))
    return {'main.1': s1, 'main.2': s2, 'main.3': s3}

def chinext_std(fm, v2024):
    mc, p0, r0 = fm.f('market_cap'), profit(fm, 0), fm.y('revenue', 0)
    if v2024:
        s1 = AND(each_profit(fm, 2, '>', 0), cmp(psum(fm, 2), '>=', 1 * Y), cmp(p0, '>=', 6000 * W))
        s2 = AND(cmp(mc, '>=', 15 * Y), cmp(p0, '>', 0), cmp(r0, '>=', 4 * Y))
    else:
        s1 = AND(each_profit(fm, 2, '>', 0), cmp(psum(fm, 2), '>=', 5000 * W))
        s2 = AND(cmp(mc, '>=', 10 * Y), cmp(p0, '>', 0), cmp(r0, '>=', 1 * Y))
    s3 = AND(cmp(mc, '>=', 50 * Y), cmp(r0, '>=', 3 * Y))
    return {'chinext.1': s1, 'chinext.2': s2, 'chinext.3': s3}

def star_std(fm):
    mc, p0, r0 = fm.f('market_cap'), profit(fm, 0), fm.y('revenue', 0)
    s1 = AND(cmp(mc, '>=', 10 * Y), OR(AND(each_profit(fm, 2, '>', 0), cmp(psum(fm, 2), '>=', 5000 * W)),
                                       AND(cmp(p0, '>', 0), cmp(r0, '>=', 1 * Y))))
    s2 = AND(cmp(mc, '>=', 15 * Y), cmp(r0, '>=', 2 * Y), cmp(rd_ratio_3y(fm), '>=', F(15, 100)))
    s3 = AND(cmp(mc, '>=', 20 * Y), cmp(r0, '>=', 3 * Y), cmp(ssum(fm, 'operating_cash_flow', 3), '>=', 1 * Y))
    s4 = AND(cmp(mc, '>=', 30 * Y), cmp(r0, '>=', 3 * Y))
    s5 = AND(cmp(mc, '>=', 40 * Y), fm.b('state_approval'), fm.b('phased_results'),
             fm.b('pharma_phase2') or fm.b('tech_advantage'))
    return {'star.1': s1, 'star.2': s2, 'star.3': s3, 'star.4': s4, 'star.5': s5}

def bse_std(fm):
    mc, p0, p1, r0 = fm.f('market_cap'), profit(fm, 0), profit(fm, 1), fm.y('revenue', 0)
    roe0, roe1 = fm.y('roe_weighted', 0), fm.y('roe_weighted', 1)
    roe_avg = None if roe0 is None or roe1 is None else (roe0 + roe1) / 2
    s1 = AND(cmp(mc, '>=', 2 * Y), OR(AND(cmp(p0, '>=', 1500 * W), cmp(p1, '>=', 1500 * W), cmp(roe_avg, '>=', F(8, 100))),
                                      AND(cmp(p0, '>=', 2500 * W), cmp(roe0, '>=', F(8, 100)))))
    r2 = ssum(fm, 'revenue', 2)
    s2 = AND(cmp(mc, '>=', 4 * Y), cmp(None if r2 is None else r2 / 2, '>=', 1 * Y), cmp(growth(fm, 'revenue'), '>=', F(30, 100)),
             cmp(fm.y('operating_cash_flow', 0), '>', 0))
    s3 = AND(cmp(mc, '>=', 8 * Y), cmp(r0, '>=', 2 * Y), cmp(ratio(fm, 'rd_expense', 'revenue', 2), '>=', F(8, 100)))
    s4 = AND(cmp(mc, '>=', 15 * Y), cmp(ssum(fm, 'rd_expense', 2), '>=', 5000 * W))
    return {'bse.1': s1, 'bse.2': s2, 'bse.3': s3, 'bse.4': s4}

def neeq_std(fm):
    p0, r0 = profit(fm, 0), fm.y('revenue', 0)
    r2 = ssum(fm, 'revenue', 2)
    ravg = None if r2 is None else r2 / 2
    s1 = OR(AND(each_profit(fm, 2, '>', 0), cmp(psum(fm, 2), '>=', 800 * W)), cmp(p0, '>=', 600 * W))
    s2 = OR(AND(cmp(ravg, '>=', 3000 * W), cmp(growth(fm, 'revenue'), '>=', F(20, 100))),
            AND(cmp(ravg, '>=', 5000 * W), cmp(fm.y('operating_cash_flow', 0), '>', 0), cmp(fm.y('operating_cash_flow', 1), '>', 0)))
    s3 = AND(cmp(r0, '>=', 3000 * W), cmp(ratio(fm, 'rd_expense', 'revenue', 2), '>=', F(5, 100)))
    s4 = AND(cmp(ssum(fm, 'rd_expense', 2), '>=', 1000 * W), cmp(ssum(fm, 'equity_financing', 2), '>=', 2000 * W))
    return {'neeq.1': s1, 'neeq.2': s2, 'neeq.3': s3, 'neeq.4': s4}

def star_tech(fm, v2024):
    rd3 = rd_expense_3y(fm)
    rdr = rd_ratio_3y(fm)
    st, emp = fm.y('rd_staff', 0), fm.y('employees', 0)
    staff = None if st is None or emp is None or emp == 0 else st / emp
    pat = fm.y('invention_patents_core', 0)
    software = str(fm.o.get('industry') or '').startswith('I65')
    r1 = OR(cmp(rdr, '>=', F(5, 100)), cmp(rd3, '>=', (8000 if v2024 else 6000) * W))
    r2 = cmp(staff, '>=', F(10, 100))
    r3 = cmp(rdr, '>=', F(10, 100)) if software else cmp(pat, '>=', 7 if v2024 else 5)
    # R4 is waived for applicants under STAR standard 5 and for overseas-listed red chips
    r4 = OR(cagr_ge(fm, 'revenue', F(25 if v2024 else 20, 100)), cmp(fm.y('revenue', 0), '>=', 3 * Y),
            fm.b('star_std5_applicant'), fm.b('overseas_red_chip'))
    regular = AND(r1, r2, r3, r4)
    exc = OR(fm.b('core_tech_recognized'), fm.b('national_sci_award'), fm.b('national_major_project'),
             fm.b('import_substitution'), cmp(pat, '>=', 50))
    return OR(regular, exc)

def chinext_growth(fm, v2024):
    g = F(25 if v2024 else 20, 100)
    exempt = OR(cmp(fm.y('revenue', 0), '>=', 3 * Y), fm.b('overseas_red_chip'))
    s1 = AND(cagr_ge(fm, 'rd_expense', F(15, 100)), cmp(fm.y('rd_expense', 0), '>=', 1000 * W), OR(cagr_ge(fm, 'revenue', g), exempt))
    s2 = AND(cmp(rd_expense_3y(fm), '>=', 5000 * W), OR(cagr_ge(fm, 'revenue', g), exempt))
    s3 = AND(fm.b('modern_industry'), OR(cagr_ge(fm, 'revenue', F(30, 100)), exempt))
    return OR(s1, s2, s3)

def above_scale(fm):
    ind = str(fm.o.get('industry') or '')
    mbr, rev = fm.y('main_business_revenue', 0), fm.y('revenue', 0)
    sec = ind[:1]
    div = ind[1:3]
    if coarse(ind, ('B', 'C', 'D', 'E', 'F51', 'F52', 'H', 'K7010', 'G', 'I', 'N', 'Q84', 'L', 'M', 'P',
                    'K7020', 'K7030', 'K7040', 'K7090', 'O', 'R', 'Q85')): return None
    if sec in 'BCD' and sec: return cmp(mbr, '>=', 2000 * W)
    if sec == 'E': return fm.b('construction_qualified')
    if ind.startswith('F51'): return cmp(mbr, '>=', 2000 * W)
    if ind.startswith('F52'): return cmp(mbr, '>=', 500 * W)
    if sec == 'H': return cmp(mbr, '>=', 200 * W)
    if ind.startswith('K701'): return True  # real-estate development: every such legal person
    if sec in ('G', 'I', 'N') or div == '84' and sec == 'Q': return cmp(rev, '>=', 2000 * W)
    if sec in ('L', 'M', 'P') or ind[:4] in ('K702', 'K703', 'K704', 'K709'): return cmp(rev, '>=', 1000 * W)
    if sec in ('O', 'R') or (sec == 'Q' and div == '85'): return cmp(rev, '>=', 500 * W)
    return False

def is_sme(fm):
    ind = str(fm.o.get('industry') or '')
    X, Yv = fm.y('employees', 0), fm.y('revenue', 0)
    Z = fm.y('total_assets', 0)
    def large(*c): return AND(*c)
    sec = ind[:1]
    if coarse(ind, ('A', 'B', 'C', 'D', 'E', 'F51', 'F52', 'G53', 'G54', 'G55', 'G56', 'G57', 'G58', 'G59', 'G60',
                    'H', 'I63', 'I64', 'I65', 'K7010', 'K7020', 'L')): return None
    if sec == 'A': L = cmp(Yv, '>=', 20000 * W)
    elif sec in 'BCD' and sec: L = large(cmp(X, '>=', 1000), cmp(Yv, '>=', 40000 * W))
    elif sec == 'E': L = large(cmp(Yv, '>=', 80000 * W), cmp(Z, '>=', 80000 * W))
    elif ind.startswith('F51'): L = large(cmp(X, '>=', 200), cmp(Yv, '>=', 40000 * W))
    elif ind.startswith('F52'): L = large(cmp(X, '>=', 300), cmp(Yv, '>=', 20000 * W))
    elif ind[:3] in ('G53', 'G54', 'G55', 'G56', 'G57', 'G58'): L = large(cmp(X, '>=', 1000), cmp(Yv, '>=', 30000 * W))
    elif ind.startswith('G59'): L = large(cmp(X, '>=', 200), cmp(Yv, '>=', 30000 * W))
    elif ind.startswith('G60'): L = large(cmp(X, '>=', 1000), cmp(Yv, '>=', 30000 * W))
    elif sec == 'H': L = large(cmp(X, '>=', 300), cmp(Yv, '>=', 10000 * W))
    elif ind[:3] in ('I63', 'I64'): L = large(cmp(X, '>=', 2000), cmp(Yv, '>=', 100000 * W))
    elif ind.startswith('I65'): L = large(cmp(X, '>=', 300), cmp(Yv, '>=', 10000 * W))
    elif ind.startswith('K701'): L = large(cmp(Yv, '>=', 200000 * W), cmp(Z, '>=', 10000 * W))
    elif ind.startswith('K702'): L = large(cmp(X, '>=', 1000), cmp(Yv, '>=', 5000 * W))
    elif sec == 'L': L = large(cmp(X, '>=', 300), cmp(Z, '>=', 120000 * W))
    else: L = cmp(X, '>=', 300)
    return None if L is None else (not L)

def band(v, edges):  # edges top-down [(threshold, points)...,(None, else_points)], >= ; range
    if v is None:
        ps = [p for _, p in edges]
        return (min(ps), max(ps))
    for t, p in edges[:-1]:
        if v >= t: return (p, p)
    return (edges[-1][1],) * 2

def first_match(tests, else_points):  # tests: [(verdict True/False/None, points)]
    possible = []
    for v, p in tests:
        if v is True: possible.append(p); break
        if v is None: possible.append(p)
    else:
        possible.append(else_points)
    return (min(possible), max(possible))

def range_ge(rng, t):
    lo, hi = rng
    return True if lo >= t else False if hi < t else None

def innovative_sme(fm):
    flags = fm.tags('red_flags')
    gate = AND(not flags, is_sme(fm))
    def cnt(n): return fm.y(n, 0)
    ip = first_match([(cmp(cnt('class1_ip_high_value'), '>=', 1), 20), (cmp(cnt('class1_ip_selfdev'), '>=', 1), 15),
                      (cmp(cnt('class1_ip'), '>=', 1), 10), (cmp(cnt('class2_ip'), '>=', 1), 5)], 0)
    rev, rd = fm.y('revenue', 0), fm.y('rd_expense', 0)
    rdr = None if rev is None or rd is None or rev == 0 else rd / rev
    if rdr is None: rdr = fm.y('rd_ratio_stated', 0)
    i2 = band(rdr, [(F(5, 100), 20), (F(3, 100), 15), (F(2, 100), 10), (F(1, 100), 5), (None, 0)])
    g = growth(fm, 'main_business_revenue')
    i3 = band(g, [(F(15, 100), 20), (F(10, 100), 15), (F(5, 100), 10), (F(0), 5), (None, 0)])
    ta, tl = fm.y('total_assets', 0), fm.y('total_liabilities', 0)
    dr = None if ta is None or tl is None or ta == 0 else tl / ta
    i4 = (0, 10) if dr is None else ((10, 10) if dr <= F(55, 100) else (5, 5) if dr <= F(75, 100) else (0, 0))
    i5 = (10, 10) if fm.b('in_sei_catalog') else (5, 5)
    mbr = fm.y('main_business_revenue', 0)
    share = None if mbr is None or rev is None or rev == 0 else mbr / rev
    i6 = band(share, [(F(70, 100), 20), (F(60, 100), 15), (F(55, 100), 10), (F(50, 100), 5), (None, 0)])
    items = [ip, i2, i3, i4, i5, i6]
    def tot(xs): return (sum(x[0] for x in xs), sum(x[1] for x in xs))
    total = tot(items)
    score = total[0] if total[0] == total[1] and all(x[0] == x[1] for x in items) else None
    direct = OR(str(fm.decl('st_award') or 'none') in ('national', 'provincial'),
                'high_tech' in fm.tags('titles'),
                str(fm.decl('rd_institution') or 'none') in ('national', 'provincial'),
                cmp(ssum(fm, 'equity_financing', 3), '>=', 500 * W))
    scored = AND(range_ge(total, 60), range_ge(tot([ip, i2]), 20), range_ge(tot([i3, i4]), 15), range_ge(tot([i5, i6]), 15))
    return AND(gate, OR(direct, scored)), score

def expected(fm, as_of):
    out = {}
    v24 = as_of >= '2024-04-30'
    out.update(main_std(fm, v24)); out.update(chinext_std(fm, v24)); out.update(star_std(fm))
    out.update(bse_std(fm)); out.update(neeq_std(fm))
    out['star_tech'] = star_tech(fm, v24)
    out['chinext_growth'] = chinext_growth(fm, v24)
    out['above_scale'] = above_scale(fm)
    out['innovative_sme'], out['innovative_sme#score'] = innovative_sme(fm)
    return out

def vname(v): return {True: 'pass', False: 'fail', None: 'unknown'}[v]

def main():
    tidu, path, as_of = sys.argv[1:4]
    maxrep = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    proc = subprocess.Popen([tidu, 'assess', '--as-of', as_of, '--format', 'json', path],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1 << 20)
    diffs, checked, nfirms, reports = {}, 0, 0, 0
    with open(path, encoding='utf-8') as fin:
        for line_in, line_out in zip((l for l in fin if l.strip()), proc.stdout):
            o = json.loads(line_in, parse_float=Decimal)
            g = json.loads(line_out)
            nfirms += 1
            fm = Firm(o)
            exp = expected(fm, as_of)
            act = {}
            for r in g['results']:
                act[r['id']] = r['verdict']
                if r.get('kind') == 'tier': act[r['id'] + '#score'] = r.get('score')
                for st in r.get('standards', []): act[st['id']] = st['verdict']
            for k, v in exp.items():
                a = act.get(k)
                e = v if k.endswith('#score') else vname(v)
                if k.endswith('#score') and e is not None: e = int(e)
                if k.endswith('#score') and a is not None: a = int(a)
                checked += 1
                if a != e:
                    diffs[k] = diffs.get(k, 0) + 1
                    if reports < maxrep:
                        reports += 1
                        print(f'{o.get("uscc")} {o.get("name")} {k}: expected {e}, tidu {a}')
    proc.stdout.close()
    proc.wait()
    firms = range(nfirms)
    print(f'checked {checked} verdicts over {len(firms)} firms at {as_of}; mismatches: {sum(diffs.values())} {diffs}')
    return 1 if diffs else 0

if __name__ == '__main__':
    sys.exit(main())
