# Boundary cases for the positioning rule sets (star_tech, chinext_growth).
from lib import *
from boards import pair

import os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/boundary/positioning/")

def star_tech_cases():
    cs = []
    for ver, A, T in (
        ("2021", "2023-06-30", dict(r1b=w(6000), r3=5, cagr=D("1.44"))),
        ("2024", "2025-06-30", dict(r1b=w(8000), r3=7, cagr=D("1.5625"))),
    ):
        last = 2022 if ver == "2021" else 2024
        K = "star_tech.regular"
        # regular base: R1a (7.97%), R2 (10%), R3, R4a (CAGR); R4b fails (revenue < 3亿)
        b = Firm(f"科创属性测试企业{ver}", industry="C3976")
        b.series("revenue", [y(1) * T["cagr"], y(1.2), y(1)], last)
        b.series("rd_expense", [w(1000), w(1000), w(1000)], last)
        b.series("employees", [100, 100, 100], last).series("rd_staff", [10, 10, 10], last)
        b.series("invention_patents_core", [T["r3"], T["r3"], T["r3"]], last)
        t = f"star_tech ({ver})"
        def r1a(f, d):
            s = sum([y(1) * T["cagr"], y(1.2), y(1)])
            f.series("rd_expense", [s * D("0.05") - w(1000), w(500), w(500) - d], last)
        pair(cs, f"{t} R1a 研发投入占比 5%", A, b, K, lambda f: r1a(f, D(0)), lambda f: r1a(f, FEN), board="star_tech")
        def r1b(f, d):
            f.series("revenue", [y(6), y(6), y(6)], last)  # ratio stays under 5%
            f.series("rd_expense", [T["r1b"] - w(5000), w(2500), w(2500) - d], last)
        pair(cs, f"{t} R1b 研发投入累计", A, b, K, lambda f: r1b(f, D(0)), lambda f: r1b(f, FEN), board="star_tech")
        def r2(f, staff):
            f.series("employees", [1000], last).series("rd_staff", [staff], last)
        pair(cs, f"{t} R2 研发人员占比 10% (100 of 1000; 99 is one short)", A, b, K,
             lambda f: r2(f, 100), lambda f: r2(f, 99), board="star_tech")
        pair(cs, f"{t} R3 发明专利 {T['r3']} (one patent short)", A, b, K,
             lambda f: f.series("invention_patents_core", [T["r3"]], last),
             lambda f: f.series("invention_patents_core", [T["r3"] - 1], last), board="star_tech")
        pair(cs, f"{t} R4a 营业收入复合增长率 (x0 = {T['cagr']} × x2)", A, b, K,
             lambda f: f.series("revenue", [y(1) * T["cagr"]], last),
             lambda f: f.series("revenue", [y(1) * T["cagr"] - FEN], last), board="star_tech")
        def r4b(f, d):
            f.series("revenue", [y(3) - d, y(2.5), y(2.5)], last)  # 3 / 2.5 = 1.2: growth fails
            f.series("rd_expense", [w(5000), w(5000), w(5000)], last)
        pair(cs, f"{t} R4b 最近一年营业收入 3亿 (growth fails)", A, b, K,
             lambda f: r4b(f, D(0)), lambda f: r4b(f, FEN), board="star_tech")
        slow = b.copy(); slow.series("revenue", [y(1) * T["cagr"] - FEN], last)
        cs.append(case(f"{t} R4 waived for a 第五套标准 applicant", A, slow.copy().set(star_std5_applicant=True),
                       {K: "pass", "star_tech": "pass"}))
        cs.append(case(f"{t} R4 waived for an overseas-listed red chip", A, slow.copy().set(overseas_red_chip=True),
                       {K: "pass", "star_tech": "pass"}))
        g = b.copy(); g.yunset(last - 2, "revenue")
        cs.append(case(f"{t} missing earliest revenue: R1a and R4a unknown", A, g,
                       {K: "unknown", "star_tech": "unknown"},
                       missing={K: [f"revenue[{last - 2}]"]}))
        # software: I65 firms use ratio ≥ 10% instead of patents
        S = "star_tech.software"
        b = Firm(f"软件科创属性测试企业{ver}", industry="I6510")
        b.series("revenue", [y(1) * T["cagr"], y(1.2), y(1)], last)
        s = sum([y(1) * T["cagr"], y(1.2), y(1)])
        b.series("rd_expense", [s / 10 - w(2400), w(1200), w(1200)], last)
        b.series("employees", [100, 100, 100], last).series("rd_staff", [10, 10, 10], last)
        b.series("invention_patents_core", [0, 0, 0], last)
        pair(cs, f"{t} software 累计研发投入占比 10% without patents", A, b, S,
             lambda f: f.series("rd_expense", [s / 10 - w(2400)], last),
             lambda f: f.series("rd_expense", [s / 10 - w(2400) - FEN], last), board="star_tech")
        cs.append(case(f"{t} software firm is not assessed by the regular indicators", A, b,
                       {K: "fail", S: "pass"}))
        f = b.copy().series("invention_patents_core", [50], last).series("rd_expense", [w(1000), w(1000), w(1000)], last)
        cs.append(case(f"{t} software firm with patents but under 10% fails the software route", A,
                       f.copy().series("invention_patents_core", [T["r3"]], last),
                       {K: "fail", S: "fail", "star_tech": "fail"}))
        nonsw = b.copy().set(industry="C3976")
        cs.append(case(f"{t} non-software firm cannot use the software route", A, nonsw,
                       {S: "fail", K: "fail", "star_tech": "fail"}))
        # exception clauses: pass with no figures at all
        for i, fld in enumerate(("core_tech_recognized", "national_sci_award", "national_major_project", "import_substitution"), 1):
            cs.append(case(f"{t} exception E{i} ({fld}) qualifies without any figures", A,
                           Firm(f"例外{i}测试企业{ver}", industry="C3976", **{fld: True}),
                           {f"star_tech.e{i}": "pass", "star_tech": "pass", K: "unknown"}))
        e = Firm(f"例外五测试企业{ver}", industry="C3976").series("invention_patents_core", [50], last)
        pair(cs, f"{t} exception E5 发明专利 50", A, e, "star_tech.e5",
             lambda f: f.series("invention_patents_core", [50], last),
             lambda f: f.series("invention_patents_core", [49], last))
        cs.append(case(f"{t} with nothing declared or measured is unknown, not fail", A,
                       Firm(f"空白科创属性企业{ver}", industry="C3976"), {"star_tech": "unknown", "star_tech.e1": "fail"}))
    # version boundary: 6 patents meet the 2021 R3 (5) but not the 2024 R3 (7)
    f = Firm("科创属性版本测试企业", industry="C3976")
    f.series("revenue", [y(3.5), y(3), y(2.5)], 2023)
    f.series("rd_expense", [w(3000), w(3000), w(3000)], 2023)
    f.series("employees", [100, 100, 100], 2023).series("rd_staff", [12, 12, 12], 2023)
    f.series("invention_patents_core", [6, 6, 6], 2023)
    cs.append(case("star_tech version by as_of: 2024-04-29 uses 5 patents (2021 version)", "2024-04-29", f,
                   {"star_tech": "pass", "star_tech.regular": "pass"}))
    cs.append(case("star_tech version by as_of: 2024-04-30 uses 7 patents (2024 version)", "2024-04-30", f,
                   {"star_tech": "fail", "star_tech.regular": "fail"}))
    g = f.copy().set(core_tech_recognized=True)
    cs.append(case("star_tech 2021 version is in force from 2021-04-16", "2021-04-16", g, {"star_tech": "pass"}))
    cs.append(case("star_tech has no version in force on 2021-04-15", "2021-04-15", g, {"star_tech": "absent"}))
    return cs

def chinext_growth_cases():
    cs = []
    for ver, A, C in (("2022", "2023-06-30", D("1.44")), ("2024", "2025-06-30", D("1.5625"))):
        last = 2022 if ver == "2022" else 2024
        t = f"chinext_growth ({ver})"
        K1, K2, K3 = "chinext_growth.1", "chinext_growth.2", "chinext_growth.3"
        b = Firm(f"成长型测试企业{ver}", industry="C3976")
        b.series("revenue", [y(1) * C, y(1.1), y(1)], last)
        b.series("rd_expense", [w(1322.5), w(1100), w(1000)], last)  # 1.3225 = 1.15²
        pair(cs, f"{t} std 1 研发投入复合增长率 15% (x0 = 1.3225 × x2)", A, b, K1,
             lambda f: f.series("rd_expense", [w(1322.5)], last), lambda f: f.series("rd_expense", [w(1322.5) - FEN], last))
        pair(cs, f"{t} std 1 最近一年研发投入 1000万", A, b, K1,
             lambda f: f.series("rd_expense", [w(1000), w(800), w(700)], last),
             lambda f: f.series("rd_expense", [w(1000) - FEN, w(800), w(700)], last))
        pair(cs, f"{t} std 1 营业收入复合增长率 (x0 = {C} × x2)", A, b, K1,
             lambda f: f.series("revenue", [y(1) * C], last), lambda f: f.series("revenue", [y(1) * C - FEN], last))
        slow = b.copy()
        def exempt(f, d):
            f.series("revenue", [y(3) - d, y(2.8), y(2.5)], last)  # 1.2 growth fails
        pair(cs, f"{t} 3亿 exemption replaces the revenue CAGR (std 1)", A, slow, K1,
             lambda f: exempt(f, D(0)), lambda f: exempt(f, FEN))
        g = b.copy(); exempt(g, D(0)); g.yunset(last - 2, "revenue")
        cs.append(case(f"{t} 3亿 exemption decides even when the CAGR is unknown", A, g, {K1: "pass", "chinext_growth": "pass"}))
        g = b.copy(); g.series("revenue", [y(1) * C - FEN], last)
        cs.append(case(f"{t} red-chip exemption replaces the revenue CAGR", A, g.copy().set(overseas_red_chip=True),
                       {K1: "pass"}))
        g = b.copy(); g.yunset(last - 2, "revenue")
        cs.append(case(f"{t} missing earliest revenue without exemption is unknown", A, g,
                       {K1: "unknown"}, missing={K1: [f"revenue[{last - 2}]"]}))
        # std 2: cumulative R&D 5000万
        b2 = Firm(f"成长型二测试企业{ver}", industry="C3976")
        b2.series("revenue", [y(1) * C, y(1.1), y(1)], last)
        b2.series("rd_expense", [w(2000), w(1500), w(1500)], last)
        pair(cs, f"{t} std 2 最近三年累计研发投入 5000万", A, b2, K2,
             lambda f: f.series("rd_expense", [w(2000), w(1500), w(1500)], last),
             lambda f: f.series("rd_expense", [w(2000), w(1500), w(1500) - FEN], last))
        pair(cs, f"{t} std 2 营业收入复合增长率", A, b2, K2,
             lambda f: f.series("revenue", [y(1) * C], last), lambda f: f.series("revenue", [y(1) * C - FEN], last))
        # std 3: modern industry + 30%
        b3 = Firm(f"成长型三测试企业{ver}", industry="C3976", modern_industry=True)
        b3.series("revenue", [y(1.69), y(1.3), y(1)], last)
        b3.series("rd_expense", [w(100), w(100), w(100)], last)
        pair(cs, f"{t} std 3 营业收入复合增长率 30% (x0 = 1.69 × x2)", A, b3, K3,
             lambda f: f.series("revenue", [y(1.69)], last), lambda f: f.series("revenue", [y(1.69) - FEN], last),
             board="chinext_growth")
        cs.append(case(f"{t} std 3 outside the modern industry system fails", A, b3.copy().unset("modern_industry"),
                       {K3: "fail", "chinext_growth": "fail"}))
    # version boundary: revenue CAGR 22.5% (1.5 over two years) meets 20% but not 25%
    f = Firm("成长型版本测试企业", industry="C3976")
    f.series("revenue", [y(1.5), y(1.2), y(1)], 2023)
    f.series("rd_expense", [w(2000), w(1500), w(1500)], 2023)
    cs.append(case("chinext_growth version by as_of: 2024-04-29 uses 20% (2022 version)", "2024-04-29", f,
                   {"chinext_growth.2": "pass", "chinext_growth": "pass"}))
    cs.append(case("chinext_growth version by as_of: 2024-04-30 uses 25% (2024 version)", "2024-04-30", f,
                   {"chinext_growth.2": "fail", "chinext_growth": "fail"}))
    g = Firm("成长型生效日测试企业", industry="C3976")
    g.series("revenue", [y(1.5), y(1.2), y(1)], 2021).series("rd_expense", [w(2000), w(1500), w(1500)], 2021)
    cs.append(case("chinext_growth 2022 version is in force from 2022-12-30", "2022-12-30", g,
                   {"chinext_growth": "pass"}))
    cs.append(case("chinext_growth has no version in force on 2022-12-29", "2022-12-29", g,
                   {"chinext_growth": "absent", "chinext_growth.2": "absent"}))
    return cs

import os
os.makedirs(OUT, exist_ok=True)
write(OUT + "star_tech.ndjson", star_tech_cases())
write(OUT + "chinext_growth.ndjson", chinext_growth_cases())
