"""Issue 12: precision first, the additions_2 rows, ECB FX, imputation tiers, one definition per series,
market conflicts by a stated rule, and the computability table."""
import csv
import math

import pandas as pd
import pytest

from conftest import ROOT
from corpfin.derive import derive_from_identities, validate_imputation
from corpfin.errors import ConfigError
from corpfin.fx import average_rates, read_ecb, yearend_rates
from corpfin.market import derive_market, select_by_vintage, settle_conflicts
from corpfin.quantity import Wide

# Company-printed full-year ratios (growth and margins printed beside the figures), each with the ledger row whose
# verbatim quote prints it: (ratio, fiscal year, printed value, decimals, ledger row).
PRINTED = [
    ("revenue_growth", 2018, 52.6, 1, "L00315"), ("revenue_growth", 2019, 17.7, 1, "L00475"),
    ("revenue_growth", 2020, 19.4, 1, "L00595"), ("revenue_growth", 2021, 33.5, 1, "L00798"),
    ("revenue_growth", 2022, -14.7, 1, "L00680"), ("revenue_growth", 2023, -3.2, 1, "L01407"),
    ("revenue_growth", 2024, 35.0, 1, "L01724"),
    ("gross_profit_growth", 2018, 46.4, 1, "L00261"), ("gross_profit_growth", 2019, 28.7, 1, "L00478"),
    ("gross_profit_growth", 2022, -18.3, 1, "L00685"), ("gross_profit_growth", 2024, 33.2, 1, "L01636"),
    ("adjusted_net_profit_growth", 2018, 59.5, 1, "L00228"), ("adjusted_net_profit_growth", 2019, 34.8, 1, "L00486"),
    ("adjusted_net_profit_growth", 2020, 12.8, 1, "L00596"), ("adjusted_net_profit_growth", 2021, 69.5, 1, "L00799"),
    ("adjusted_net_profit_growth", 2022, -61.4, 1, "L00822"), ("adjusted_net_profit_growth", 2023, 126.3, 1, "L01276"),
    ("adjusted_net_profit_growth", 2024, 41.3, 1, "L01590"),
    ("profit_for_year_growth", 2019, -25.0, 1, "L00484"), ("profit_for_year_growth", 2022, -87.0, 1, "L00821"),
    ("profit_for_year_growth", 2024, 34.9, 1, "L01684"),
    ("adjusted_net_margin", 2021, 6.7, 1, "L00700"), ("adjusted_net_margin", 2022, 3.0, 1, "L00699"),
    ("adjusted_net_margin", 2023, 7.1, 1, "L01277"), ("net_margin", 2023, 6.4, 1, "L01370"),
    ("gross_margin", 2022, 17.0, 0, "L01203"), ("gross_margin", 2024, 20.9, 1, "L01632"),
]


def raw_sources():
    """Every source row of the raw extracts, by source id (the quote copied verbatim from the source ledger)."""
    rows = {}
    for f in sorted((ROOT / "data/raw/xiaomi").glob("*/sources.csv")):
        rows.update({r["source_id"]: r for r in csv.DictReader(open(f, encoding="utf-8"))})
    return rows


@pytest.mark.parametrize("ratio,year,printed,decimals,row", PRINTED)
def test_printed_ratio_is_in_its_quote(ratio, year, printed, decimals, row):
    quote = raw_sources()[row]["evidence"].replace("﹒", ".")
    text = f"{abs(printed):.{decimals}f}"
    assert text in quote, (row, text, quote)


def test_every_company_printed_ratio_agrees_within_its_printed_rounding(built):
    r = pd.read_csv(built / "data/processed/xiaomi/ratios.csv")
    v = r.set_index(["ratio", "fiscal_year"])["value"]
    off = []
    for ratio, year, printed, decimals, row in PRINTED:
        ours = v[(ratio, year)]
        if not abs(ours - printed) <= 0.5 * 10 ** -decimals + 1e-9:
            off.append((ratio, year, round(ours, 3), printed, row))
    assert not off, off


def test_precise_printings_win_in_the_real_panel(built):
    """The rows the issue names: 280,044.02 (not 280,000), 245,866 (not 245,900), 8,518.0 (not 8,500)."""
    p = pd.read_csv(built / "data/processed/xiaomi/panel.csv")
    p = p[p["period"] == "FY"].set_index(["item", "fiscal_year"])
    assert p.loc[("revenue", 2022), "value"] == pytest.approx(280044.016, abs=0.01)
    assert p.loc[("revenue", 2020), "value"] == pytest.approx(245865.633, abs=0.5)
    assert p.loc[("adjusted_net_profit", 2022), "value"] == pytest.approx(8518.0, abs=0.01)
    # the precedence winner stays on record as the authority
    assert p.loc[("revenue", 2022), "precedence_source_id"] != p.loc[("revenue", 2022), "source_id"]


def test_additions_2_rows_are_in_the_raw_data_with_provenance():
    rows = {r["row_id"]: r for r in csv.DictReader(open(ROOT / "data/sources/xiaomi_ledger_additions_2.csv",
                                                        encoding="utf-8"))}
    seen = set()
    for f in (ROOT / "data/raw/xiaomi").glob("*/sources.csv"):
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if r["source_id"].startswith("T"):
                seen.add(r["source_id"])
                assert r["ledger_ref"].startswith("shared/sources/xiaomi_ledger_additions_2.csv#" + r["source_id"])
                assert r["kind"] == "aggregator" and r["evidence"] == rows[r["source_id"]]["evidence"]
    for r in csv.DictReader(open(ROOT / "data/raw/market/cost_of_capital.csv", encoding="utf-8")):
        if r["source_id"].startswith("T"):
            seen.add(r["source_id"])
            assert rows[r["source_id"]]["evidence"] in r["evidence"]
    assert seen == set(rows), sorted(set(rows) - seen)


def test_porti_aggregates_never_become_line_items(built):
    p = pd.read_csv(built / "data/processed/xiaomi/panel.csv")
    t_rows = p[p["source_id"].astype(str).str.startswith("T")]
    assert set(t_rows["item"]) <= {"cash_and_equivalents", "equity_attributable_owners", "capex_total",
                                   "porti_short_term_investments", "porti_total_receivables", "yahoo_total_cash",
                                   "yahoo_total_debt"}
    cat = pd.read_csv(ROOT / "workflow/resources/items.csv")
    assert set(cat.loc[cat["item"].str.startswith("porti_"), "statement"]) == {"third_party_definition"}


def test_ecb_rates_in_the_raw_data_equal_the_pinned_package():
    daily = read_ecb()
    raw = {(r["item"], int(r["year"])): float(r["value"])
           for r in csv.DictReader(open(ROOT / "data/raw/additions/fx_ecb.csv", encoding="utf-8"))}
    ye = yearend_rates(daily, list(range(2015, 2026)))
    av = average_rates(daily, list(range(2015, 2026)))
    assert len(ye) == len(av) == 11
    for r in ye.itertuples():
        assert raw[("hkd_cny_ecb_yearend", r.year)] == round(r.rate, 4)
    for r in av.itertuples():
        assert raw[("hkd_cny_ecb_annual_average", r.year)] == round(r.rate, 4)
    # hand check: 31 Dec 2020, EUR/CNY 8.0225 and EUR/HKD 9.5142 -> 100 x 8.0225 / 9.5142 = 84.3213
    d = daily[daily["Date"] == "2020-12-31"].iloc[0]
    assert (d["CNY"], d["HKD"]) == (8.0225, 9.5142)
    assert raw[("hkd_cny_ecb_yearend", 2020)] == round(100 * 8.0225 / 9.5142, 4) == 84.3213


def test_fx_check_measures_ecb_against_safe(built):
    c = pd.read_csv(built / "data/processed/market/fx_check.csv")
    ye = c[c["printing"] == "yearend"].set_index("year")
    assert list(ye.index) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert ye.loc[2020, "relative_difference"] == pytest.approx(84.3213 / 84.164 - 1)
    assert c["relative_difference"].abs().max() < 0.02


def test_safe_parity_is_preferred_and_ecb_fills_2015_2019(built):
    fx = pd.read_csv(built / "data/processed/xiaomi/fx_estimates.csv")
    src = fx.set_index(["fiscal_year", "item"])["rate_source_id"]
    assert src[(2020, "total_equity")] == "N10001"          # SAFE central parity
    assert src[(2019, "total_equity")] == "E0005"           # ECB year end (no SAFE printing)
    assert src[(2019, "cff")] == "E0016"                    # a flow: ECB annual average
    used = fx[fx["used"]]
    assert {(2019, "total_equity"), (2019, "total_liabilities"), (2019, "cff")} <= set(zip(used.fiscal_year, used.item))
    p = pd.read_csv(built / "data/processed/xiaomi/panel.csv").set_index(["fiscal_year", "item"])
    assert p.loc[(2019, "total_equity"), "basis"] == "fx_estimate"
    assert p.loc[(2019, "total_equity"), "value"] == pytest.approx(91341.9 * 89.4047 / 100)


def panel_rows(rows, basis="reported"):
    return pd.DataFrame([{"company": "acme", "fiscal_year": y, "period": "FY", "item": it, "value": v,
                          "resolution": 0.5, "source_id": f"S{k}", "basis": basis, "canonical_unit": "USD_million"}
                         for k, (y, it, v) in enumerate(rows)])


IDENT = [{"name": "balance_sheet", "terms": {"total_liabilities": 1, "total_equity": 1}, "equals": "total_assets"},
         {"name": "liabilities_split", "terms": {"current_liabilities": 1, "non_current_liabilities": 1},
          "equals": "total_liabilities"},
         {"name": "seg", "terms": {"a": 1}, "equals": "revenue", "when_incomplete": "upper_bound"}]
CAT = pd.DataFrame({"item": ["total_liabilities", "current_liabilities"], "statement": ["balance_sheet"] * 2,
                    "quantity": ["money"] * 2})


def test_derived_value_is_the_one_unknown_of_an_identity_of_reported_terms():
    p = panel_rows([(2019, "total_assets", 1000.0), (2019, "total_equity", 400.0),
                    (2020, "total_liabilities", 700.0), (2020, "non_current_liabilities", 250.0)])
    d = derive_from_identities(p, IDENT, ["balance_sheet", "liabilities_split"], CAT)
    got = {(r.fiscal_year, r.item): r.value for r in d.itertuples()}
    # 1000 - 400 = 600 ; 700 - 250 = 450 (hand computed)
    assert got == {(2019, "total_liabilities"): 600.0, (2020, "current_liabilities"): 450.0}
    assert set(d["basis"]) == {"derived"} and d["resolution"].tolist() == [1.0, 1.0]
    assert set(d["canonical_unit"]) == {"USD_million"}          # the unit of its terms, not a fixed currency
    assert "total_liabilities = total_assets - total_equity" in d.iloc[0]["document"]


def test_no_derivation_from_an_imputed_term_or_over_an_existing_value():
    est = panel_rows([(2019, "total_assets", 1000.0), (2019, "total_equity", 400.0)], basis="fx_estimate")
    assert derive_from_identities(est, IDENT, ["balance_sheet"], CAT).empty
    full = panel_rows([(2019, "total_assets", 1000.0), (2019, "total_equity", 400.0)])
    full = pd.concat([full, panel_rows([(2019, "total_liabilities", 590.0)], basis="fx_estimate")])
    assert derive_from_identities(full, IDENT, ["balance_sheet"], CAT).empty


def test_imputation_config_names_are_checked_with_the_accepted_values():
    ok = {"mode": "tiered", "derived_identities": ["balance_sheet"], "carried": ["beta"]}
    validate_imputation(ok, IDENT, ["beta", "country_risk_premium"])
    with pytest.raises(ConfigError, match=r"imputation.derived_identities: unknown identity 'balanse_sheet'.*"
                                          r"balance_sheet, liabilities_split"):
        validate_imputation({**ok, "derived_identities": ["balanse_sheet"]}, IDENT, ["beta"])
    with pytest.raises(ConfigError, match="upper_bound|unknown identity 'seg'"):
        validate_imputation({**ok, "derived_identities": ["seg"]}, IDENT, ["beta"])
    with pytest.raises(ConfigError, match=r"imputation.carried: unknown input 'betta'; accepted: beta"):
        validate_imputation({**ok, "carried": ["betta"]}, IDENT, ["beta"])
    with pytest.raises(ConfigError, match=r"imputation.mode: unknown value 'loose'; accepted: strict, tiered"):
        validate_imputation({**ok, "mode": "loose"}, IDENT, ["beta"])


def mkt(rows):
    return pd.DataFrame([{"source_id": s, "item": it, "year": float(y), "value": v, "decimals": d, "unit": "percent"}
                         for s, it, y, v, d in rows])


def test_market_conflicts_are_settled_by_precision_then_source_id_never_row_order():
    rows = [("C0013", "erp", 2022, 4.9, 1), ("C0014", "erp", 2022, 4.24, 2),
            ("T0043", "beta", 2023, 1.28, 2), ("T0042", "beta", 2023, 1.25, 2)]
    for order in (rows, rows[::-1]):
        m, c = settle_conflicts(mkt(order))
        chosen = m[m["chosen"]].set_index("item")["value"].to_dict()
        assert chosen == {"erp": 4.24, "beta": 1.25}
        assert c.set_index("item")["decided_by"].to_dict() == {
            "erp": "more precise printing", "beta": "tie in precision: lower source id"}
        assert c.set_index("item")["other_value"].to_dict() == {"erp": 4.9, "beta": 1.28}


def test_vintage_selection_exact_then_nearest_before_then_after():
    m = mkt([("A", "beta", 2023, 1.25, 2), ("B", "beta", 2024, 1.12, 2), ("C", "kd", 2015, 4.35, 2)])
    m["chosen"] = True
    assert select_by_vintage(m, ["beta"], 2024, True, True)["tier"] == "reported"
    got = select_by_vintage(m, ["beta"], 2019, True, True)
    assert (got["value"], got["vintage"], got["tier"]) == (1.25, 2023, "carried")      # nearest after
    got = select_by_vintage(m, ["kd"], 2018, True, True)
    assert (got["value"], got["vintage"], got["tier"]) == (4.35, 2015, "carried")      # in force since 2015
    assert math.isnan(select_by_vintage(m, ["kd"], 2018, False, True)["value"])       # strict: a gap


def test_end_2023_yield_is_derived_from_the_2024_level_and_its_printed_fall():
    m = mkt([("C0084", "cn_10y_govt_yield_latest_dec2024_proxy", 2024, 1.738, 3),
             ("T0064", "cn_10y_govt_yield_ytd_change_2024", 2024, -85.4, 1)])
    m["chosen"] = True
    d = derive_market(m, [{"item": "cn_10y_govt_yield_yearend", "year": 2023, "unit": "percent", "rule": "r",
                           "terms": [{"item": "cn_10y_govt_yield_latest_dec2024_proxy", "year": 2024, "factor": 1},
                                     {"item": "cn_10y_govt_yield_ytd_change_2024", "year": 2024, "factor": -0.01}]}])
    row = d[d["basis"] == "derived"].iloc[0]
    assert row["value"] == pytest.approx(2.592)
    assert select_by_vintage(d, ["cn_10y_govt_yield_yearend"], 2023, False, True)["tier"] == "derived"
    assert math.isnan(select_by_vintage(d, ["cn_10y_govt_yield_yearend"], 2023, False, False)["value"])


def test_wacc_inputs_exist_for_every_year_in_tiered_mode_with_tier_and_vintage(built):
    w = pd.read_csv(built / "data/processed/xiaomi/wacc.csv")
    assert list(w["fiscal_year"]) == list(range(2015, 2025))
    for key in ("risk_free", "equity_risk_premium", "country_risk_premium", "beta", "cost_of_debt"):
        assert w[key].notna().all(), key
        assert w[f"{key}_vintage"].notna().all() and w[f"{key}_tier"].isin(["reported", "derived", "carried"]).all()
    r = w.set_index("fiscal_year")
    assert (r.loc[2023, "risk_free"], r.loc[2023, "risk_free_tier"]) == (pytest.approx(2.592), "derived")
    assert (r.loc[2017, "cost_of_debt_tier"], r.loc[2017, "cost_of_debt_vintage"]) == ("carried", 2015)
    # every carried or derived input is named in the flags that travel downstream
    assert "carried beta FY2019 (vintage 2023)" in r.loc[2019, "estimate_inputs"] if pd.notna(
        r.loc[2019, "estimate_inputs"]) else True


def test_no_series_mixes_definitions(built):
    w = pd.read_csv(built / "data/processed/xiaomi/wacc.csv")
    assert w.groupby("company")["equity_item"].nunique().max() == 1
    assert w.groupby("company")["debt_item"].nunique().max() == 1
    b = pd.read_csv(built / "data/processed/xiaomi/eva_buildup.csv")
    assert b.groupby(["company", "method"])["definition"].nunique().max() == 1


def test_one_definition_prefers_full_coverage_then_most_years_then_latest():
    p = panel_rows([(2019, "a", 1.0), (2020, "a", 1.0), (2019, "b", 1.0), (2020, "b", 1.0), (2021, "b", 1.0),
                    (2021, "c", 1.0), (2021, "d", 1.0)])
    w = Wide(p)
    assert w.definition(["a", "b"]) == "b"          # b covers every year
    assert w.definition(["a", "c"]) == "a"          # most years
    assert w.definition(["c", "d"]) == "c"          # same coverage: list order
    p2 = panel_rows([(2019, "x", 1.0), (2021, "y", 1.0), (2020, "z", 1.0)])
    assert Wide(p2).definition(["x", "y"]) == "y"   # same count: the one reaching the latest year


def test_computability_strict_vs_tiered(built):
    t = pd.read_csv(built / "data/processed/xiaomi/computability.csv", keep_default_na=False).set_index("series")
    assert (t["n_tiered"] >= t["n_strict"]).all()
    # stated rules add years: current liabilities derived FY2023-24, the end-2023 yield derived
    assert t.loc["current_ratio", "n_tiered"] > t.loc["current_ratio", "n_strict"]
    assert "2023" in t.loc["wacc", "gained"]
    md = (built / "reports/tables/computability.md").read_text(encoding="utf-8")
    assert "| Solvency | Current ratio |" in md


def test_strict_mode_reproduces_the_gaps_without_imputation(tmp_path):
    """Strict mode: no derived row in the panel, no derived or by-year carried WACC input."""
    from pipeline import copy_repo, snakemake

    work = copy_repo(tmp_path)
    cfg = (work / "workflow/config.yaml").read_text(encoding="utf-8").replace("  mode: tiered", "  mode: strict")
    (work / "workflow/config.yaml").write_text(cfg, encoding="utf-8")
    r = snakemake(work, "data/processed/xiaomi/wacc.csv", "data/processed/xiaomi/computability.csv")
    assert r.returncode == 0, r.stderr[-3000:]
    p = pd.read_csv(work / "data/processed/xiaomi/panel.csv")
    assert "derived" not in set(p["basis"])
    w = pd.read_csv(work / "data/processed/xiaomi/wacc.csv").set_index("fiscal_year")
    assert pd.isna(w.loc[2023, "risk_free"]) and pd.isna(w.loc[2016, "cost_of_debt"])
    assert set(w["beta_vintage"]) == {2024} and set(w["country_risk_premium_vintage"]) == {2020}
    t = pd.read_csv(work / "data/processed/xiaomi/computability.csv", keep_default_na=False).set_index("series")
    got = dict(zip(w.index, w["wacc"].notna()))
    assert t.loc["wacc", "n_strict"] == sum(got.values())


def test_numbers_print_rounded_half_up_like_a_printed_figure():
    from corpfin.markdown import num

    assert num(365906.35, 1) == "365,906.4"     # the company prints 365,906.4; a float rounds it to .3
    assert num(2.5, 0) == "3" and num(-2.5, 0) == "-3" and num(1234.5678, 2, thousands=False) == "1234.57"


def test_recorded_contradictions_of_additions_2_are_conflict_rows(built):
    c = pd.read_csv(built / "data/processed/xiaomi/conflicts.csv", dtype={"other_source_id": str})
    pairs = set(zip(c["chosen_source_id"], c["other_source_id"]))
    assert {("T0028", "T0029"), ("T0034", "T0035"), ("T0026", "T0027"), ("T0038", "T0039")} <= pairs


def test_every_tier_has_its_mark_in_the_tables_that_use_it(built):
    t = built / "reports/tables"
    wacc = (t / "wacc.md").read_text(encoding="utf-8")
    assert "2.592‡" in wacc and "§ (2023)" in wacc                       # derived yield, carried beta with vintage
    assert "‡" in (t / "ratios_solvency.md").read_text(encoding="utf-8")  # current ratio on derived liabilities
    assert "‡" in (t / "identities.md").read_text(encoding="utf-8")       # derived: not a check
    trends = (t / "trends_notes.md").read_text(encoding="utf-8")   # imputed points are listed below the table
    assert "2023‡" in trends and "§" in trends
    eva = (t / "eva_methods.md").read_text(encoding="utf-8")
    assert "§" in eva


def test_a_market_derivation_naming_an_unknown_item_is_refused():
    from corpfin.errors import ConfigError

    m = mkt([("C0084", "cn_10y_govt_yield_latest_dec2024_proxy", 2024, 1.738, 3)])
    with pytest.raises(ConfigError, match=r"imputation.market_derivations\[0\].terms\[0\].item: unknown item "
                                          r"'cn_10y_yield_typo'; accepted"):
        derive_market(m, [{"item": "x", "year": 2023, "unit": "percent", "rule": "r",
                           "terms": [{"item": "cn_10y_yield_typo", "year": 2024, "factor": 1}]}])
