# Boundary cases for the board rule sets (main, chinext, star, bse, neeq, regional).
from lib import *

import os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/boundary/boards/")

def pair(cases, title, as_of, base, key, at, off, ge=True, board=None, year=None):
    """Two cases: figure exactly at the line, and one 分 on the wrong side.
    ge=True: a >= line (at passes, one below fails). ge=False: a > line (at fails, one above passes)."""
    fa = base.copy(); at(fa)
    fo = base.copy(); off(fo)
    va, vo = ("pass", "fail") if ge else ("fail", "pass")
    ea = {key: va}; eo = {key: vo}
    if board:
        ea[board] = va; eo[board] = vo
    if ge:
        cases.append(case(f"{title} exactly at the line passes", as_of, fa, ea, year))
        cases.append(case(f"{title} one 分 below fails", as_of, fo, eo, year))
    else:
        cases.append(case(f"{title} exactly 0 fails (为正 is >)", as_of, fa, ea, year))
        cases.append(case(f"{title} one 分 above passes", as_of, fo, eo, year))

# ------------------------------------------------------------------ main
def main_cases():
    cs = []
    for ver, as_of, T in (
        ("2023", "2024-01-15", dict(sum=y(1.5), p0=w(6000), ocf=y(1), rev=y(10), mc2=y(50), rev2=y(6), ocf2=y(1.5), mc3=y(80), rev3=y(8))),
        ("2024", "2025-06-30", dict(sum=y(2), p0=y(1), ocf=y(2), rev=y(15), mc2=y(50), rev2=y(6), ocf2=y(2.5), mc3=y(100), rev3=y(10))),
    ):
        last = 2023 if ver == "2023" else 2024
        # main.1 base: only main.1 can pass (market cap too small for main.2/3)
        b = Firm(f"主板一测试企业{ver}", market_cap=y(10))
        b.profit([T["p0"] + y(0.2), T["sum"] / 2, T["sum"] / 2], last)
        b.series("operating_cash_flow", [T["ocf"], T["ocf"], T["ocf"]], last)
        b.series("revenue", [y(2), y(2), y(2)], last)
        t = f"main.1 ({ver})"
        pair(cs, f"{t} 最近3年净利润均为正: earliest year", as_of, b, "main.1",
             lambda f: f.profit([T["sum"], T["sum"] / 2, D(0)], last),
             lambda f: f.profit([T["sum"], T["sum"] / 2, FEN], last), ge=False, board="main")
        pair(cs, f"{t} 净利润累计", as_of, b, "main.1",
             lambda f: f.profit([T["p0"], (T["sum"] - T["p0"]) / 2, (T["sum"] - T["p0"]) / 2], last),
             lambda f: f.profit([T["p0"], (T["sum"] - T["p0"]) / 2, (T["sum"] - T["p0"]) / 2 - FEN], last), board="main")
        pair(cs, f"{t} 最近一年净利润", as_of, b, "main.1",
             lambda f: f.profit([T["p0"], T["sum"], T["sum"]], last),
             lambda f: f.profit([T["p0"] - FEN, T["sum"], T["sum"]], last), board="main")
        pair(cs, f"{t} 经营现金流累计 (营业收入累计 fails)", as_of, b, "main.1",
             lambda f: f.series("operating_cash_flow", [T["ocf"] / 2, T["ocf"] / 4, T["ocf"] / 4], last),
             lambda f: f.series("operating_cash_flow", [T["ocf"] / 2, T["ocf"] / 4, T["ocf"] / 4 - FEN], last), board="main")
        def low_ocf(f, rev):
            f.series("operating_cash_flow", [w(100), w(100), w(100)], last)
            f.series("revenue", rev, last)
        pair(cs, f"{t} 营业收入累计 (经营现金流累计 fails)", as_of, b, "main.1",
             lambda f: low_ocf(f, [T["rev"] / 2, T["rev"] / 4, T["rev"] / 4]),
             lambda f: low_ocf(f, [T["rev"] / 2, T["rev"] / 4, T["rev"] / 4 - FEN]), board="main")
        # 扣非前后孰低: the lower of the two decides
        f = b.copy(); f.profit([T["p0"] + y(1), T["sum"], T["sum"]], last)
        f.yr(last, net_profit_deducted=T["p0"] - FEN)
        cs.append(case(f"{t} 扣非净利润 one 分 below the line decides (孰低)", as_of, f, {"main.1": "fail", "main": "fail"}))
        f = b.copy(); f.profit([T["p0"] + y(1), T["sum"], T["sum"]], last)
        f.yr(last, net_profit=T["p0"])
        cs.append(case(f"{t} 净利润 exactly at the line with higher 扣非 (孰低) passes", as_of, f, {"main.1": "pass", "main": "pass"}))

        # main.2 base: main.1 fails (a loss year), main.3 fails (market cap)
        b = Firm(f"主板二测试企业{ver}", market_cap=T["mc2"])
        b.profit([w(100), -w(100), w(100)], last)
        b.series("revenue", [T["rev2"], y(1), y(1)], last)
        b.series("operating_cash_flow", [T["ocf2"] / 2, T["ocf2"] / 4, T["ocf2"] / 4 + y(0.5)], last)
        t = f"main.2 ({ver})"
        pair(cs, f"{t} 预计市值", as_of, b, "main.2",
             lambda f: f.set(market_cap=T["mc2"]), lambda f: f.set(market_cap=T["mc2"] - FEN), board="main")
        pair(cs, f"{t} 最近一年净利润为正", as_of, b, "main.2",
             lambda f: f.profit([D(0)], last), lambda f: f.profit([FEN], last), ge=False, board="main")
        pair(cs, f"{t} 最近一年营业收入", as_of, b, "main.2",
             lambda f: f.series("revenue", [T["rev2"]], last), lambda f: f.series("revenue", [T["rev2"] - FEN], last), board="main")
        pair(cs, f"{t} 经营现金流累计", as_of, b, "main.2",
             lambda f: f.series("operating_cash_flow", [T["ocf2"] / 2, T["ocf2"] / 4, T["ocf2"] / 4], last),
             lambda f: f.series("operating_cash_flow", [T["ocf2"] / 2, T["ocf2"] / 4, T["ocf2"] / 4 - FEN], last), board="main")

        # main.3 base: main.1 fails (loss year), main.2 fails (cash flow)
        b = Firm(f"主板三测试企业{ver}", market_cap=T["mc3"])
        b.profit([w(100), -w(100), w(100)], last)
        b.series("revenue", [T["rev3"], y(1), y(1)], last)
        b.series("operating_cash_flow", [-y(1), y(0), y(0)], last)
        t = f"main.3 ({ver})"
        pair(cs, f"{t} 预计市值", as_of, b, "main.3",
             lambda f: f.set(market_cap=T["mc3"]), lambda f: f.set(market_cap=T["mc3"] - FEN), board="main")
        pair(cs, f"{t} 最近一年净利润为正", as_of, b, "main.3",
             lambda f: f.profit([D(0)], last), lambda f: f.profit([FEN], last), ge=False, board="main")
        pair(cs, f"{t} 最近一年营业收入", as_of, b, "main.3",
             lambda f: f.series("revenue", [T["rev3"]], last), lambda f: f.series("revenue", [T["rev3"] - FEN], last), board="main")

    # version selection by as_of: the same firm, 2023 standards vs 2024 standards
    f = Firm("主板版本测试企业", market_cap=y(10))
    f.profit([w(7000), w(5000), w(5000)])
    f.series("operating_cash_flow", [w(4000), w(4000), w(4000)])
    f.series("revenue", [y(3), y(3), y(3)])
    cs.append(case("main version by as_of: 2024-01-15 uses the 2023 standards (1.7亿 ≥ 1.5亿) and passes", "2024-01-15", f,
                   {"main": "pass", "main.1": "pass"}, nearest={"main": "main.1"}))
    cs.append(case("main version by as_of: 2025-06-30 uses the 2024 standards (1.7亿 < 2亿) and fails", "2025-06-30", f,
                   {"main": "fail", "main.1": "fail"}))
    cs.append(case("main version by as_of: 2024-04-29 is the last day of the 2023 standards", "2024-04-29", f,
                   {"main": "pass"}))
    cs.append(case("main version by as_of: 2024-04-30 is the first day of the 2024 standards", "2024-04-30", f,
                   {"main": "fail"}))
    cs.append(case("main before 2023-02-17 (approval system, not encoded) has no version in force", "2023-02-16", f,
                   {"main": "absent", "main.1": "absent"}))
    # missing figures
    f2 = f.copy().profit([y(1.2), y(0.6), y(0.6)]).series("operating_cash_flow", [y(1), y(1), y(1)])
    f2.yunset(2022, "net_profit_deducted")
    cs.append(case("main.1 missing 扣非净利润 of the earliest year is unknown, never zero", "2025-06-30", f2,
                   {"main.1": "unknown", "main": "unknown"}, missing={"main.1": ["net_profit_deducted[2022]"]}))
    f3 = f.copy(); f3.unset("market_cap")
    f3.series("revenue", [y(10), y(10), y(10)]).series("operating_cash_flow", [y(1), y(1), y(1)])
    cs.append(case("main.2 and main.3 without 预计市值 are unknown", "2025-06-30", f3,
                   {"main.2": "unknown", "main.3": "unknown", "main.1": "fail", "main": "unknown"},
                   missing={"main.2": ["market_cap"], "main.3": ["market_cap"]}))
    f4 = Firm("主板年度测试企业", market_cap=y(10)).profit([y(1.2), y(1.1), y(1)])
    f4.series("operating_cash_flow", [y(1), y(1), y(1)]).series("revenue", [y(3), y(3), y(3)])
    cs.append(case("main assessed at year 2024 uses 2022–2024 figures and passes", "2025-06-30", f4,
                   {"main.1": "pass", "main": "pass"}))
    cs.append(case("main assessed at year 2023 needs 2021, which is missing: unknown", "2025-06-30", f4,
                   {"main.1": "unknown", "main": "unknown"}, year=2023,
                   missing={"main.1": ["net_profit[2021]", "net_profit_deducted[2021]", "operating_cash_flow[2021]", "revenue[2021]"]}))
    return cs

# ------------------------------------------------------------------ chinext
def chinext_cases():
    cs = []
    for ver, as_of, T in (
        ("2020", "2023-06-30", dict(sum=w(5000), p0=None, mc2=y(10), rev2=y(1), mc3=y(50), rev3=y(3))),
        ("2024", "2025-06-30", dict(sum=y(1), p0=w(6000), mc2=y(15), rev2=y(4), mc3=y(50), rev3=y(3))),
    ):
        last = 2022 if ver == "2020" else 2024
        b = Firm(f"创业板一测试企业{ver}", market_cap=y(5))
        b.profit([T["sum"], T["sum"]], last)
        b.series("revenue", [y(0.5), y(0.5)], last)
        t = f"chinext.1 ({ver})"
        pair(cs, f"{t} 最近两年净利润均为正: earlier year", as_of, b, "chinext.1",
             lambda f: f.profit([T["sum"] + y(1), D(0)], last), lambda f: f.profit([T["sum"] + y(1), FEN], last), ge=False, board="chinext")
        if T["p0"] is None:
            pair(cs, f"{t} 净利润累计", as_of, b, "chinext.1",
                 lambda f: f.profit([T["sum"] / 2 + FEN, T["sum"] / 2 - FEN], last),
                 lambda f: f.profit([T["sum"] / 2 + FEN, T["sum"] / 2 - FEN - FEN], last), board="chinext")
        else:
            pair(cs, f"{t} 净利润累计", as_of, b, "chinext.1",
                 lambda f: f.profit([T["p0"] + w(1000), T["sum"] - T["p0"] - w(1000)], last),
                 lambda f: f.profit([T["p0"] + w(1000), T["sum"] - T["p0"] - w(1000) - FEN], last), board="chinext")
            pair(cs, f"{t} 最近一年净利润 (累计 stays 1亿)", as_of, b, "chinext.1",
                 lambda f: f.profit([T["p0"], T["sum"] - T["p0"]], last),
                 lambda f: f.profit([T["p0"] - FEN, T["sum"] - T["p0"] + FEN], last), board="chinext")
        b = Firm(f"创业板二测试企业{ver}", market_cap=T["mc2"])
        b.profit([w(100), -w(100)], last)
        b.series("revenue", [T["rev2"], y(1)], last)
        t = f"chinext.2 ({ver})"
        pair(cs, f"{t} 预计市值", as_of, b, "chinext.2",
             lambda f: f.set(market_cap=T["mc2"]), lambda f: f.set(market_cap=T["mc2"] - FEN), board="chinext")
        pair(cs, f"{t} 最近一年净利润为正", as_of, b, "chinext.2",
             lambda f: f.profit([D(0)], last), lambda f: f.profit([FEN], last), ge=False, board="chinext")
        pair(cs, f"{t} 最近一年营业收入", as_of, b, "chinext.2",
             lambda f: f.series("revenue", [T["rev2"]], last), lambda f: f.series("revenue", [T["rev2"] - FEN], last), board="chinext")
        b = Firm(f"创业板三测试企业{ver}", market_cap=T["mc3"])
        b.profit([-y(1), -y(1)], last)
        b.series("revenue", [T["rev3"], y(1)], last)
        t = f"chinext.3 ({ver})"
        pair(cs, f"{t} 预计市值 (unprofitable firm)", as_of, b, "chinext.3",
             lambda f: f.set(market_cap=T["mc3"]), lambda f: f.set(market_cap=T["mc3"] - FEN), board="chinext")
        pair(cs, f"{t} 最近一年营业收入 (unprofitable firm)", as_of, b, "chinext.3",
             lambda f: f.series("revenue", [T["rev3"]], last), lambda f: f.series("revenue", [T["rev3"] - FEN], last), board="chinext")
    # version boundary: 2020 standards until 2024-04-29, 2024 standards from 2024-04-30
    f = Firm("创业板版本测试企业", market_cap=y(5))
    f.profit([w(3000), w(3000)], 2023)
    f.series("revenue", [y(0.5), y(0.5)], 2023)
    cs.append(case("chinext version by as_of: 2024-04-29 uses 2020 standards (累计6000万 ≥ 5000万)", "2024-04-29", f,
                   {"chinext": "pass", "chinext.1": "pass"}))
    cs.append(case("chinext version by as_of: 2024-04-30 uses 2024 standards (累计6000万 < 1亿)", "2024-04-30", f,
                   {"chinext": "fail", "chinext.1": "fail"}))
    g = f.copy(); g.yunset(2022, "net_profit")
    cs.append(case("chinext.1 missing 净利润 of the earlier year is unknown", "2024-04-29", g,
                   {"chinext.1": "unknown", "chinext": "unknown"}, missing={"chinext.1": ["net_profit[2022]"]}))
    # min with one unknown operand (issue 11 item 6): the known figure is an upper bound of 孰低
    A = "2025-06-30"
    loss = Firm("创业板亏损扣非缺失测试企业", market_cap=y(20))
    loss.series("net_profit", [-y(11.8), w(5000)]).series("revenue", [y(5), y(5)])
    cs.append(case("chinext net loss 11.8亿 with 扣非 missing already fails 净利润为正", A, loss,
                   {"chinext.1": "fail", "chinext.2": "fail", "chinext.3": "fail", "chinext": "fail"}))
    z = Firm("创业板利润零扣非缺失测试企业", market_cap=y(20))
    z.series("net_profit", [D(0), w(5000)]).series("revenue", [y(5), y(5)])
    cs.append(case("chinext 净利润 exactly 0 with 扣非 missing fails (为正 is >)", A, z,
                   {"chinext.2": "fail"}))
    z = Firm("创业板利润一分扣非缺失测试企业", market_cap=y(20))
    z.series("net_profit", [FEN, w(5000)]).series("revenue", [y(5), y(5)])
    cs.append(case("chinext 净利润 one 分 with 扣非 missing stays unknown", A, z,
                   {"chinext.2": "unknown"}, missing={"chinext.2": ["net_profit_deducted[2024]"]}))
    # 扣非前后孰低 stated as one figure
    low = Firm("创业板孰低申报测试企业", market_cap=y(15))
    low.series("net_profit_lower", [w(6000), w(4000)]).series("revenue", [y(4), y(4)])
    cs.append(case("chinext.1 孰低 declared 6000万 + 4000万 meets 1亿 and 6000万", A, low,
                   {"chinext.1": "pass", "chinext.2": "pass", "chinext": "pass"}))
    l2 = low.copy(); l2.series("net_profit_lower", [w(6000) - FEN, w(4000) + FEN])
    cs.append(case("chinext.1 孰低 declared one 分 under 6000万 fails chinext.1", A, l2,
                   {"chinext.1": "fail", "chinext.2": "pass"}))
    l3 = low.copy(); l3.series("net_profit", [w(5000), w(4000)]).series("net_profit_deducted", [w(7000), w(4000)])
    cs.append(case("chinext computed 孰低 (5000万) wins over a declared 孰低 figure", A, l3,
                   {"chinext.1": "fail"}))
    return cs

# ------------------------------------------------------------------ star
def star_cases():
    cs = []
    A = "2025-06-30"
    # star.1 alternative (a): two profitable years, sum ≥ 5000万; (b) fails (revenue < 1亿)
    b = Firm("科创板一测试企业", market_cap=y(10))
    b.profit([w(3000), w(3000)])
    b.series("revenue", [w(5000), w(5000)])
    pair(cs, "star.1 预计市值", A, b, "star.1",
         lambda f: f.set(market_cap=y(10)), lambda f: f.set(market_cap=y(10) - FEN), board="star")
    pair(cs, "star.1(a) 最近两年净利润均为正: earlier year", A, b, "star.1",
         lambda f: f.profit([w(6000), D(0)]), lambda f: f.profit([w(6000), FEN]), ge=False, board="star")
    f = b.copy(); f.profit([D("24999999.99"), D("25000000.01")])
    cs.append(case("star.1(a) profit sum with cents 24,999,999.99 + 25,000,000.01 meets 5000万", A, f,
                   {"star.1": "pass", "star": "pass"}, nearest={"star": "star.1"}))
    f = b.copy(); f.profit([D("24999999.99"), D("25000000.00")])
    cs.append(case("star.1(a) profit sum 24,999,999.99 + 25,000,000.00 is one 分 below 5000万 and fails", A, f,
                   {"star.1": "fail", "star": "fail"}))
    # star.1 alternative (b): latest year profitable and revenue ≥ 1亿; (a) fails (loss in earlier year)
    b = Firm("科创板一乙测试企业", market_cap=y(10))
    b.profit([w(100), -w(100)])
    b.series("revenue", [y(1), y(1)])
    pair(cs, "star.1(b) 最近一年净利润为正", A, b, "star.1",
         lambda f: f.profit([D(0)]), lambda f: f.profit([FEN]), ge=False, board="star")
    pair(cs, "star.1(b) 最近一年营业收入", A, b, "star.1",
         lambda f: f.series("revenue", [y(1)]), lambda f: f.series("revenue", [y(1) - FEN]), board="star")
    # star.2: losses (star.1 fails), market cap < 20亿 (star.3–5 fail)
    b = Firm("科创板二测试企业", market_cap=y(15))
    b.profit([-y(1), -y(1), -y(1)])
    b.series("revenue", [y(2), y(2), y(1)])
    b.series("rd_expense", [w(3000), w(3000), w(1500)])  # 7500万 / 5亿 = 15%
    pair(cs, "star.2 预计市值", A, b, "star.2",
         lambda f: f.set(market_cap=y(15)), lambda f: f.set(market_cap=y(15) - FEN), board="star")
    pair(cs, "star.2 最近一年营业收入", A, b, "star.2",
         lambda f: f.series("revenue", [y(2), y(2), y(1)]),
         lambda f: (f.series("revenue", [y(2) - FEN, y(2), y(1) + FEN])), board="star")
    pair(cs, "star.2 最近三年累计研发投入占比 15% (7500万 / 5亿)", A, b, "star.2",
         lambda f: f.series("rd_expense", [w(3000), w(3000), w(1500)]),
         lambda f: f.series("rd_expense", [w(3000), w(3000), w(1500) - FEN]), board="star")
    g = b.copy(); g.yunset(2022, "rd_expense")
    cs.append(case("star.2 missing 研发投入 of 2022 is unknown and named", A, g,
                   {"star.2": "unknown", "star": "unknown"}, missing={"star.2": ["rd_expense[2022]"]}))
    # star.3: losses, R&D ratio low (star.2 fails), market cap < 30亿
    b = Firm("科创板三测试企业", market_cap=y(20))
    b.profit([-y(1), -y(1), -y(1)])
    b.series("revenue", [y(3), y(3), y(3)])
    b.series("rd_expense", [w(100), w(100), w(100)])
    b.series("operating_cash_flow", [w(5000), w(2500), w(2500)])
    pair(cs, "star.3 预计市值", A, b, "star.3",
         lambda f: f.set(market_cap=y(20)), lambda f: f.set(market_cap=y(20) - FEN), board="star")
    pair(cs, "star.3 最近一年营业收入", A, b, "star.3",
         lambda f: f.series("revenue", [y(3)]), lambda f: f.series("revenue", [y(3) - FEN]), board="star")
    pair(cs, "star.3 经营现金流累计", A, b, "star.3",
         lambda f: f.series("operating_cash_flow", [w(5000), w(2500), w(2500)]),
         lambda f: f.series("operating_cash_flow", [w(5000), w(2500), w(2500) - FEN]), board="star")
    # star.4: star.3 fails on cash flow, market cap < 40亿
    b = Firm("科创板四测试企业", market_cap=y(30))
    b.profit([-y(1), -y(1), -y(1)])
    b.series("revenue", [y(3), y(3), y(3)])
    b.series("rd_expense", [w(100), w(100), w(100)])
    b.series("operating_cash_flow", [-y(1), -y(1), -y(1)])
    pair(cs, "star.4 预计市值", A, b, "star.4",
         lambda f: f.set(market_cap=y(30)), lambda f: f.set(market_cap=y(30) - FEN), board="star")
    pair(cs, "star.4 最近一年营业收入", A, b, "star.4",
         lambda f: f.series("revenue", [y(3)]), lambda f: f.series("revenue", [y(3) - FEN]), board="star")
    f = b.copy(); f.set(market_cap=y(29))
    cs.append(case("star nearest standard of a failing firm is star.4 (市值 1亿 short)", A, f,
                   {"star": "fail", "star.4": "fail"}, nearest={"star": "star.4"}))
    # star.5: no revenue to speak of, declared qualitative items
    b = Firm("科创板五测试企业", market_cap=y(40), state_approval=True, phased_results=True, pharma_phase2=True)
    b.profit([-y(2), -y(2), -y(2)])
    b.series("revenue", [w(100), w(100), w(100)])
    b.series("rd_expense", [w(100), w(100), w(100)])
    b.series("operating_cash_flow", [-y(1), -y(1), -y(1)])
    pair(cs, "star.5 预计市值", A, b, "star.5",
         lambda f: f.set(market_cap=y(40)), lambda f: f.set(market_cap=y(40) - FEN), board="star")
    cs.append(case("star.5 without 国家有关部门批准 fails", A, b.copy().set(state_approval=False),
                   {"star.5": "fail", "star": "fail"}))
    cs.append(case("star.5 without 阶段性成果 fails", A, b.copy().unset("phased_results"),
                   {"star.5": "fail", "star": "fail"}))
    cs.append(case("star.5 with 技术优势 instead of 二期临床 passes", A,
                   b.copy().unset("pharma_phase2").set(tech_advantage=True), {"star.5": "pass", "star": "pass"}))
    cs.append(case("star.5 with neither 二期临床 nor 技术优势 fails", A,
                   b.copy().unset("pharma_phase2"), {"star.5": "fail", "star": "fail"}))
    g = b.copy(); g.unset("market_cap")
    cs.append(case("star without 预计市值: every standard unknown, only market_cap missing", A, g,
                   {"star": "unknown", "star.1": "fail", "star.4": "fail", "star.5": "unknown"},
                   missing={"star": ["market_cap"], "star.5": ["market_cap"]}))
    return cs

# ------------------------------------------------------------------ bse
def bse_cases():
    cs = []
    A = "2025-06-30"
    def base(name, mc):
        return Firm(name, market_cap=mc, listing_status="neeq_innovative", neeq_listed_on="2024-06-30").yr(2024, net_assets=y(1))
    # require block, on a firm that passes bse.4
    b = base("北交所基本条件测试企业", y(15))
    b.profit([-w(100), -w(100)])
    b.series("revenue", [y(10), y(10)])
    b.series("rd_expense", [w(3000), w(3000)])
    b.series("operating_cash_flow", [-w(100), -w(100)])
    b.series("roe_weighted", [D("0.01"), D("0.01")])
    cs.append(case("bse 挂牌满12个月: listed 2024-06-30, assessed 2025-06-30 passes", A, b,
                   {"bse": "pass", "bse.4": "pass"}))
    cs.append(case("bse 挂牌满12个月: listed 2024-07-01, assessed 2025-06-30 (11 months) fails", A,
                   b.copy().set(neeq_listed_on="2024-07-01"), {"bse": "fail", "bse.4": "pass"}))
    cs.append(case("bse 创新层: a basic-tier firm fails the common conditions", A,
                   b.copy().set(listing_status="neeq_basic"), {"bse": "fail"}))
    cs.append(case("bse 创新层: no NEEQ listing date is unknown", A,
                   b.copy().unset("neeq_listed_on"), {"bse": "unknown"}, missing={"bse": ["neeq_listed_on"]}))
    cs.append(case("bse already listed on the BSE meets the common condition without a listing date", A,
                   b.copy().set(listing_status="bse").unset("neeq_listed_on"), {"bse": "pass"}))
    pair(cs, "bse 最近一年期末净资产", A, b, "bse",
         lambda f: f.yr(2024, net_assets=w(5000)), lambda f: f.yr(2024, net_assets=w(5000) - FEN))
    # bse.1(a)
    b = base("北交所一测试企业", y(2))
    b.profit([w(2000), w(2000)])
    b.series("roe_weighted", [D("0.10"), D("0.10")])
    b.series("revenue", [y(1), y(1)])
    b.series("rd_expense", [w(100), w(100)])
    b.series("operating_cash_flow", [w(100), w(100)])
    pair(cs, "bse.1 预计市值", A, b, "bse.1",
         lambda f: f.set(market_cap=y(2)), lambda f: f.set(market_cap=y(2) - FEN), board="bse")
    pair(cs, "bse.1(a) 最近两年净利润均不低于1500万: earlier year", A, b, "bse.1",
         lambda f: f.profit([w(2000), w(1500)]), lambda f: f.profit([w(2000), w(1500) - FEN]), board="bse")
    pair(cs, "bse.1(a) 加权平均净资产收益率平均 8% (8% and 8%)", A, b, "bse.1",
         lambda f: f.series("roe_weighted", [D("0.06"), D("0.10")]),
         lambda f: f.series("roe_weighted", [D("0.06"), D("0.10") - UNIT]), board="bse")
    # bse.1(b): (a) fails on the earlier year's profit
    b2 = b.copy(); b2.profit([w(2500), w(1000)]).series("roe_weighted", [D("0.08"), D("0.01")])
    pair(cs, "bse.1(b) 最近一年净利润", A, b2, "bse.1",
         lambda f: f.profit([w(2500)]), lambda f: f.profit([w(2500) - FEN]), board="bse")
    pair(cs, "bse.1(b) 最近一年加权平均净资产收益率", A, b2, "bse.1",
         lambda f: f.series("roe_weighted", [D("0.08")]), lambda f: f.series("roe_weighted", [D("0.08") - UNIT]), board="bse")
    # bse.2: losses (bse.1 fails), market cap < 8亿
    b = base("北交所二测试企业", y(4))
    b.profit([-w(100), -w(100)])
    b.series("revenue", [y(1.3), y(1)])
    b.series("rd_expense", [w(100), w(100)])
    b.series("operating_cash_flow", [w(100), w(100)])
    pair(cs, "bse.2 预计市值", A, b, "bse.2",
         lambda f: f.set(market_cap=y(4)), lambda f: f.set(market_cap=y(4) - FEN), board="bse")
    pair(cs, "bse.2 最近两年营业收入平均 1亿 (1.2亿 and 0.8亿)", A, b, "bse.2",
         lambda f: f.series("revenue", [y(1.2), y(0.8)]), lambda f: f.series("revenue", [y(1.2), y(0.8) - FEN]), board="bse")
    pair(cs, "bse.2 最近一年营业收入增长率 30% (1.3亿 over 1亿)", A, b, "bse.2",
         lambda f: f.series("revenue", [y(1.3), y(1)]), lambda f: f.series("revenue", [y(1.3) - FEN, y(1)]), board="bse")
    pair(cs, "bse.2 最近一年经营现金流为正", A, b, "bse.2",
         lambda f: f.series("operating_cash_flow", [D(0)]), lambda f: f.series("operating_cash_flow", [FEN]), ge=False, board="bse")
    g = b.copy(); g.yunset(2023, "revenue")
    cs.append(case("bse.2 missing 2023 revenue: average and growth unknown", A, g,
                   {"bse.2": "unknown"}, missing={"bse.2": ["revenue[2023]"]}))
    # bse.3: no growth (bse.2 fails), market cap < 15亿
    b = base("北交所三测试企业", y(8))
    b.profit([-w(100), -w(100)])
    b.series("revenue", [y(2), y(2)])
    b.series("rd_expense", [w(1600), w(1600)])
    b.series("operating_cash_flow", [w(100), w(100)])
    pair(cs, "bse.3 预计市值", A, b, "bse.3",
         lambda f: f.set(market_cap=y(8)), lambda f: f.set(market_cap=y(8) - FEN), board="bse")
    pair(cs, "bse.3 最近一年营业收入", A, b, "bse.3",
         lambda f: f.series("revenue", [y(2), y(2)]), lambda f: f.series("revenue", [y(2) - FEN, y(2) + FEN]), board="bse")
    pair(cs, "bse.3 最近两年研发投入占比 8% (3200万 / 4亿)", A, b, "bse.3",
         lambda f: f.series("rd_expense", [w(1600), w(1600)]), lambda f: f.series("rd_expense", [w(1600), w(1600) - FEN]), board="bse")
    # bse.4: R&D ratio low (bse.3 fails)
    b = base("北交所四测试企业", y(15))
    b.profit([-w(100), -w(100)])
    b.series("revenue", [y(10), y(10)])
    b.series("rd_expense", [w(2500), w(2500)])
    b.series("operating_cash_flow", [w(100), w(100)])
    pair(cs, "bse.4 预计市值", A, b, "bse.4",
         lambda f: f.set(market_cap=y(15)), lambda f: f.set(market_cap=y(15) - FEN), board="bse")
    pair(cs, "bse.4 最近两年研发投入合计", A, b, "bse.4",
         lambda f: f.series("rd_expense", [w(2500), w(2500)]), lambda f: f.series("rd_expense", [w(2500), w(2500) - FEN]), board="bse")
    return cs

# ------------------------------------------------------------------ neeq
def neeq_cases():
    cs = []
    A = "2025-06-30"
    def base(name):
        f = Firm(name, founded="2020-05-01", market_making_at_listing=False, market_makers=0, placement_market_cap=D(0))
        f.profit([-w(10), -w(10)])
        f.series("revenue", [w(1000), w(1000)])
        f.series("rd_expense", [D(0), D(0)])
        f.series("operating_cash_flow", [-w(10), -w(10)])
        f.series("equity_financing", [D(0), D(0)])
        return f
    b = base("挂牌一测试企业")
    b.profit([w(600), w(200)])
    pair(cs, "neeq 两个完整会计年度 (founded 2023-01-01, year 2024)", A, b, "neeq",
         lambda f: f.set(founded="2023-01-01"), lambda f: f.set(founded="2023-01-02"))
    f = b.copy(); f.set(founded="2022-12-31")
    cs.append(case("neeq founded 2022-12-31 has two full fiscal years by 2024 and passes", A, f, {"neeq": "pass"}))
    cs.append(case("neeq without 成立日期 is unknown", A, b.copy().unset("founded"),
                   {"neeq": "unknown", "neeq.1": "pass"}, missing={"neeq": ["founded"]}))
    pair(cs, "neeq.1(a) 最近两年净利润累计 800万 (599.99…万 + 200.00…万)", A, b, "neeq.1",
         lambda f: f.profit([w(600) - FEN, w(200) + FEN]), lambda f: f.profit([w(600) - FEN, w(200)]), board="neeq")
    b0 = b.copy(); b0.profit([D(0), w(800)])  # (b) fails whenever the latest year is not positive
    pair(cs, "neeq.1(a) 最近两年净利润均为正: latest year (earlier year 800万)", A, b0, "neeq.1",
         lambda f: f.profit([D(0), w(800)]), lambda f: f.profit([FEN, w(800)]), ge=False, board="neeq")
    b1 = b.copy(); b1.profit([w(600), -w(100)])
    pair(cs, "neeq.1(b) 最近一年净利润", A, b1, "neeq.1",
         lambda f: f.profit([w(600)]), lambda f: f.profit([w(600) - FEN]), board="neeq")
    # neeq.2(a)
    b = base("挂牌二测试企业")
    b.series("revenue", [w(3600), w(3000)])
    pair(cs, "neeq.2(a) 最近两年营业收入平均 3000万 (3600万 and 2400万)", A, b, "neeq.2",
         lambda f: f.series("revenue", [w(3600), w(2400)]), lambda f: f.series("revenue", [w(3600), w(2400) - FEN]), board="neeq")
    pair(cs, "neeq.2(a) 最近一年营业收入增长率 20% (3600万 over 3000万)", A, b, "neeq.2",
         lambda f: f.series("revenue", [w(3600), w(3000)]), lambda f: f.series("revenue", [w(3600) - FEN, w(3000)]), board="neeq")
    # neeq.2(b): no growth (a fails)
    b = base("挂牌二乙测试企业")
    b.series("revenue", [w(5000), w(5000)])
    b.series("operating_cash_flow", [w(10), w(10)])
    pair(cs, "neeq.2(b) 最近两年营业收入平均 5000万", A, b, "neeq.2",
         lambda f: f.series("revenue", [w(5000), w(5000)]), lambda f: f.series("revenue", [w(5000), w(5000) - FEN]), board="neeq")
    pair(cs, "neeq.2(b) 经营现金流均为正: earlier year", A, b, "neeq.2",
         lambda f: f.series("operating_cash_flow", [w(10), D(0)]), lambda f: f.series("operating_cash_flow", [w(10), FEN]), ge=False, board="neeq")
    # neeq.3: revenue ≥ 3000万 with no growth and average < 5000万 (neeq.2 fails)
    b = base("挂牌三测试企业")
    b.series("revenue", [w(3000), w(3000)])
    b.series("rd_expense", [w(150), w(150)])
    pair(cs, "neeq.3 最近一年营业收入", A, b, "neeq.3",
         lambda f: f.series("revenue", [w(3000), w(3000)]), lambda f: f.series("revenue", [w(3000) - FEN, w(3000)]), board="neeq")
    pair(cs, "neeq.3 最近两年研发投入占比 5% (300万 / 6000万)", A, b, "neeq.3",
         lambda f: f.series("rd_expense", [w(150), w(150)]), lambda f: f.series("rd_expense", [w(150), w(150) - FEN]), board="neeq")
    # neeq.4: large revenue keeps the R&D ratio under 5% (neeq.3 fails); negative cash flow (neeq.2 fails)
    b = base("挂牌四测试企业")
    b.series("revenue", [y(10), y(10)])
    b.series("rd_expense", [w(500), w(500)])
    b.series("equity_financing", [w(1000), w(1000)])
    pair(cs, "neeq.4 最近两年研发投入累计", A, b, "neeq.4",
         lambda f: f.series("rd_expense", [w(500), w(500)]), lambda f: f.series("rd_expense", [w(500), w(500) - FEN]), board="neeq")
    pair(cs, "neeq.4 最近24个月股权融资 2000万 (two years)", A, b, "neeq.4",
         lambda f: f.series("equity_financing", [w(1500), w(500)]), lambda f: f.series("equity_financing", [w(1500), w(500) - FEN]), board="neeq")
    g = b.copy(); g.yunset(2023, "equity_financing")
    cs.append(case("neeq.4 missing 2023 股权融资 is unknown", A, g,
                   {"neeq.4": "unknown", "neeq": "unknown"}, missing={"neeq.4": ["equity_financing[2023]"]}))
    # neeq.5
    b = base("挂牌五测试企业").set(market_making_at_listing=True, market_makers=4, placement_market_cap=y(1))
    pair(cs, "neeq.5 定向发行市值", A, b, "neeq.5",
         lambda f: f.set(placement_market_cap=y(1)), lambda f: f.set(placement_market_cap=y(1) - FEN), board="neeq")
    cs.append(case("neeq.5 做市商 exactly 4 passes", A, b, {"neeq.5": "pass", "neeq": "pass"}))
    cs.append(case("neeq.5 做市商 3 (one short) fails", A, b.copy().set(market_makers=3), {"neeq.5": "fail", "neeq": "fail"}))
    cs.append(case("neeq.5 without 做市交易 at listing fails", A, b.copy().set(market_making_at_listing=False),
                   {"neeq.5": "fail", "neeq": "fail"}))
    cs.append(case("neeq 2023 rules are in force from 2023-02-17", "2023-02-17", b, {"neeq": "pass"}))
    cs.append(case("neeq has no version in force before 2023-02-17", "2023-02-16", b, {"neeq": "absent"}))
    return cs

# ------------------------------------------------------------------ regional
def regional_cases():
    cs = []
    A = "2025-06-30"
    def f(name, **kw):
        return Firm(name, **kw)
    cs.append(case("regional 小巨人 enters 培育层 (regional.1 nearest)", A, f("专板一", titles="little_giant"),
                   {"regional": "pass", "regional.1": "pass", "regional.2": "pass", "regional.3": "pass"},
                   nearest={"regional": "regional.1"}))
    cs.append(case("regional 拟上市后备 + 创投投资 enters 培育层", A, f("专板二", ipo_reserve=True, pe_backed=True),
                   {"regional": "pass", "regional.1": "pass", "regional.2": "fail"}, nearest={"regional": "regional.1"}))
    cs.append(case("regional 拟上市后备 without an entry category is not a 专板 firm", A, f("专板三", ipo_reserve=True),
                   {"regional": "fail", "regional.1": "fail", "regional.3": "fail"}))
    cs.append(case("regional 专精特新中小企业 enters 规范层", A, f("专板四", titles="srdi_sme"),
                   {"regional": "pass", "regional.1": "fail", "regional.2": "pass"}, nearest={"regional": "regional.2"}))
    cs.append(case("regional B轮 financing enters 规范层", A, f("专板五", pe_round_b=True),
                   {"regional.2": "pass", "regional.1": "fail"}, nearest={"regional": "regional.2"}))
    cs.append(case("regional 创新型中小企业 enters 孵化层 only", A, f("专板六", titles="innovative_sme;tech_sme"),
                   {"regional": "pass", "regional.1": "fail", "regional.2": "fail", "regional.3": "pass"},
                   nearest={"regional": "regional.3"}))
    cs.append(case("regional 政府投资基金 enters 孵化层", A, f("专板七", gov_fund_backed=True),
                   {"regional": "pass", "regional.3": "pass", "regional.2": "fail"}))
    cs.append(case("regional 具有相应潜力 enters 孵化层", A, f("专板八", srdi_potential=True),
                   {"regional": "pass", "regional.3": "pass"}))
    cs.append(case("regional 高新技术企业 alone is not an entry category", A, f("专板九", titles="high_tech;tech_sme"),
                   {"regional": "fail", "regional.3": "fail"}))
    cs.append(case("regional with nothing declared fails (declarations are never unknown)", A, f("专板十"),
                   {"regional": "fail"}))
    cs.append(case("regional is in force from 2023-06-30 (first 专板 filings)", "2023-06-30", f("专板十一", titles="srdi_sme"),
                   {"regional": "pass", "regional.2": "pass"}))
    cs.append(case("regional is not in force on 2023-06-29", "2023-06-29", f("专板十一", titles="srdi_sme"),
                   {"regional": "absent", "regional.2": "absent"}))
    return cs

import os, sys
if __name__ == "__main__":
  os.makedirs(OUT, exist_ok=True)
  write(OUT + "main.ndjson", main_cases())
  write(OUT + "chinext.ndjson", chinext_cases())
  write(OUT + "star.ndjson", star_cases())
  write(OUT + "bse.ndjson", bse_cases())
  write(OUT + "neeq.ndjson", neeq_cases())
  write(OUT + "regional.ndjson", regional_cases())
