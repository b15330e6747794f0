"""Issue 26: entity EVA in every year the data allow, on profit cleaned of revaluation, with a checked debt series;
residual income on reported and adjusted profit; where value is created by segment; the change of EVA split into
spread and capital. Hand-computed expectations, and the real data where the sources print the inputs."""
import pandas as pd
import pytest

from test_ratios_eva import EVA_CFG, MARKET, WACC_CFG, make_panel
from corpfin.cost_of_capital import compute_wacc
from corpfin.debt import check_derivations, with_debt_series
from corpfin.eva import compute_eva, eva_change, eva_summary

DEBT = {"item": "interest_bearing_debt", "reported_items": ["total_debt_incl_leases"],
        "derivations": [{"ratio": "site_debt_to_assets", "base": "total_assets", "per": 100},
                        {"ratio": "other_debt_to_equity", "base": "total_equity", "per": 1}],
        "check_tolerance_relative": 0.01}


def debt_panel(other_2023: float = 0.18) -> pd.DataFrame:
    """Printed debt for FY2023 only; a debt-to-assets ratio (three decimals) for FY2021-2023 and a debt-to-equity
    ratio (two decimals) for FY2022-2023."""
    p = make_panel({
        2021: {"total_assets": 290000.0, "total_equity": 137000.0, "site_debt_to_assets": 10.082},
        2022: {"total_assets": 270000.0, "total_equity": 144000.0, "site_debt_to_assets": 9.527,
               "other_debt_to_equity": 0.18},
        2023: {"total_assets": 324247.44, "total_equity": 164261.77, "site_debt_to_assets": 9.198,
               "other_debt_to_equity": other_2023, "total_debt_incl_leases": 29830.0}})
    # half a unit of the last printed digit: ratios as printed, totals in RMB million to two decimals, the debt
    # printed as 29.83 billion
    res = {"site_debt_to_assets": 0.0005, "other_debt_to_equity": 0.005, "total_debt_incl_leases": 5.0}
    return p.assign(resolution=p["item"].map(res).fillna(0.005), basis="reported", canonical_unit="RMB_million",
                    source_id=[f"S{i}" for i in range(len(p))])


def test_derived_debt_is_checked_on_the_year_with_a_printed_figure_by_hand():
    p = debt_panel()
    c = check_derivations(p, DEBT).set_index("derivation")
    a = c.loc["site_debt_to_assets x total_assets / 100"]
    assert a["derived"] == pytest.approx(9.198 / 100 * 324247.44)          # 29,824.28 against 29,830 printed
    assert a["relative_error"] == pytest.approx((29824.27953 - 29830) / 29830, abs=1e-9)
    assert bool(a["agrees"]) and bool(a["used"])
    b = c.loc["other_debt_to_equity x total_equity"]
    assert b["derived"] == pytest.approx(0.18 * 164261.77) and bool(b["used"])
    # a derivation off by more than its rounding (0.005 x equity), the figure's and 1%: never used
    bad = check_derivations(debt_panel(other_2023=0.17), DEBT).set_index("derivation")
    assert not bool(bad.loc["other_debt_to_equity x total_equity", "used"])


def test_the_debt_series_is_the_printed_figure_else_the_first_passing_derivation():
    cat = pd.DataFrame({"item": ["interest_bearing_debt"], "statement": ["balance_sheet"]})
    s = with_debt_series(debt_panel(), DEBT, True, cat)
    d = s[s["item"] == "interest_bearing_debt"].set_index("fiscal_year")
    assert d.at[2023, "value"] == 29830.0 and d.at[2023, "basis"] == "reported"
    assert d.at[2021, "value"] == pytest.approx(10.082 / 100 * 290000.0) and d.at[2021, "basis"] == "derived"
    assert d.at[2022, "value"] == pytest.approx(9.527 / 100 * 270000.0)      # the first listed derivation
    # strict imputation: printed figures only; and a failing derivation is never taken
    strict = with_debt_series(debt_panel(), DEBT, False, cat)
    assert strict.loc[strict["item"] == "interest_bearing_debt", "fiscal_year"].tolist() == [2023]
    only_bad = {**DEBT, "derivations": [DEBT["derivations"][1]]}
    s2 = with_debt_series(debt_panel(other_2023=0.17), only_bad, True, cat)
    assert s2.loc[s2["item"] == "interest_bearing_debt", "fiscal_year"].tolist() == [2023]


ADJ = {**EVA_CFG, "nopat": {**EVA_CFG["nopat"], "route": "adjusted"}}
P = make_panel({
    2020: {"total_equity": 400.0, "total_borrowings": 100.0},
    2021: {"revenue": 1200.0, "profit_for_year": 90.0, "adjusted_net_profit": 70.0, "interest_expense": 6.0,
           "fv_changes_investments_fvtpl": 25.0, "profit_attributable_owners": 88.0, "total_equity": 520.0,
           "total_borrowings": 80.0, "rd_expenses": 50.0},
})


def wacc_table(panel):
    mkt = pd.concat([MARKET, pd.DataFrame([{"source_id": "M11", "item": "rf", "year": 2020, "value": 3.0},
                                           {"source_id": "M13", "item": "kd", "year": 2020, "value": 4.0}])])
    return mkt, compute_wacc(panel, mkt, {**WACC_CFG, "bounds_percent": {"min": 0.0, "max": 50.0}})


def test_entity_eva_on_adjusted_profit_by_hand():
    mkt, w = wacc_table(P)
    b = compute_eva(P, mkt, w, ADJ)
    s = eva_summary(b, "simple").set_index("fiscal_year")
    wacc = w.set_index("fiscal_year").at[2021, "wacc"]
    nopat = 70.0 + 6.0 * (1 - 0.25)                  # adjusted profit + after-tax interest
    capital = (400 + 520) / 2 + (100 + 80) / 2       # avg total equity + avg debt
    assert s.at[2021, "nopat"] == pytest.approx(nopat)
    assert s.at[2021, "invested_capital"] == pytest.approx(capital)
    assert s.at[2021, "eva"] == pytest.approx(nopat - capital * wacc / 100)
    lines = b[(b.method == "simple") & (b.fiscal_year == 2021)].set_index("line")["value"]
    assert lines["less: non-IFRS adjustments (after tax)"] == pytest.approx(70.0 - 90.0)
    assert lines["memo: fair-value changes of investments removed (pre-tax)"] == pytest.approx(-25.0)
    # residual income on adjusted profit: 70 - ke x opening equity 400
    ke = w.set_index("fiscal_year").at[2021, "cost_of_equity"]
    ri = eva_summary(b, "residual_income_adjusted").set_index("fiscal_year")
    assert ri.at[2021, "eva"] == pytest.approx(70.0 - ke / 100 * 400)


def test_an_interest_figure_far_above_the_debt_it_serves_takes_the_notional_interest():
    """30 on average debt 90 is 33%: more than interest (bound 10%); the year takes kd 4% x 90, marked derived."""
    p = pd.concat([P[~((P.item == "interest_expense") & (P.fiscal_year == 2021))],
                   make_panel({2021: {"interest_expense": 30.0}})], ignore_index=True)
    mkt, w = wacc_table(p)
    b = compute_eva(p, mkt, w, ADJ)
    row = b[(b.method == "simple") & (b.fiscal_year == 2021) & (b.line == "plus: interest expense x (1 - t)")].iloc[0]
    assert row["value"] == pytest.approx(4.0 / 100 * 90 * 0.75)
    assert "derived interest_expense FY2021 (notional" in row["estimate_inputs"]


def test_revaluation_counted_and_portfolio_out_are_the_matched_alternatives():
    mkt, w = wacc_table(pd.concat([P, make_panel({2020: {"investments_book_value": 40.0},
                                                  2021: {"investments_book_value": 60.0}})], ignore_index=True))
    panel = pd.concat([P, make_panel({2020: {"investments_book_value": 40.0},
                                      2021: {"investments_book_value": 60.0}})], ignore_index=True)
    base = eva_summary(compute_eva(panel, mkt, w, ADJ), "simple").set_index("fiscal_year")
    reval = {**ADJ, "nopat": {**ADJ["nopat"], "revaluation_in": True}}
    out = {**ADJ, "capital": {**ADJ["capital"], "portfolio_out": True}}
    r = eva_summary(compute_eva(panel, mkt, w, reval), "simple").set_index("fiscal_year")
    o = eva_summary(compute_eva(panel, mkt, w, out), "simple").set_index("fiscal_year")
    assert r.at[2021, "nopat"] - base.at[2021, "nopat"] == pytest.approx(25.0 * 0.75)
    assert base.at[2021, "invested_capital"] - o.at[2021, "invested_capital"] == pytest.approx((40 + 60) / 2)


def test_the_change_of_eva_splits_into_spread_and_capital_by_hand():
    s = pd.DataFrame({"company": "acme", "method": "simple", "fiscal_year": [2020, 2021, 2023],
                      "eva": [20.0, 60.0, 5.0], "eva_spread": [2.0, 4.0, 1.0],
                      "invested_capital": [1000.0, 1500.0, 500.0]})
    c = eva_change(s).set_index("fiscal_year")
    assert list(c.index) == [2021]                                   # FY2023 has no FY2022 before it
    assert c.at[2021, "from_spread"] == pytest.approx(0.02 * 1000)   # (4% - 2%) x opening capital
    assert c.at[2021, "from_capital"] == pytest.approx(0.04 * 500)   # 4% x the added capital
    assert c.at[2021, "from_spread"] + c.at[2021, "from_capital"] == pytest.approx(c.at[2021, "eva_change"])


def test_segment_gross_profit_is_printed_or_revenue_times_printed_margin():
    from corpfin.ratios import compute_ratios

    p = make_panel({2022: {"gross_profit": 47577.0, "seg_gross_profit_internet_services": 20347.0,
                           "seg_revenue_smartphones": 167217.2, "seg_gross_margin_smartphones": 9.0},
                    2024: {"gross_profit": 76560.0, "seg_revenue_internet_services": 34100.0,
                           "seg_gross_margin_internet_services": 76.6}})
    r = compute_ratios(p, 0.25).set_index(["ratio", "fiscal_year"])
    assert r.at[("segment_gross_profit_share_internet_services", 2022), "value"] == pytest.approx(
        20347.0 / 47577.0 * 100)
    assert r.at[("segment_gross_profit_internet_services", 2024), "value"] == pytest.approx(34100.0 * 0.766)
    assert r.at[("segment_gross_profit_internet_services", 2024), "estimate_inputs"].startswith(
        "derived seg_gross_profit_internet_services FY2024")
    assert r.at[("segment_gross_profit_internet_services", 2022), "estimate_inputs"] == ""


# --- the real data ------------------------------------------------------------------------------------------------
def test_entity_eva_fy2024_by_hand_from_the_sources(built):
    """FY2024 entity EVA with every input typed from its source: adjusted net profit 27,234.5 (L01590) and 19,272.8
    (L01278); interest expense 1,332.14 (L01641); total equity 164,261.77 and 189,205.12 (L01459, L01794); debt
    29.83 and 36.01 bn (L01458, L01792); China 10Y 1.738% (C0084), default spread 0.59 (C0021), US ERP 4.33 (C0017),
    CRP 0.69 (C0020), beta 1.12 (C0076), LPR 3.10 (C0032), tax 25% (C0102)."""
    ke = (1.738 - 0.59) + 1.12 * (4.33 + 0.69)
    e, d = 189205.12, 36010.0
    wacc = e / (e + d) * ke + d / (e + d) * 3.10 * (1 - 0.25)
    nopat = 27234.5 + 1332.14 * (1 - 0.25)
    capital = (164261.77 + 189205.12) / 2 + (29830.0 + 36010.0) / 2
    s = pd.read_csv(built / "data/processed/xiaomi/eva.csv")
    row = s[(s.method == "simple") & (s.fiscal_year == 2024)].iloc[0]
    # the processed tables hold ten significant digits
    assert row["cost_of_capital"] == pytest.approx(wacc, rel=1e-9)
    assert row["nopat"] == pytest.approx(nopat, rel=1e-9)
    assert row["invested_capital"] == pytest.approx(capital, rel=1e-9)
    assert row["eva"] == pytest.approx(nopat - capital * wacc / 100, rel=1e-9)


def test_entity_eva_has_seven_consecutive_years_and_removes_revaluation(built):
    s = pd.read_csv(built / "data/processed/xiaomi/eva.csv")
    years = s[(s.method == "simple") & s.eva.notna()].fiscal_year.tolist()
    assert years == list(range(2018, 2025))
    adj = s[(s.method == "residual_income_adjusted") & s.eva.notna()].fiscal_year.tolist()
    assert adj == list(range(2019, 2025))
    b = pd.read_csv(built / "data/processed/xiaomi/eva_buildup.csv")
    fy20 = b[(b.method == "simple") & (b.fiscal_year == 2020)].set_index("line")["value"]
    assert fy20["memo: fair-value changes of investments removed (pre-tax)"] == pytest.approx(-13200.0)
    assert fy20["capital: avg interest-bearing debt"] > 0 and fy20["capital: avg total equity"] > 0
    checks = pd.read_csv(built / "data/processed/xiaomi/debt_checks.csv")
    assert set(checks.loc[~checks.used, "derivation"]) == {"sa_fmp_debt_to_equity x total_equity"}


def test_robustness_names_the_choice_that_flips_a_year(built):
    r = pd.read_csv(built / "data/processed/xiaomi/eva_robustness.csv", keep_default_na=False)
    ri23 = r[(r.method == "residual_income") & (r.fiscal_year == 2023)].iloc[0]
    assert ri23["verdict"] == "not robust" and "ke_+2" in ri23["flips"].split()
    assert all((r.verdict == "robust") == (r.n_keep.astype(int) == r.n_scenarios.astype(int)))
