"""Boundary cases for the tier rule sets without a point table (verdicts set by hand)."""
from decimal import Decimal as D


def add(case, mod, w, FEN, USCC, _D):
    def run(file, rid, base, rows, as_of, year):
        for row in rows:
            name, firm, verdict = row[0], row[1], row[2]
            extra = row[3] if len(row) > 3 else {}
            exp = {rid: verdict}
            exp.update(extra.get("expect", {}))
            case(file, name, firm, exp, missing=extra.get("missing"), as_of=as_of, year=year)

    # ---------------------------------------------------------------- srdi_sme 2026
    Y = 2025
    S26 = {
        "uscc": USCC, "name": "边界测试专精特新企业2026", "industry": "C3976", "region": "320500",
        "founded": "2015-03-01", "titles": "innovative_sme", "niche_years": 3, "market_leading": True,
        "srdi_eval_score": 50,
        "years": {
            2025: {"revenue": w(1500), "main_business_revenue": w(1200), "rd_expense": w(100),
                   "total_assets": w(1000), "total_liabilities": w(800), "employees": 200, "class1_ip": 1,
                   "equity_financing": 0},
            2024: {"revenue": w(1500), "rd_expense": w(100), "equity_financing": 0},
        },
    }
    R5 = mod(S26, years={Y: {"revenue": w(5000), "main_business_revenue": w(4000), "rd_expense": w(150)}})
    N2 = mod(S26, years={Y: {"revenue": w(1000), "main_business_revenue": w(800), "equity_financing": w(1200)},
                         2024: {"equity_financing": w(800)}})
    N6 = mod(S26, years={Y: {"class1_ip": 0}})
    t = "srdi_sme 2026 "
    rows = [
        (t + "base firm on every edge passes", S26, "pass"),
        (t + "N0 tech SME title passes", mod(S26, {"titles": "tech_sme"}), "pass"),
        (t + "N0 without a tier-1 title fails", mod(S26, {"titles": "high_tech"}), "fail"),
        (t + "N1 niche years 2.99 fails", mod(S26, {"niche_years": D("2.99")}), "fail"),
        (t + "N2 revenue one fen under 1500万 without equity fails",
         mod(S26, years={Y: {"revenue": w(1500) - FEN}}), "fail"),
        (t + "N2 revenue 1000万 with 2-year equity exactly 2000万 passes", N2, "pass"),
        (t + "N2 2-year equity one fen under 2000万 fails",
         mod(N2, years={2024: {"equity_financing": w(800) - FEN}}), "fail"),
        (t + "N3 main business share one fen under 80% fails",
         mod(S26, years={Y: {"main_business_revenue": w(1200) - FEN}}), "fail"),
        (t + "N4 debt ratio one fen over 80% fails", mod(S26, years={Y: {"total_liabilities": w(800) + FEN}}), "fail"),
        (t + "N5 R&D one fen under 100万 last year fails", mod(S26, years={Y: {"rd_expense": w(100) - FEN}}), "fail"),
        (t + "N5 R&D one fen under 100万 the year before fails",
         mod(S26, years={2024: {"rd_expense": w(100) - FEN}}), "fail"),
        (t + "N5 R&D ratio exactly 3% passes", R5, "pass"),
        (t + "N5 R&D ratio one fen under 3% fails", mod(R5, years={Y: {"rd_expense": w(150) - FEN}}), "fail"),
        (t + "N5 R&D of the year before missing is unknown", mod(S26, drop=[(2024, "rd_expense")]), "unknown",
         {"missing": ["rd_expense[2024]"]}),
        (t + "N6 no Ⅰ类 IP fails", N6, "fail"),
        (t + "N6 no Ⅰ类 IP but a provincial R&D institution passes", mod(N6, {"rd_institution": "provincial"}), "pass"),
        (t + "N6 no Ⅰ类 IP but a provincial award ranked 3 passes",
         mod(N6, {"st_award": "provincial", "st_award_rank": 3}), "pass"),
        (t + "N6 no Ⅰ类 IP and a provincial award ranked 4 fails",
         mod(N6, {"st_award": "provincial", "st_award_rank": 4}), "fail"),
        (t + "N7 market position declared not leading fails", mod(S26, {"market_leading": False}), "fail"),
        (t + "N7 market position not declared is unknown and named", mod(S26, drop=[(None, "market_leading")]),
         "unknown", {"missing": ["market_leading"]}),
        (t + "N8 renewal: last year's score 49.99 but the year before exactly 50 passes",
         mod(S26, {"application_type": "renewal", "srdi_eval_score": D("49.99"), "srdi_eval_score_prev": 50}), "pass"),
        (t + "N8 renewal: both years' scores 49.99 fail",
         mod(S26, {"application_type": "renewal", "srdi_eval_score": D("49.99"), "srdi_eval_score_prev": D("49.99")}),
         "fail"),
        (t + "N8 new application: the year before's score does not count",
         mod(S26, {"srdi_eval_score": D("49.99"), "srdi_eval_score_prev": 80}), "fail"),
        (t + "SME size: section-only industry code F cannot choose its row and is unknown",
         mod(S26, {"industry": "F"}), "unknown"),
        (t + "SME size: section-only industry code G is unknown", mod(S26, {"industry": "G"}), "unknown"),
        (t + "SME size: section-only industry code I is unknown", mod(S26, {"industry": "I"}), "unknown"),
        (t + "SME size: section-only industry code K is unknown", mod(S26, {"industry": "K"}), "unknown"),
        (t + "SME size: K70 (real estate, class unknown) is unknown", mod(S26, {"industry": "K70"}), "unknown"),
        (t + "SME size: retail F5211 with 200 employees passes", mod(S26, {"industry": "F5211"}), "pass"),
        (t + "SME size: section C alone chooses the industry row and passes", mod(S26, {"industry": "C"}), "pass"),
        (t + "SME size: section M (其他未列明行业) alone chooses its row and passes", mod(S26, {"industry": "M"}), "pass"),
        (t + "N8 evaluation score 49.99 fails", mod(S26, {"srdi_eval_score": D("49.99")}), "fail"),
        (t + "N8 evaluation score missing is unknown", mod(S26, drop=[(None, "srdi_eval_score")]), "unknown",
         {"missing": ["srdi_eval_score"]}),
        (t + "red flag fails the gate", mod(S26, {"red_flags": "prohibited_product"}), "fail"),
    ]
    run("srdi_sme-2026", "srdi_sme", S26, rows, "2026-06-30", Y)

    # ---------------------------------------------------------------- little_giant 2022
    Y = 2024

    def lg_fin(rev, ratio0, ratio1=None):
        """Revenue `rev` (元) with main business 77% of it, 10% growth last year, 0% the year before
        (average exactly 5%), debt exactly 70%, R&D at the given ratios of revenue."""
        ratio1 = ratio0 if ratio1 is None else ratio1
        return {Y: {"revenue": rev, "main_business_revenue": rev * D("0.77"), "rd_expense": rev * ratio0,
                    "total_assets": rev, "total_liabilities": rev * D("0.7")},
                2023: {"revenue": rev, "main_business_revenue": rev * D("0.7"), "rd_expense": rev * ratio1},
                2022: {"main_business_revenue": rev * D("0.7")}}

    LG = {
        "uscc": USCC, "name": "边界测试小巨人企业", "industry": "C3976", "region": "320500", "founded": "2010-03-01",
        "titles": "srdi_sme", "niche_years": 3, "core_business_it": True, "iso9001": True, "market_share": 0.1,
        "own_brand": True, "chain_key_link": True, "product_domain_lg": "six_basics", "rd_institution": "municipal",
        "years": {2024: {"employees": 200, "rd_staff": 40, "class1_ip": 2, "equity_financing": 0},
                  2023: {"equity_financing": 0}, 2022: {}},
    }
    LG = mod(LG, years=lg_fin(w(10000), D("0.03")))
    LG6 = mod(LG, years=lg_fin(w(5000), D("0.06")))
    LGS = mod(LG, years=lg_fin(w(4000), D("0.01")))
    LGS = mod(LGS, years={Y: {"equity_financing": w(5000), "rd_expense": w(1500), "rd_staff": 100},
                          2023: {"equity_financing": w(3000), "rd_expense": w(1500)}})
    NOG3 = mod(LG, years={Y: {"class1_ip": 1}})
    SH70 = mod(LG, years={Y: {"main_business_revenue": w(7000)}, 2023: {"main_business_revenue": w(6250)},
                          2022: {"main_business_revenue": w(6250)}})
    t = "little_giant 2022 "
    rows = [
        (t + "base firm on every edge passes (revenue exactly 1亿, R&D exactly 3% both years)", LG, "pass"),
        (t + "not a specialized SME fails", mod(LG, {"titles": "innovative_sme"}), "fail"),
        (t + "niche years 2.99 fails", mod(LG, {"niche_years": D("2.99")}), "fail"),
        (t + "main business share exactly 70% passes", SH70, "pass"),
        (t + "main business share one fen under 70% fails",
         mod(SH70, years={Y: {"main_business_revenue": w(7000) - FEN}}), "fail"),
        (t + "average main revenue growth just under 5% fails",
         mod(LG, years={2022: {"main_business_revenue": w(7000) + FEN}}), "fail"),
        (t + "average growth unknown without the third year", mod(LG, drop=[(2022, "main_business_revenue")]),
         "unknown", {"missing": ["main_business_revenue[2022]"]}),
        (t + "no core business information system fails", mod(LG, {"core_business_it": False}), "fail"),
        (t + "no management certification fails", mod(LG, {"iso9001": False}), "fail"),
        (t + "product certified abroad instead of a management certification passes",
         mod(LG, {"iso9001": False, "intl_product_cert": True}), "pass"),
        (t + "debt ratio one fen over 70% fails", mod(LG, years={Y: {"total_liabilities": w(7000) + FEN}}), "fail"),
        (t + "market share just under 10% fails", mod(LG, {"market_share": 0.09999999}), "fail"),
        (t + "market share missing is unknown", mod(LG, drop=[(None, "market_share")]), "unknown",
         {"missing": ["market_share"]}),
        (t + "no own brand fails", mod(LG, {"own_brand": False}), "fail"),
        (t + "R&D ratio one fen under 3% last year fails (revenue 1亿)",
         mod(LG, years={Y: {"rd_expense": w(300) - FEN}}), "fail"),
        (t + "R&D ratio one fen under 3% the year before fails",
         mod(LG, years={2023: {"rd_expense": w(300) - FEN}}), "fail"),
        (t + "revenue exactly 5000万 with R&D exactly 6% passes", LG6, "pass"),
        (t + "revenue 5000万 with R&D one fen under 6% fails",
         mod(LG6, years={Y: {"rd_expense": w(300) - FEN}}), "fail"),
        (t + "revenue one fen under 1亿 with R&D 3% needs 6% and fails",
         mod(LG, years={Y: {"revenue": w(10000) - FEN}}), "fail"),
        (t + "revenue under 5000万: equity 8000万, R&D 3000万, R&D staff 50% passes", LGS, "pass"),
        (t + "revenue under 5000万: equity one fen under 8000万 fails",
         mod(LGS, years={2023: {"equity_financing": w(3000) - FEN}}), "fail"),
        (t + "revenue under 5000万: R&D one fen under 3000万 fails",
         mod(LGS, years={2023: {"rd_expense": w(1500) - FEN}}), "fail"),
        (t + "revenue under 5000万: R&D staff 99 of 200 fails", mod(LGS, years={Y: {"rd_staff": 99}}), "fail"),
        (t + "no R&D institution fails", mod(LG, {"rd_institution": "none"}), "fail"),
        (t + "one Ⅰ类 IP fails", NOG3, "fail"),
        (t + "one Ⅰ类 IP but a national award ranked 3 passes (direct route)",
         mod(NOG3, {"st_award": "national", "st_award_rank": 3}), "pass"),
        (t + "national award ranked 4 is no direct route", mod(NOG3, {"st_award": "national", "st_award_rank": 4}),
         "fail"),
        (t + "provincial award ranked 1 is no direct route",
         mod(NOG3, {"st_award": "provincial", "st_award_rank": 1}), "fail"),
        (t + "maker china top 50 is a direct route", mod(NOG3, {"maker_china": "top50"}), "pass"),
        (t + "maker china top 500 is no direct route", mod(NOG3, {"maker_china": "top500"}), "fail"),
        (t + "not at a key chain link fails", mod(LG, {"chain_key_link": False}), "fail"),
        (t + "chain link not declared is unknown", mod(LG, drop=[(None, "chain_key_link")]), "unknown",
         {"missing": ["chain_key_link"]}),
        (t + "core business information system not declared is unknown",
         mod(LG, drop=[(None, "core_business_it")]), "unknown", {"missing": ["core_business_it"]}),
        (t + "domain none fails", mod(LG, {"product_domain_lg": "none"}), "fail"),
        (t + "domain key industries passes", mod(LG, {"product_domain_lg": "key_industries"}), "pass"),
        (t + "domain cyber passes", mod(LG, {"product_domain_lg": "cyber"}), "pass"),
        (t + "red flag fails the gate", mod(LG, {"red_flags": "dishonest"}), "fail"),
    ]
    run("little_giant-2022", "little_giant", LG, rows, "2025-06-30", Y)
    case("little_giant-2022", "little_giant has no version in force on 2022-07-31", LG, {"little_giant": "absent"},
         as_of="2022-07-31", year=2021)
    case("little_giant-2022", t + "rules still in force on 2026-03-31", LG, {"little_giant": "pass"},
         as_of="2026-03-31", year=Y)
    case("little_giant-2022", t + "replaced on 2026-04-01 (main business share 77% under the new 90%)", LG,
         {"little_giant": "fail"}, as_of="2026-04-01", year=Y)

    # ---------------------------------------------------------------- little_giant 2026
    Y = 2025
    L26 = {
        "uscc": USCC, "name": "边界测试小巨人企业2026", "industry": "C3976", "region": "320500",
        "founded": "2010-03-01", "titles": "srdi_sme", "niche_years": 3, "market_share": 0.1,
        "product_domain_lg": "six_basics", "srdi_eval_score": 60, "market_rank": 5,
        "years": {
            2025: {"revenue": w(5292), "main_business_revenue": D("47628000"), "rd_expense": w(600),
                   "total_assets": w(10000), "total_liabilities": w(7500), "employees": 200, "class1_ip": 4},
            2024: {"revenue": w(5000), "rd_expense": w(600)},
            2023: {"revenue": w(4800)},
        },
    }
    REN = mod(L26, {"application_type": "renewal"},
              years={Y: {"revenue": w(5000), "main_business_revenue": w(4500)}})
    RAT = mod(L26, years={Y: {"rd_expense": w(1050)}, 2024: {"rd_expense": w(150)}})
    NOIP = mod(L26, years={Y: {"class1_ip": 3}})
    t = "little_giant 2026 "
    rows = [
        (t + "base firm on every edge passes (CAGR exactly 5%)", L26, "pass"),
        (t + "not a specialized SME fails", mod(L26, {"titles": "innovative_sme"}), "fail"),
        (t + "niche years 2.99 fails", mod(L26, {"niche_years": D("2.99")}), "fail"),
        (t + "renewal with revenue exactly 5000万 passes", REN, "pass"),
        (t + "renewal with revenue one fen under 5000万 fails", mod(REN, years={Y: {"revenue": w(5000) - FEN}}), "fail"),
        (t + "main business share one fen under 90% fails",
         mod(L26, years={Y: {"main_business_revenue": D("47628000") - FEN}}), "fail"),
        (t + "CAGR just under 5% fails", mod(L26, years={2023: {"revenue": w(4800) + FEN}}), "fail"),
        (t + "CAGR just under 5% is not assessed for a renewal",
         mod(L26, {"application_type": "renewal"}, years={2023: {"revenue": w(4800) + FEN}}), "pass"),
        (t + "CAGR unknown without revenue two years back", mod(L26, drop=[(2023, "revenue")]), "unknown",
         {"missing": ["revenue[2023]"]}),
        (t + "debt ratio one fen over 75% fails", mod(L26, years={Y: {"total_liabilities": w(7500) + FEN}}), "fail"),
        (t + "2-year R&D one fen under 1200万 fails", mod(L26, years={2024: {"rd_expense": w(600) - FEN}}), "fail"),
        (t + "R&D ratio exactly 3% the year before passes", RAT, "pass"),
        (t + "R&D ratio one fen under 3% the year before fails (total still 1200万)",
         mod(RAT, years={Y: {"rd_expense": w(1050) + FEN}, 2024: {"rd_expense": w(150) - FEN}}), "fail"),
        (t + "three Ⅰ类 IP fail", NOIP, "fail"),
        (t + "three Ⅰ类 IP with a national award ranked 3 pass", mod(NOIP, {"st_award": "national", "st_award_rank": 3}),
         "pass"),
        (t + "three Ⅰ类 IP with a provincial award ranked 1 fail",
         mod(NOIP, {"st_award": "provincial", "st_award_rank": 1}), "fail"),
        (t + "market share just under 10% fails", mod(L26, {"market_share": 0.09999999}), "fail"),
        (t + "market share under 10% with the rank missing is unknown",
         mod(L26, {"market_share": 0.09999999}, drop=[(None, "market_rank")]), "unknown", {"missing": ["market_rank"]}),
        (t + "market share under 10% but ranked 3 passes", mod(L26, {"market_share": 0.05, "market_rank": 3}), "pass"),
        (t + "market share under 10% and ranked 4 fails", mod(L26, {"market_share": 0.05, "market_rank": 4}), "fail"),
        (t + "domain none fails", mod(L26, {"product_domain_lg": "none"}), "fail"),
        (t + "new industries at a key chain link passes",
         mod(L26, {"product_domain_lg": "new_industries", "chain_key_link": True}), "pass"),
        (t + "new industries declared not at a key chain link fails",
         mod(L26, {"product_domain_lg": "new_industries", "chain_key_link": False}), "fail"),
        (t + "new industries with the chain link not declared is unknown",
         mod(L26, {"product_domain_lg": "new_industries"}), "unknown", {"missing": ["chain_key_link"]}),
        (t + "domain not declared is unknown (with the chain link it may need)",
         mod(L26, drop=[(None, "product_domain_lg")]), "unknown", {"missing": ["chain_key_link", "product_domain_lg"]}),
        (t + "renewal: last year's score 59.99 but the year before exactly 60 passes",
         mod(REN, {"srdi_eval_score": D("59.99"), "srdi_eval_score_prev": 60}), "pass"),
        (t + "renewal: both years' scores 59.99 fail",
         mod(REN, {"srdi_eval_score": D("59.99"), "srdi_eval_score_prev": D("59.99")}), "fail"),
        (t + "X2 control link with an existing little giant is excluded",
         mod(L26, {"red_flags": "lg_related"}), "fail"),
        (t + "evaluation score 59.99 fails", mod(L26, {"srdi_eval_score": D("59.99")}), "fail"),
        (t + "evaluation score missing is unknown", mod(L26, drop=[(None, "srdi_eval_score")]), "unknown",
         {"missing": ["srdi_eval_score"]}),
        (t + "already a single champion is excluded", mod(L26, {"titles": "srdi_sme;single_champion"}), "fail"),
        (t + "red flag fails the gate", mod(L26, {"red_flags": "major_incident"}), "fail"),
    ]
    run("little_giant-2026", "little_giant", L26, rows, "2026-06-30", Y)

    # ---------------------------------------------------------------- single_champion
    Y = 2024
    SC = {"uscc": USCC, "name": "边界测试单项冠军企业", "industry": "C3976", "region": "320500",
          "founded": "2005-01-01", "field_years": 10, "market_rank_global": 3, "tech_intl_advanced": True,
          "energy_quota_advanced": True, "innovation_leading": True,
          "years": {2024: {"main_business_revenue": w(50000)}, 2023: {"main_business_revenue": w(40000)},
                    2022: {"main_business_revenue": w(30000)}}}
    t = "single_champion "
    rows = [
        (t + "10 years, average main revenue exactly 4亿, global rank 3 passes", SC, "pass"),
        (t + "field years 9.99 fails", mod(SC, {"field_years": D("9.99"), "new_product": False}), "fail"),
        (t + "field years 9.99 with the new-product question not declared is unknown",
         mod(SC, {"field_years": D("9.99")}), "unknown", {"missing": ["new_product"]}),
        (t + "new product with exactly 5 field years passes", mod(SC, {"field_years": 5, "new_product": True}), "pass"),
        (t + "new product with 4.99 field years fails", mod(SC, {"field_years": D("4.99"), "new_product": True}),
         "fail"),
        (t + "technology not declared internationally advanced is unknown",
         mod(SC, drop=[(None, "tech_intl_advanced")]), "unknown", {"missing": ["tech_intl_advanced"]}),
        (t + "technology declared not internationally advanced fails", mod(SC, {"tech_intl_advanced": False}), "fail"),
        (t + "energy use not declared is unknown", mod(SC, drop=[(None, "energy_quota_advanced")]), "unknown",
         {"missing": ["energy_quota_advanced"]}),
        (t + "innovation declared not leading fails", mod(SC, {"innovation_leading": False}), "fail"),
        (t + "average main revenue one fen short of 4亿 fails",
         mod(SC, years={2022: {"main_business_revenue": w(30000) - FEN}}), "fail"),
        (t + "global rank 4 fails", mod(SC, {"market_rank_global": 4}), "fail"),
        (t + "global rank missing is unknown", mod(SC, drop=[(None, "market_rank_global")]), "unknown",
         {"missing": ["market_rank_global"]}),
        (t + "main revenue of the third year missing is unknown", mod(SC, drop=[(2022, "main_business_revenue")]),
         "unknown", {"missing": ["main_business_revenue[2022]"]}),
        (t + "major incident fails", mod(SC, {"red_flags": "major_incident"}), "fail"),
    ]
    run("single_champion", "single_champion", SC, rows, "2025-06-30", Y)
    case("single_champion", "single_champion has no version in force on 2023-08-31", SC, {"single_champion": "absent"},
         as_of="2023-08-31", year=2022)

    # ---------------------------------------------------------------- above_scale
    def firm(ind, mbr=None, rev=None, **kw):
        f = {"uscc": USCC, "name": "边界测试四上企业", "industry": ind, "region": "320500",
             "years": {2024: {}}}
        if mbr is not None:
            f["years"][2024]["main_business_revenue"] = mbr
        if rev is not None:
            f["years"][2024]["revenue"] = rev
        f.update(kw)
        return f

    rows = []
    t = "above_scale "

    def line(std, ind, label, amount, field):
        kw = {"mbr": amount} if field == "mbr" else {"rev": amount}
        kw_off = {"mbr": amount - FEN} if field == "mbr" else {"rev": amount - FEN}
        rows.append((t + "%s %s exactly on the line" % (label, ind), firm(ind, **kw), "pass",
                     {"expect": {std: "pass"}}))
        rows.append((t + "%s %s one fen under the line" % (label, ind), firm(ind, **kw_off), "fail",
                     {"expect": {std: "fail"}}))

    line("above_scale.industry", "C3976", "manufacturing 2000万", w(2000), "mbr")
    line("above_scale.industry", "B0610", "mining 2000万", w(2000), "mbr")
    line("above_scale.industry", "D4411", "power 2000万", w(2000), "mbr")
    line("above_scale.wholesale", "F5171", "wholesale 2000万", w(2000), "mbr")
    line("above_scale.retail", "F5211", "retail 500万", w(500), "mbr")
    line("above_scale.hospitality", "H6110", "accommodation 200万", w(200), "mbr")
    line("above_scale.hospitality", "H6210", "catering 200万", w(200), "mbr")
    line("above_scale.services1", "G5430", "transport 2000万", w(2000), "rev")
    line("above_scale.services1", "I6513", "software 2000万", w(2000), "rev")
    line("above_scale.services1", "N7820", "environment 2000万", w(2000), "rev")
    line("above_scale.services1", "Q8411", "health 2000万", w(2000), "rev")
    line("above_scale.services2", "L7212", "business services 1000万", w(1000), "rev")
    line("above_scale.services2", "M7320", "research 1000万", w(1000), "rev")
    line("above_scale.services2", "P8331", "education 1000万", w(1000), "rev")
    line("above_scale.services2", "K7020", "property management 1000万", w(1000), "rev")
    line("above_scale.services2", "K7030", "real-estate agency 1000万", w(1000), "rev")
    line("above_scale.services2", "K7040", "real-estate leasing 1000万", w(1000), "rev")
    line("above_scale.services2", "K7090", "other real estate 1000万", w(1000), "rev")
    line("above_scale.services3", "O8011", "household services 500万", w(500), "rev")
    line("above_scale.services3", "R8710", "culture 500万", w(500), "rev")
    line("above_scale.services3", "Q8521", "social work 500万", w(500), "rev")
    rows += [
        (t + "manufacturing uses main-business revenue, not operating revenue",
         firm("C3976", mbr=w(2000) - FEN, rev=w(5000)), "fail"),
        (t + "software uses operating revenue, not main-business revenue",
         firm("I6513", mbr=w(1000), rev=w(2000)), "pass"),
        (t + "manufacturing with main-business revenue missing is unknown", firm("C3976", rev=w(5000)), "unknown",
         {"missing": ["main_business_revenue[2024]"]}),
        (t + "construction with a qualification passes", firm("E4710", construction_qualified=True), "pass",
         {"expect": {"above_scale.construction": "pass"}}),
        (t + "construction without a qualification fails", firm("E4710", rev=w(100000)), "fail",
         {"expect": {"above_scale.construction": "fail"}}),
        (t + "real-estate development is always included", firm("K7010"), "pass",
         {"expect": {"above_scale.real_estate": "pass"}}),
        (t + "agriculture has no 四上 line", firm("A0111", mbr=w(100000), rev=w(100000)), "fail"),
        (t + "finance has no 四上 line", firm("J6620", mbr=w(100000), rev=w(100000)), "fail"),
    ]
    run("above_scale", "above_scale", None, rows, "2025-06-30", 2024)

    # ---------------------------------------------------------------- high_tech
    def ht_fin(revs, rd_ratio, hi_share=D("0.6"), dom=D("0.6")):
        ys = {}
        for k, rev in enumerate(revs):
            rd = rev * rd_ratio
            ys[2024 - k] = {"revenue": rev, "rd_expense": rd, "rd_expense_domestic": rd * dom}
        ys[2024]["hightech_revenue"] = revs[0] * hi_share
        return ys

    HT = {"uscc": USCC, "name": "边界测试高新技术企业", "industry": "C3976", "region": "320500",
          "founded": "2015-03-01", "core_ip_owned": True, "hightech_domain": True, "hnte_score": 71,
          "years": {2024: {"employees": 100, "tech_staff": 10}, 2023: {}, 2022: {}}}
    HT = mod(HT, years=ht_fin([w(5000)] * 3, D("0.05")))
    B4 = mod(HT, years=ht_fin([w(20000), w(15000), w(15000)], D("0.04")))
    B3 = mod(HT, years=ht_fin([w(30000)] * 3, D("0.03")))
    t = "high_tech "
    rows = [
        (t + "revenue exactly 5000万 in the 5% band with R&D exactly 5% passes", HT, "pass"),
        (t + "5% band: 3-year R&D one fen short fails", mod(HT, years={2022: {"rd_expense": w(250) - FEN}}), "fail"),
        (t + "revenue one fen over 5000万 moves to the 4% band and passes",
         mod(HT, years={2024: {"revenue": w(5000) + FEN, "hightech_revenue": w(3000) + FEN}}), "pass"),
        (t + "revenue exactly 2亿 in the 4% band with R&D exactly 4% passes", B4, "pass"),
        (t + "4% band: 3-year R&D one fen short fails",
         mod(B4, years={2022: {"rd_expense": w(600) - FEN}}), "fail"),
        (t + "revenue one fen over 2亿 moves to the 3% band and passes",
         mod(B4, years={2024: {"revenue": w(20000) + FEN, "hightech_revenue": w(12000) + FEN}}), "pass"),
        (t + "revenue over 2亿 with R&D exactly 3% passes", B3, "pass"),
        (t + "3% band: 3-year R&D one fen short fails",
         mod(B3, years={2022: {"rd_expense": w(900) - FEN}}), "fail"),
        (t + "R&D of the third year missing is unknown", mod(HT, drop=[(2022, "rd_expense")]), "unknown",
         {"missing": ["rd_expense[2022]"]}),
        (t + "tech staff 10 of 101 is under 10% and fails", mod(HT, years={2024: {"employees": 101}}), "fail"),
        (t + "domestic R&D one fen under 60% fails", mod(HT, years={2022: {"rd_expense_domestic": w(150) - FEN}}),
         "fail"),
        (t + "high-tech revenue one fen under 60% fails",
         mod(HT, years={2024: {"hightech_revenue": w(3000) - FEN}}), "fail"),
        (t + "innovation score exactly 70 fails (above 70 required)", mod(HT, {"hnte_score": 70}), "fail"),
        (t + "innovation score 70.01 passes", mod(HT, {"hnte_score": D("70.01")}), "pass"),
        (t + "innovation score missing is unknown", mod(HT, drop=[(None, "hnte_score")]), "unknown",
         {"missing": ["hnte_score"]}),
        (t + "no core IP fails", mod(HT, {"core_ip_owned": False}), "fail"),
        (t + "core IP not declared is unknown", mod(HT, drop=[(None, "core_ip_owned")]), "unknown",
         {"missing": ["core_ip_owned"]}),
        (t + "founded 2023 (two fiscal years): R&D over 2023–2024 exactly 5% passes without 2022",
         mod(HT, {"founded": "2023-03-01"}, drop=[(2022, "revenue"), (2022, "rd_expense"), (2022, "rd_expense_domestic")]),
         "pass"),
        (t + "founded 2023: two-year R&D one fen short fails",
         mod(HT, {"founded": "2023-03-01"}, years={2023: {"rd_expense": w(250) - FEN}},
             drop=[(2022, "revenue"), (2022, "rd_expense"), (2022, "rd_expense_domestic")]), "fail"),
        (t + "founded 2024-01-01 (one fiscal year, 18 months): R&D of 2024 alone exactly 5% passes",
         mod(HT, {"founded": "2024-01-01"}, drop=[(2022, "revenue"), (2022, "rd_expense"), (2022, "rd_expense_domestic"),
                                                  (2023, "revenue"), (2023, "rd_expense"), (2023, "rd_expense_domestic")]),
         "pass"),
        (t + "founded 2015: a year of the three missing is still unknown", mod(HT, drop=[(2022, "revenue")]), "unknown",
         {"missing": ["revenue[2022]"]}),
        (t + "3-year R&D ratio declared exactly 5% without yearly revenue passes",
         mod(HT, years={2024: {"rd_ratio_3y": D("0.05")}}, drop=[(2022, "revenue")]), "pass"),
        (t + "3-year R&D ratio declared 4.999999% without yearly revenue fails",
         mod(HT, years={2024: {"rd_ratio_3y": D("0.04999999")}}, drop=[(2022, "revenue")]), "fail"),
        (t + "technology outside the supported fields fails", mod(HT, {"hightech_domain": False}), "fail"),
        (t + "major incident fails", mod(HT, {"red_flags": "major_incident"}), "fail"),
        (t + "registered exactly 12 months before the assessment date passes",
         mod(HT, {"founded": "2024-06-30"}), "pass"),
        (t + "registered 11 months before the assessment date fails", mod(HT, {"founded": "2024-07-31"}), "fail"),
    ]
    run("high_tech", "high_tech", HT, rows, "2025-06-30", 2024)

    # ---------------------------------------------------------------- unicorn (default variant)
    UN = {"uscc": USCC, "name": "边界测试独角兽企业", "industry": "I6513", "region": "110108",
          "founded": "2014-01-01", "pe_backed": True, "valuation_usd": 1000000000,
          "years": {2024: {"revenue": w(50000)}}}
    t = "unicorn "
    rows = [
        (t + "founded 2014-01-01 (10 whole years to the end of 2024), valued exactly US$1bn, PE-backed, unlisted passes", UN, "pass"),
        (t + "valued one cent under US$1bn fails", mod(UN, {"valuation_usd": D("999999999.99")}), "fail"),
        (t + "valuation missing is unknown", mod(UN, drop=[(None, "valuation_usd")]), "unknown",
         {"missing": ["valuation_usd"]}),
        (t + "founded 2013-12-31 (11 whole years to the end of 2024) fails", mod(UN, {"founded": "2013-12-31"}), "fail"),
        (t + "founding date missing is unknown", mod(UN, drop=[(None, "founded")]), "unknown"),
        (t + "without private equity fails", mod(UN, {"pe_backed": False}), "fail"),
        (t + "listed on the STAR market fails", mod(UN, {"listing_status": "star"}), "fail"),
        (t + "quoted on the NEEQ counts as unlisted", mod(UN, {"listing_status": "neeq_innovative"}), "pass"),
    ]
    run("unicorn", "unicorn", UN, rows, "2025-06-30", 2024)

    # ---------------------------------------------------------------- unicorn (Suqian variant)
    # A Suqian firm gets both variants: "unicorn@" is the national one, "unicorn@3213" Suqian's.
    SQ = mod(UN, {"region": "321302", "titles": "high_tech"})
    t = "unicorn Suqian "
    rows = [
        (t + "valued exactly US$1bn passes the national line but not Suqian's 'more than'", SQ, "pass",
         {"expect": {"unicorn@3213": "fail"}}),
        (t + "valued US$1bn and one cent passes both", mod(SQ, {"valuation_usd": D("1000000000.01")}), "pass",
         {"expect": {"unicorn@3213": "pass"}}),
        (t + "without the high-tech title fails Suqian's variant only",
         mod(SQ, {"valuation_usd": D("1000000000.01"), "titles": ""}), "pass",
         {"expect": {"unicorn@3213": "fail"}}),
    ]
    run("unicorn", "unicorn@", SQ, rows, "2025-06-30", 2024)

    # ---------------------------------------------------------------- gazelle (variant A)
    def gz_years(revs, rd_ratio=D("0.03"), emps=(200, 200, 200, 200)):
        return {2024 - k: {"revenue": r, "rd_expense": (r * rd_ratio).quantize(FEN), "employees": emps[k]}
                for k, r in enumerate(revs)}

    GZ = {"uscc": USCC, "name": "边界测试瞪羚企业", "industry": "I6513", "region": "320500",
          "founded": "2012-01-02", "years": gz_years([w(2880), w(2400), w(2000), w(1800)])}
    EMP = {"uscc": USCC, "name": "边界测试瞪羚企业", "industry": "I6513", "region": "320500",
           "founded": "2012-01-02",
           "years": gz_years([w(1000)] * 4, emps=(338, 250, 200, 180))}
    t = "gazelle "
    rows = [
        (t + "revenue CAGR exactly 20% from 2000万 passes", GZ, "pass"),
        (t + "revenue CAGR just under 20% fails", mod(GZ, years={2024: {"revenue": w(2880) - FEN}}), "fail"),
        (t + "first-year revenue exactly 1000万 fails (more than required)",
         mod(GZ, years=gz_years([w(1440), w(1200), w(1000), w(900)])), "fail"),
        (t + "first-year revenue one fen over 1000万 passes",
         mod(GZ, years=gz_years([D("14400000.02"), w(1200), w(1000) + FEN, w(900)])), "pass"),
        (t + "no growth last year fails", mod(GZ, years={2023: {"revenue": w(2880)}}), "fail"),
        (t + "growth of one fen last year passes", mod(GZ, years={2023: {"revenue": w(2880) - FEN}}), "pass"),
        (t + "employee CAGR exactly 30% from 200 passes", EMP, "pass"),
        (t + "employee CAGR just under 30% fails", mod(EMP, years={2024: {"employees": 337}}), "fail"),
        (t + "first-year employees exactly 100 fails", mod(EMP, years={2024: {"employees": 169},
                                                                        2023: {"employees": 150},
                                                                        2022: {"employees": 100}}), "fail"),
        (t + "first-year employees 101 passes", mod(EMP, years={2024: {"employees": 171},
                                                             2023: {"employees": 150},
                                                             2022: {"employees": 101}}), "pass"),
        (t + "founded 2009-01-01 (15 whole years to the end of 2024) passes",
         mod(GZ, {"founded": "2009-01-01"}), "pass"),
        (t + "founded 2008-12-31 (16 whole years to the end of 2024) fails", mod(GZ, {"founded": "2008-12-31"}), "fail"),
        (t + "young large firm founded 2014-01-01 with 10 whole years passes",
         mod(GZ, {"founded": "2014-01-01"}, years=gz_years([w(100000) + FEN] * 4)), "pass"),
        (t + "young large firm founded 2013-12-31 with 11 whole years fails",
         mod(GZ, {"founded": "2013-12-31"}, years=gz_years([w(100000) + FEN] * 4)), "fail"),
        (t + "young large firm: revenue one fen over 10亿 within 10 years passes",
         mod(GZ, {"founded": "2015-01-02"}, years=gz_years([w(100000) + FEN] * 4)), "pass"),
        (t + "young large firm: revenue exactly 10亿 fails",
         mod(GZ, {"founded": "2015-01-02"}, years=gz_years([w(100000)] * 4)), "fail"),
        (t + "very young firm: revenue one fen over 5亿 within 5 years passes",
         mod(GZ, {"founded": "2020-01-02"}, years=gz_years([w(50000) + FEN] * 4)), "pass"),
        (t + "very young firm: revenue exactly 5亿 fails",
         mod(GZ, {"founded": "2020-01-02"}, years=gz_years([w(50000)] * 4)), "fail"),
        (t + "young large firm with a revenue dip, decline not declared, is unknown",
         mod(GZ, {"founded": "2015-01-02"}, years=gz_years([w(100000) + FEN, w(120000), w(100000), w(100000)])),
         "unknown", {"missing": ["no_large_decline"]}),
        (t + "young large firm with a revenue dip declared no large decline passes",
         mod(GZ, {"founded": "2015-01-02", "no_large_decline": True},
             years=gz_years([w(100000) + FEN, w(120000), w(100000), w(100000)])), "pass"),
        (t + "young large firm with a revenue dip declared a large decline fails",
         mod(GZ, {"founded": "2015-01-02", "no_large_decline": False},
             years=gz_years([w(100000) + FEN, w(120000), w(100000), w(100000)])), "fail"),
        (t + "very young firm with a revenue dip, decline not declared, is unknown",
         mod(GZ, {"founded": "2020-01-02"}, years=gz_years([w(50000) + FEN, w(60000), w(50000), w(50000)])),
         "unknown", {"missing": ["no_large_decline"]}),
        (t + "4-year R&D exactly 2.5% fails (more than required)",
         mod(GZ, years={2021: {"rd_expense": w(D("8.6"))}}), "fail"),
        (t + "4-year R&D one fen over 2.5% passes", mod(GZ, years={2021: {"rd_expense": w(D("8.6")) + FEN}}), "pass"),
        (t + "R&D of the fourth year missing is unknown", mod(GZ, drop=[(2021, "rd_expense")]), "unknown",
         {"missing": ["rd_expense[2021]"]}),
    ]
    run("gazelle", "gazelle", GZ, rows, "2025-06-30", 2024)
    case("gazelle", "gazelle has no version in force on 2016-12-31", GZ, {"gazelle": "absent"},
         as_of="2016-12-31", year=2015)
