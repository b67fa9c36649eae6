#!/usr/bin/env python3
"""Writes tests/boundary/tiers/*.ndjson: boundary cases for the shipped tier rule sets.
Point-table expectations are computed by a small exact re-implementation of the reference tables
(Fractions, money in 分), and cross-checked by hand for the base firms."""
import copy
import json
import math
import sys
from decimal import Decimal as D
from fractions import Fraction as Fr

import os
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/boundary/tiers")
USCC = "91320500MA1N2K3P99"
WAN = D(10000)
YI = D(100000000)
FEN = D("0.01")


def w(x):  # 万元 -> 元
    return D(str(x)) * WAN


def jnum(v):
    if isinstance(v, D):
        if v == v.to_integral_value():
            return int(v)
        return float(v)
    return v


def to_json(firm):
    out = {}
    for k, v in firm.items():
        if k == "years":
            out["years"] = {str(y): {f: jnum(x) for f, x in fs.items() if x is not None}
                            for y, fs in sorted(v.items(), reverse=True)}
        elif v is not None:
            out[k] = jnum(v)
    return out


cases = {}


def case(file, name, firm, expect, score=None, missing=None, as_of="2025-06-30", year=2024):
    c = {"name": name, "as_of": as_of, "year": year, "firm": to_json(firm), "expect": expect}
    if score is not None:
        c["expect_score"] = score
    if missing is not None:
        c["expect_missing"] = {next(iter(expect)): missing}
    cases.setdefault(file, []).append(c)


def F(x):
    return None if x is None else Fr(str(x))


def yv(firm, field, k, y0):
    return firm["years"].get(y0 - k, {}).get(field)


# ---------------------------------------------------------------------------------------
# Exact re-implementation of the two point tables (known inputs only).

def bands_ge(x, edges):
    for edge, pts in edges:
        if x >= edge:
            return pts
    return 0


def tags(firm, key):
    v = firm.get(key) or ""
    return set(t for t in v.split(";") if t)


def is_sme(firm, y0):
    ind = firm["industry"]
    emp = yv(firm, "employees", 0, y0)
    rev = yv(firm, "revenue", 0, y0)
    assets = yv(firm, "total_assets", 0, y0)
    if ind.startswith(("B", "C", "D")):
        return emp < 1000 or rev < 4 * YI
    if ind.startswith("F52"):
        return emp < 300 or rev < 2 * YI
    if ind.startswith("I65"):
        return emp < 300 or rev < YI
    if ind.startswith("L"):
        return emp < 300 or assets < 12 * YI
    if ind.startswith("E"):
        return rev < 8 * YI or assets < 8 * YI
    if ind.startswith("M"):
        return emp < 300
    raise ValueError(ind)


def gate(firm, y0):
    return is_sme(firm, y0) and not tags(firm, "red_flags")


def inno_items(firm, y0):
    g = lambda f, k=0: yv(firm, f, k, y0)
    if (g("class1_ip_high_value") or 0) >= 1:
        ip = 20
    elif (g("class1_ip_selfdev") or 0) >= 1:
        ip = 15
    elif (g("class1_ip") or 0) >= 1:
        ip = 10
    elif (g("class2_ip") or 0) >= 1:
        ip = 5
    else:
        ip = 0
    rd = bands_ge(F(g("rd_expense")) / F(g("revenue")),
                  [(Fr(5, 100), 20), (Fr(3, 100), 15), (Fr(2, 100), 10), (Fr(1, 100), 5)])
    gr = F(g("main_business_revenue")) / F(g("main_business_revenue", 1)) - 1
    grow = bands_ge(gr, [(Fr(15, 100), 20), (Fr(10, 100), 15), (Fr(5, 100), 10), (Fr(0), 5)])
    dr = F(g("total_liabilities")) / F(g("total_assets"))
    debt = 10 if dr <= Fr(55, 100) else 5 if dr <= Fr(75, 100) else 0
    dom = 10 if firm.get("in_sei_catalog") else 5
    mbs = F(g("main_business_revenue")) / F(g("revenue"))
    share = bands_ge(mbs, [(Fr(70, 100), 20), (Fr(60, 100), 15), (Fr(55, 100), 10), (Fr(50, 100), 5)])
    return {"ip": ip, "rd": rd, "grow": grow, "debt": debt, "dom": dom, "share": share}


def inno(firm, y0=2024):
    it = inno_items(firm, y0)
    total = sum(it.values())
    scored = (total >= 60 and it["ip"] + it["rd"] >= 20 and it["grow"] + it["debt"] >= 15
              and it["dom"] + it["share"] >= 15)
    eq = sum(F(yv(firm, "equity_financing", k, y0)) for k in range(3))
    direct = (firm.get("st_award") in ("national", "provincial") or "high_tech" in tags(firm, "titles")
              or firm.get("rd_institution") in ("national", "provincial") or eq >= 500 * 10000)
    ok = gate(firm, y0) and (scored or direct)
    return ("pass" if ok else "fail"), total


def srdi22_items(firm, y0):
    g = lambda f, k=0: yv(firm, f, k, y0)
    mbs = F(g("main_business_revenue")) / F(g("revenue"))
    share = bands_ge(mbs, [(Fr(80, 100), 5), (Fr(70, 100), 3), (Fr(60, 100), 1)])
    m = [F(g("main_business_revenue", k)) for k in range(3)]
    avg = ((m[0] / m[1] - 1) + (m[1] / m[2] - 1)) / 2
    grow = bands_ge(avg, [(Fr(10, 100), 10), (Fr(8, 100), 8), (Fr(6, 100), 6), (Fr(4, 100), 4), (Fr(0), 2)])
    niche = min(5, math.floor(F(firm["niche_years"]) / 2))
    dom = {"key_chain": 5, "six_basics": 3}.get(firm.get("product_domain"), 0)
    dl = firm["digital_level"]
    digital = 5 if dl >= 3 else 3 if dl >= 2 else 0
    nq = sum(1 for k in ("quality_award", "iso9001", "own_brand", "standards_drafted") if firm.get(k))
    quality = min(5, 3 * nq)
    nm = F(g("net_profit")) / F(g("revenue"))
    margin = bands_ge(nm, [(Fr(10, 100), 10), (Fr(8, 100), 8), (Fr(6, 100), 6), (Fr(4, 100), 4), (Fr(2, 100), 2)])
    dr = F(g("total_liabilities")) / F(g("total_assets"))
    debt = 5 if dr <= Fr(50, 100) else 3 if dr <= Fr(60, 100) else 1 if dr <= Fr(70, 100) else 0
    local = min(15, max(0, F(firm["srdi_local_score"])))
    if g("class1_ip_high_value") >= 1:
        ip = 10
    elif g("class1_ip_selfdev") >= 1:
        ip = 8
    elif g("class1_ip") >= 1:
        ip = 6
    elif g("class2_ip") >= 1:
        ip = 2
    else:
        ip = 0
    rde = F(g("rd_expense"))
    rr = rde / F(g("revenue"))
    rd = 0
    for amt, ratio, pts in ((500, 10, 10), (400, 8, 8), (300, 6, 6), (200, 4, 4), (100, 3, 2)):
        if rde >= amt * 10000 or rr >= Fr(ratio, 100):
            rd = pts
            break
    ss = F(g("rd_staff")) / F(g("employees"))
    staff = bands_ge(ss, [(Fr(20, 100), 5), (Fr(10, 100), 3), (Fr(5, 100), 1)])
    inst = {"national": 10, "provincial": 8, "municipal": 4, "below_municipal": 2}.get(firm.get("rd_institution"), 0)
    return {"share": share, "grow": grow, "niche": niche, "dom": dom, "digital": digital, "quality": quality,
            "margin": margin, "debt": debt, "local": local, "ip": ip, "rd": rd, "staff": staff, "inst": inst}


def srdi22(firm, y0=2024):
    it = srdi22_items(firm, y0)
    total = sum(it.values())
    g = lambda f, k=0: yv(firm, f, k, y0)
    rev = F(g("revenue"))
    eq2 = F(g("equity_financing")) + F(g("equity_financing", 1))
    conds = (F(firm["niche_years"]) >= 2 and F(g("rd_expense")) >= 1000000
             and F(g("rd_expense")) / rev >= Fr(3, 100)
             and (rev >= 10000000 or eq2 >= 20000000))
    rank = firm.get("st_award_rank")
    direct = ((firm.get("st_award") == "provincial" and rank <= 3)
              or (firm.get("st_award") == "national" and rank <= 5)
              or (F(g("rd_expense")) + F(g("rd_expense", 1))) / 2 >= 10000000
              or eq2 >= 60000000 or firm.get("maker_china") in ("top500", "top50"))
    ok = gate(firm, y0) and conds and (total >= 60 or direct)
    return ("pass" if ok else "fail"), total


def mod(base, firm_fields=None, years=None, drop=None):
    f = copy.deepcopy(base)
    for k, v in (firm_fields or {}).items():
        f[k] = v
    for y, fs in (years or {}).items():
        f["years"].setdefault(y, {}).update(fs)
    for y, k in (drop or []):
        if y is None:
            f.pop(k, None)
        else:
            f["years"][y].pop(k, None)
    return f


def scored(file, fn, name, firm, expect_verdict=None, **kw):
    v, s = fn(firm)
    s = int(s) if s == int(s) else float(s)
    if expect_verdict is not None and expect_verdict != v:
        raise SystemExit("hand check disagrees for %r: %s vs %s" % (name, expect_verdict, v))
    rid = file
    case(file, name, firm, {rid: v}, score={rid: s}, **kw)


# ---------------------------------------------------------------------------------------
# innovative_sme: base firm scores exactly 60 with every sub-floor exactly met.
#   ip 5 (Ⅱ类 1) + rd 15 (3%) = 20 | growth 10 (5%) + debt 10 (55%) = 20 | domain 5 + share 15 (63%) = 20
INNO = {
    "uscc": USCC, "name": "边界测试创新型企业", "industry": "C3976", "region": "320500",
    "founded": "2015-03-01",
    "years": {
        2024: {"revenue": w(10000), "main_business_revenue": w(6300), "rd_expense": w(300),
               "total_assets": w(10000), "total_liabilities": w(5500), "employees": 200,
               "class1_ip_high_value": 0, "class1_ip_selfdev": 0, "class1_ip": 0, "class2_ip": 1,
               "equity_financing": 0},
        2023: {"revenue": w(9500), "main_business_revenue": w(6000), "equity_financing": 0},
        2022: {"revenue": w(9000), "main_business_revenue": w(5800), "equity_financing": 0},
    },
}
f = "innovative_sme"
assert inno(INNO) == ("pass", 60)
scored(f, inno, "innovative_sme base firm scores exactly 60 with every group on its floor", INNO, "pass")
Y = 2024
for amt, label in ((500, "5%"), (300, "3%"), (200, "2%"), (100, "1%")):
    scored(f, inno, "innovative_sme rd_ratio exactly %s" % label, mod(INNO, years={Y: {"rd_expense": w(amt)}}))
    scored(f, inno, "innovative_sme rd_ratio one fen under %s" % label,
           mod(INNO, years={Y: {"rd_expense": w(amt) - FEN}}))
for field, pts in (("class1_ip_high_value", 20), ("class1_ip_selfdev", 15), ("class1_ip", 10)):
    scored(f, inno, "innovative_sme ip one %s gets %d" % (field, pts), mod(INNO, years={Y: {field: 1}}))
scored(f, inno, "innovative_sme ip none gets 0 and fails the innovation floor",
       mod(INNO, years={Y: {"class2_ip": 0}}), "fail")
for mbr, label in ((6900, "15%"), (6600, "10%"), (6300, "5%"), (6000, "0%")):
    scored(f, inno, "innovative_sme main revenue growth exactly %s" % label,
           mod(INNO, years={Y: {"main_business_revenue": w(mbr)}}))
    scored(f, inno, "innovative_sme main revenue growth one fen under %s" % label,
           mod(INNO, years={Y: {"main_business_revenue": w(mbr) - FEN}}))
for liab, label in ((5500, "55%"), (7500, "75%")):
    scored(f, inno, "innovative_sme debt ratio exactly %s" % label,
           mod(INNO, years={Y: {"total_liabilities": w(liab)}}))
    scored(f, inno, "innovative_sme debt ratio one fen over %s" % label,
           mod(INNO, years={Y: {"total_liabilities": w(liab) + FEN}}))
scored(f, inno, "innovative_sme strategic emerging domain gets 10", mod(INNO, {"in_sei_catalog": True}), "pass")
# main-business share: move revenue and R&D together so R&D stays at exactly 3%
for share_rev, label in ((9000, "70%"), (12600, "50%")):
    firm = mod(INNO, years={Y: {"revenue": w(share_rev), "rd_expense": w(share_rev) * D("0.03")}})
    scored(f, inno, "innovative_sme main business share exactly %s" % label, firm)
    firm = mod(firm, years={Y: {"revenue": w(share_rev) + FEN}})
    scored(f, inno, "innovative_sme main business share just under %s (revenue one fen more)" % label, firm)
# 60% and 55%: vary the main-business revenue of both years by the same factor (growth stays 5%)
for share, label in ((60, "60%"), (55, "55%")):
    mbr0 = w(share * 100)          # revenue 1亿 -> share exactly
    firm = mod(INNO, years={Y: {"main_business_revenue": mbr0}, 2023: {"main_business_revenue": mbr0}})
    scored(f, inno, "innovative_sme main business share exactly %s (growth 0%%)" % label, firm)
    firm = mod(firm, years={Y: {"main_business_revenue": mbr0 - FEN}})
    scored(f, inno, "innovative_sme main business share one fen under %s (growth just under 0%%)" % label, firm)
# pass line: 60 passes (base), 55 with floors met fails; floor missed with 60+ fails
firm = mod(INNO, {"in_sei_catalog": True}, years={Y: {"class2_ip": 0, "rd_expense": w(500)}})
scored(f, inno, "innovative_sme 65 points with innovation exactly 20 passes", firm, "pass")
firm = mod(INNO, {"in_sei_catalog": True}, years={Y: {"rd_expense": w(300) - FEN, "class1_ip": 1}})
scored(f, inno, "innovative_sme innovation group exactly 20 via ip 10 and rd 10 passes", firm)
firm = mod(INNO, {"in_sei_catalog": True},
           years={Y: {"class1_ip_high_value": 1, "main_business_revenue": w(6900), "total_liabilities": w(7500) + FEN},
                  2023: {}})
scored(f, inno, "innovative_sme growth group 20 with debt 0 passes", firm)
firm = mod(INNO, years={Y: {"class1_ip_high_value": 1, "rd_expense": w(500), "main_business_revenue": w(6300) - FEN,
                            "total_liabilities": w(7500) + FEN}})
scored(f, inno, "innovative_sme 65 points but growth group 5 under its floor fails", firm, "fail")
firm = mod(INNO, years={Y: {"class1_ip_high_value": 1, "rd_expense": w(500), "main_business_revenue": w(6900),
                            "revenue": w(13800), "total_liabilities": w(5500)}})
# share 50% -> 5, domain 5: specialization 10 < 15
scored(f, inno, "innovative_sme high score but specialization 10 under its floor fails", firm, "fail")

# direct routes on a firm that fails the score (rd one fen under 1% -> 45)
LOW = mod(INNO, years={Y: {"rd_expense": w(100) - FEN}})
assert inno(LOW) == ("fail", 45)
scored(f, inno, "innovative_sme direct route: national S&T award", mod(LOW, {"st_award": "national"}), "pass")
scored(f, inno, "innovative_sme direct route: provincial S&T award", mod(LOW, {"st_award": "provincial"}), "pass")
scored(f, inno, "innovative_sme direct route: valid high-tech enterprise title",
       mod(LOW, {"titles": "high_tech"}), "pass")
scored(f, inno, "innovative_sme tech SME title is not a direct route", mod(LOW, {"titles": "tech_sme"}), "fail")
scored(f, inno, "innovative_sme direct route: provincial R&D institution",
       mod(LOW, {"rd_institution": "provincial"}), "pass")
scored(f, inno, "innovative_sme municipal R&D institution is not a direct route",
       mod(LOW, {"rd_institution": "municipal"}), "fail")
scored(f, inno, "innovative_sme direct route: 3-year equity financing exactly 500万",
       mod(LOW, years={2024: {"equity_financing": w(200)}, 2023: {"equity_financing": w(200)},
                       2022: {"equity_financing": w(100)}}), "pass")
scored(f, inno, "innovative_sme 3-year equity financing one fen under 500万 fails",
       mod(LOW, years={2024: {"equity_financing": w(200)}, 2023: {"equity_financing": w(200)},
                       2022: {"equity_financing": w(100) - FEN}}), "fail")
case(f, "innovative_sme failing score with equity financing of one year missing is unknown",
     mod(LOW, drop=[(2022, "equity_financing")]), {f: "unknown"}, score={f: 45},
     missing=["equity_financing[2022]"])
case(f, "innovative_sme passing score needs no equity financing figures",
     mod(INNO, drop=[(2022, "equity_financing"), (2023, "equity_financing"), (2024, "equity_financing")]),
     {f: "pass"}, score={f: 60})

# gate
for flag in ("dishonest", "abnormal_operation", "major_incident", "prohibited_product"):
    case(f, "innovative_sme red flag %s fails the gate" % flag, mod(INNO, {"red_flags": flag}),
         {f: "fail"}, score={f: 60})
BIG = mod(INNO, years={Y: {"revenue": w(40000), "main_business_revenue": w(25200), "rd_expense": w(1200),
                           "total_assets": w(40000), "total_liabilities": w(22000), "employees": 999},
                       2023: {"main_business_revenue": w(24000)}})
scored(f, inno, "innovative_sme industry 999 employees and revenue 4亿 is an SME", BIG, "pass")
scored(f, inno, "innovative_sme industry 1000 employees and revenue 4亿 is large",
       mod(BIG, years={Y: {"employees": 1000}}), "fail")
scored(f, inno, "innovative_sme industry 1000 employees and revenue one fen under 4亿 is an SME",
       mod(BIG, years={Y: {"employees": 1000, "revenue": w(40000) - FEN}}), "pass")
case(f, "innovative_sme SME size unknown when employees are missing", mod(BIG, drop=[(Y, "employees")]),
     {f: "unknown"}, score={f: 60}, missing=["employees[2024]"])
case(f, "innovative_sme employees missing but revenue under the large line is still an SME",
     mod(INNO, drop=[(Y, "employees")]), {f: "pass"}, score={f: 60})
SW = mod(INNO, {"industry": "I6513"}, years={Y: {"revenue": w(10000), "employees": 300}})
scored(f, inno, "innovative_sme software 300 employees and revenue 1亿 is large", SW, "fail")
scored(f, inno, "innovative_sme software 299 employees and revenue 1亿 is an SME",
       mod(SW, years={Y: {"employees": 299}}), "pass")
RT = mod(INNO, {"industry": "F5271"}, years={Y: {"revenue": w(20000), "main_business_revenue": w(12600),
                                                 "rd_expense": w(600), "employees": 300},
                                             2023: {"main_business_revenue": w(12000)}})
scored(f, inno, "innovative_sme retail 300 employees and revenue 2亿 is large", RT, "fail")
scored(f, inno, "innovative_sme retail 300 employees and revenue one fen under 2亿 is an SME",
       mod(RT, years={Y: {"revenue": w(20000) - FEN}}))
LS = mod(INNO, {"industry": "L7212"}, years={Y: {"employees": 300, "total_assets": w(120000),
                                                 "total_liabilities": w(66000)}})
scored(f, inno, "innovative_sme leasing 300 employees and assets 12亿 is large", LS, "fail")
scored(f, inno, "innovative_sme leasing 300 employees and assets one fen under 12亿 is an SME",
       mod(LS, years={Y: {"total_assets": w(120000) - FEN, "total_liabilities": w(50000)}}), "pass")
OT = mod(INNO, {"industry": "M7320"}, years={Y: {"employees": 300}})
scored(f, inno, "innovative_sme other sector 300 employees is large", OT, "fail")
scored(f, inno, "innovative_sme other sector 299 employees is an SME", mod(OT, years={Y: {"employees": 299}}), "pass")
case(f, "innovative_sme other sector with employees missing is unknown", mod(OT, drop=[(Y, "employees")]),
     {f: "unknown"}, score={f: 60}, missing=["employees[2024]"])

case(f, "innovative_sme has no version in force on 2022-07-31", INNO, {f: "absent"}, as_of="2022-07-31", year=2021)

# unknown items: decided on the range
NOIP = mod(INNO, drop=[(Y, "class1_ip_high_value"), (Y, "class1_ip_selfdev"), (Y, "class1_ip"), (Y, "class2_ip")])
case(f, "innovative_sme ip unknown (0-20) with 55-75 is unknown", NOIP, {f: "unknown"})
case(f, "innovative_sme ip unknown but the range still passes (rd 20 keeps innovation >= 20)",
     mod(NOIP, years={Y: {"rd_expense": w(500)}}), {f: "pass"})
case(f, "innovative_sme ip unknown but the range still fails (at most 55)",
     mod(NOIP, years={Y: {"rd_expense": w(100) - FEN, "total_liabilities": w(5500) + FEN}}), {f: "fail"})
case(f, "innovative_sme growth unknown when last-but-one main revenue is missing",
     mod(INNO, drop=[(2023, "main_business_revenue")]), {f: "unknown"},
     missing=["main_business_revenue[2023]"])
case(f, "innovative_sme ip high-value count missing but Ⅱ类 known: range 5-20 still passes",
     mod(INNO, drop=[(Y, "class1_ip_high_value")]), {f: "pass"})

# ---------------------------------------------------------------------------------------
# srdi_sme 2022: base scores exactly 60, conditions M1-M3 all pass with slack.
#   专业化 share 5 (86.4%) + growth 4 (avg 4%) + niche 2 (4 y) + domain 3 = 14
#   精细化 digital 3 + quality 3 + margin 6 (6%) + debt 5 (50%) = 17;  特色化 10
#   创新   ip 6 (Ⅰ类) + rd 6 (300万) + staff 3 (10%) + inst 4 (municipal) = 19
SR = {
    "uscc": USCC, "name": "边界测试专精特新企业", "industry": "C3976", "region": "320500",
    "founded": "2012-05-01", "niche_years": 4, "product_domain": "six_basics", "digital_level": 2,
    "iso9001": True, "srdi_local_score": 10, "rd_institution": "municipal",
    "years": {
        2024: {"revenue": w(10000), "main_business_revenue": w(8640), "rd_expense": w(300),
               "net_profit": w(600), "total_assets": w(10000), "total_liabilities": w(5000),
               "employees": 200, "rd_staff": 20, "class1_ip_high_value": 0, "class1_ip_selfdev": 0,
               "class1_ip": 1, "class2_ip": 3, "equity_financing": 0},
        2023: {"revenue": w(9000), "main_business_revenue": w(8000), "rd_expense": w(300), "equity_financing": 0},
        2022: {"revenue": w(9000), "main_business_revenue": w(8000)},
    },
}
f = "srdi_sme"
assert srdi22(SR) == ("pass", 60), srdi22_items(SR, 2024)
scored(f, srdi22, "srdi_sme 2022 base firm scores exactly 60", SR, "pass")
# main-business share 80/70/60 (revenue 1亿; keep growth via both years scaled)
for share in (80, 70, 60):
    firm = mod(SR, years={Y: {"main_business_revenue": w(share * 100)}})
    scored(f, srdi22, "srdi_sme 2022 main business share exactly %d%%" % share, firm)
    firm = mod(firm, years={Y: {"revenue": w(10000) + FEN}})
    scored(f, srdi22, "srdi_sme 2022 main business share just under %d%% (revenue one fen more)" % share, firm)
# average growth of main revenue over 2 years: 10/8/6/4/0 % (year-0 growth g, year-1 growth 0)
for g in (10, 8, 6, 4, 0):
    m0 = w(8000) * (1 + D(2 * g) / 100)
    firm = mod(SR, years={Y: {"main_business_revenue": m0}})
    scored(f, srdi22, "srdi_sme 2022 average main revenue growth exactly %d%%" % g, firm)
    scored(f, srdi22, "srdi_sme 2022 average main revenue growth just under %d%%" % g,
           mod(firm, years={Y: {"main_business_revenue": m0 - FEN}}))
for ny in (2, 4, 6, 8, 10):
    scored(f, srdi22, "srdi_sme 2022 niche years %d" % ny, mod(SR, {"niche_years": ny, "srdi_local_score": 15}))
    scored(f, srdi22, "srdi_sme 2022 niche years %.2f" % (ny - 0.01),
           mod(SR, {"niche_years": D(ny) - FEN, "srdi_local_score": 15}))
scored(f, srdi22, "srdi_sme 2022 niche years 12 capped at 5", mod(SR, {"niche_years": 12}))
scored(f, srdi22, "srdi_sme 2022 domain key chain gets 5", mod(SR, {"product_domain": "key_chain"}), "pass")
scored(f, srdi22, "srdi_sme 2022 domain none gets 0", mod(SR, {"product_domain": "none"}), "fail")
for dl in (4, 3, 1):
    scored(f, srdi22, "srdi_sme 2022 digital level %d" % dl, mod(SR, {"digital_level": dl}))
scored(f, srdi22, "srdi_sme 2022 quality: no item gets 0", mod(SR, {"iso9001": False}), "fail")
scored(f, srdi22, "srdi_sme 2022 quality: two items get 5", mod(SR, {"own_brand": True}), "pass")
scored(f, srdi22, "srdi_sme 2022 quality: four items capped at 5",
       mod(SR, {"own_brand": True, "quality_award": True, "standards_drafted": True}), "pass")
for pct in (10, 8, 6, 4, 2):
    scored(f, srdi22, "srdi_sme 2022 net margin exactly %d%%" % pct, mod(SR, years={Y: {"net_profit": w(pct * 100)}}))
    scored(f, srdi22, "srdi_sme 2022 net margin one fen under %d%%" % pct,
           mod(SR, years={Y: {"net_profit": w(pct * 100) - FEN}}))
for pct in (50, 60, 70):
    scored(f, srdi22, "srdi_sme 2022 debt ratio exactly %d%%" % pct,
           mod(SR, years={Y: {"total_liabilities": w(pct * 100)}}))
    scored(f, srdi22, "srdi_sme 2022 debt ratio one fen over %d%%" % pct,
           mod(SR, years={Y: {"total_liabilities": w(pct * 100) + FEN}}))
for loc in (15, 0):
    scored(f, srdi22, "srdi_sme 2022 provincial local score %d" % loc, mod(SR, {"srdi_local_score": loc}))
for field, pts in (("class1_ip_high_value", 10), ("class1_ip_selfdev", 8)):
    scored(f, srdi22, "srdi_sme 2022 ip %s gets %d" % (field, pts), mod(SR, years={Y: {field: 1}}), "pass")
scored(f, srdi22, "srdi_sme 2022 ip Ⅱ类 only gets 2", mod(SR, years={Y: {"class1_ip": 0}}), "fail")
scored(f, srdi22, "srdi_sme 2022 ip none gets 0", mod(SR, years={Y: {"class1_ip": 0, "class2_ip": 0}}), "fail")
# R&D input: amount edges with a small ratio (revenue 5亿 keeps the ratio under 3%... ratio edges separately)
BIGR = mod(SR, years={Y: {"revenue": w(50000), "main_business_revenue": w(43200), "net_profit": w(3000),
                          "total_assets": w(50000), "total_liabilities": w(25000)},
                      2023: {"main_business_revenue": w(40000)}, 2022: {"main_business_revenue": w(40000)}})
for amt in (500, 400, 300, 200):
    scored(f, srdi22, "srdi_sme 2022 R&D amount exactly %d万 (ratio under 3%%)" % amt,
           mod(BIGR, years={Y: {"rd_expense": w(amt)}}))
    scored(f, srdi22, "srdi_sme 2022 R&D amount one fen under %d万" % amt,
           mod(BIGR, years={Y: {"rd_expense": w(amt) - FEN}}))
# ratio edges with amounts under the amount bands: revenue 1500万
SMALL = mod(SR, years={Y: {"revenue": w(1500), "main_business_revenue": D("12960000"), "net_profit": w(90),
                           "total_assets": w(1500), "total_liabilities": w(750), "rd_expense": w(150)},
                       2023: {"main_business_revenue": w(1200)}, 2022: {"main_business_revenue": w(1200)}})
for pct in (10, 8, 6, 4):
    amt = w(1500) * pct / 100
    scored(f, srdi22, "srdi_sme 2022 R&D ratio exactly %d%% (amount under its band)" % pct,
           mod(SMALL, years={Y: {"rd_expense": amt}}))
    scored(f, srdi22, "srdi_sme 2022 R&D ratio one fen under %d%%" % pct,
           mod(SMALL, years={Y: {"rd_expense": amt - FEN}}))
for staff in (40, 20, 10):
    scored(f, srdi22, "srdi_sme 2022 R&D staff %d of 200" % staff, mod(SR, years={Y: {"rd_staff": staff}}))
    scored(f, srdi22, "srdi_sme 2022 R&D staff %d of 200" % (staff - 1), mod(SR, years={Y: {"rd_staff": staff - 1}}))
for inst in ("national", "provincial", "below_municipal", "none"):
    scored(f, srdi22, "srdi_sme 2022 R&D institution %s" % inst, mod(SR, {"rd_institution": inst}))
# M1-M3 on a firm with slack in points (local 15 -> 65)
RICH = mod(SR, {"srdi_local_score": 15})
scored(f, srdi22, "srdi_sme 2022 rich firm scores 65", RICH, "pass")
M2 = mod(RICH, years={Y: {"revenue": w(3000), "main_business_revenue": w(2592), "rd_expense": w(100),
                          "net_profit": w(180), "total_assets": w(3000), "total_liabilities": w(1500)},
                      2023: {"main_business_revenue": w(2400)}, 2022: {"main_business_revenue": w(2400)}})
scored(f, srdi22, "srdi_sme 2022 M2 R&D exactly 100万 passes", M2, "pass")
scored(f, srdi22, "srdi_sme 2022 M2 R&D one fen under 100万 fails", mod(M2, years={Y: {"rd_expense": w(100) - FEN}}), "fail")
M2b = mod(RICH, years={Y: {"revenue": w(5000), "main_business_revenue": w(4320), "rd_expense": w(150),
                           "net_profit": w(300), "total_assets": w(5000), "total_liabilities": w(2500)},
                       2023: {"main_business_revenue": w(4000)}, 2022: {"main_business_revenue": w(4000)}})
scored(f, srdi22, "srdi_sme 2022 M2 R&D ratio exactly 3% passes", M2b, "pass")
scored(f, srdi22, "srdi_sme 2022 M2 R&D ratio one fen under 3% fails",
       mod(M2b, years={Y: {"rd_expense": w(150) - FEN}}), "fail")
scored(f, srdi22, "srdi_sme 2022 M1 niche exactly 2 years", mod(RICH, {"niche_years": 2, "product_domain": "key_chain"}), "pass")
scored(f, srdi22, "srdi_sme 2022 M1 niche 1.99 years fails", mod(RICH, {"niche_years": D("1.99"), "product_domain": "key_chain",
                                                                   "rd_institution": "national"}), "fail")
M3 = mod(RICH, years={Y: {"revenue": w(1000), "main_business_revenue": w(864), "rd_expense": w(100),
                          "net_profit": w(60), "total_assets": w(1000), "total_liabilities": w(500)},
                      2023: {"main_business_revenue": w(800)}, 2022: {"main_business_revenue": w(800)}})
scored(f, srdi22, "srdi_sme 2022 M3 revenue exactly 1000万 passes", mod(M3, {"rd_institution": "provincial"}), "pass")
M3b = mod(M3, {"rd_institution": "provincial"}, years={Y: {"revenue": w(1000) - FEN}})
scored(f, srdi22, "srdi_sme 2022 M3 revenue one fen under 1000万 without equity fails", M3b, "fail")
scored(f, srdi22, "srdi_sme 2022 M3 revenue under 1000万 with 2-year equity exactly 2000万 passes",
       mod(M3b, years={Y: {"equity_financing": w(1500)}, 2023: {"equity_financing": w(500)}}), "pass")
scored(f, srdi22, "srdi_sme 2022 M3 2-year equity one fen under 2000万 fails",
       mod(M3b, years={Y: {"equity_financing": w(1500)}, 2023: {"equity_financing": w(500) - FEN}}), "fail")
# direct routes on a firm under 60 (local 0 -> 50)
SLOW = mod(SR, {"srdi_local_score": 0})
assert srdi22(SLOW) == ("fail", 50)
scored(f, srdi22, "srdi_sme 2022 direct: provincial award ranked 3", mod(SLOW, {"st_award": "provincial", "st_award_rank": 3}), "pass")
scored(f, srdi22, "srdi_sme 2022 provincial award ranked 4 is no direct route",
       mod(SLOW, {"st_award": "provincial", "st_award_rank": 4}), "fail")
scored(f, srdi22, "srdi_sme 2022 direct: national award ranked 5", mod(SLOW, {"st_award": "national", "st_award_rank": 5}), "pass")
scored(f, srdi22, "srdi_sme 2022 national award ranked 6 is no direct route",
       mod(SLOW, {"st_award": "national", "st_award_rank": 6}), "fail")
scored(f, srdi22, "srdi_sme 2022 direct: 2-year average R&D exactly 1000万",
       mod(SLOW, years={Y: {"rd_expense": w(1200)}, 2023: {"rd_expense": w(800)}}), "pass")
scored(f, srdi22, "srdi_sme 2022 2-year average R&D just under 1000万 is no direct route",
       mod(SLOW, {"srdi_local_score": 0}, years={Y: {"rd_expense": w(1200)}, 2023: {"rd_expense": w(800) - FEN}}), "fail")
scored(f, srdi22, "srdi_sme 2022 direct: 2-year equity exactly 6000万",
       mod(SLOW, years={Y: {"equity_financing": w(3000)}, 2023: {"equity_financing": w(3000)}}), "pass")
scored(f, srdi22, "srdi_sme 2022 2-year equity one fen under 6000万 is no direct route",
       mod(SLOW, years={Y: {"equity_financing": w(3000)}, 2023: {"equity_financing": w(3000) - FEN}}), "fail")
scored(f, srdi22, "srdi_sme 2022 direct: maker china top 500", mod(SLOW, {"maker_china": "top500"}), "pass")
scored(f, srdi22, "srdi_sme 2022 direct: maker china top 50", mod(SLOW, {"maker_china": "top50"}), "pass")
# the provincial 特色化 score unknown: range 0-15
NOLOC = mod(SR, drop=[(None, "srdi_local_score")])
case(f, "srdi_sme 2022 local score unknown with 50-65 is unknown", NOLOC, {f: "unknown"},
     missing=["srdi_local_score"])
case(f, "srdi_sme 2022 local score unknown but at least 60 without it passes",
     mod(NOLOC, {"product_domain": "key_chain", "digital_level": 4, "own_brand": True, "rd_institution": "national"}),
     {f: "pass"})
case(f, "srdi_sme 2022 local score unknown and at most 59 fails",
     mod(NOLOC, {"product_domain": "none", "digital_level": 0}), {f: "fail"})
case(f, "srdi_sme 2022 local score unknown but a direct route passes",
     mod(NOLOC, {"maker_china": "top500"}), {f: "pass"})
case(f, "srdi_sme 2022 rules still in force on 2026-03-31", SR, {f: "pass"}, score={f: 60}, as_of="2026-03-31")
case(f, "srdi_sme 2026 rules replace them on 2026-04-01 (no tier-1 title)", SR, {f: "fail"}, as_of="2026-04-01")
case(f, "srdi_sme has no version in force on 2022-07-31", SR, {f: "absent"}, as_of="2022-07-31", year=2021)
case(f, "srdi_sme 2022 red flag fails the gate", mod(RICH, {"red_flags": "abnormal_operation"}), {f: "fail"},
     score={f: 65})


def dump():
    for name, lst in cases.items():
        names = [c["name"] for c in lst]
        dup = set(n for n in names if names.count(n) > 1)
        if dup:
            raise SystemExit("duplicate names: %s" % dup)
        with open("%s/%s.ndjson" % (OUT, {"srdi_sme": "srdi_sme-2022"}.get(name, name)), "w", encoding="utf-8") as fh:
            for c in lst:
                fh.write(json.dumps(c, ensure_ascii=False) + "\n")
        print(name, len(lst))


if __name__ == "__main__":
    import tiers_conds  # noqa: F401  (the condition-only rule sets)
    tiers_conds.add(case, mod, w, FEN, USCC, D)
    dump()
