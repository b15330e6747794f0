"""Issue 13: residual income, the risk-free treatment, NOPAT without portfolio revaluation, preferred shares,
SASAC by the rule of its year, enterprise value, robustness and EVA trend tests; hand-computed, and on the
real data where a year is computable."""
import numpy as np
import pandas as pd
import pytest

from test_ratios_eva import EVA_CFG, MARKET, WACC_CFG, make_panel
from corpfin.cost_of_capital import compute_wacc
from corpfin.eva import compute_eva, eva_summary, shifted_evas
from corpfin.market_value import market_value_added

P3 = make_panel({
    2019: {"total_equity": 300.0, "total_borrowings": 100.0, "total_liabilities": 500.0, "total_assets": 800.0},
    2020: {"revenue": 1000.0, "operating_profit": 100.0, "profit_for_year": 80.0, "profit_attributable_owners": 78.0,
           "total_equity": 420.0, "total_borrowings": 100.0, "fv_changes_investments_fvtpl": 30.0,
           "interest_expense": 8.0, "rd_expenses": 50.0, "total_liabilities": 580.0, "total_assets": 1000.0},
    2021: {"revenue": 1200.0, "operating_profit": 120.0, "profit_for_year": 90.0, "profit_attributable_owners": 90.0,
           "total_equity": 520.0, "total_borrowings": 80.0, "interest_expense": 6.0, "rd_expenses": 60.0,
           "total_liabilities": 680.0, "total_assets": 1200.0},
})
MKT = pd.concat([MARKET, pd.DataFrame([{"source_id": "M11", "item": "rf", "year": 2020, "value": 3.0},
                                       {"source_id": "M12", "item": "erp", "year": 2021, "value": 5.0},
                                       {"source_id": "M13", "item": "kd", "year": 2020, "value": 4.0}])],
                ignore_index=True)
WCFG = {**WACC_CFG, "bounds_percent": {"min": 0.0, "max": 50.0}}


def build(eva_cfg=EVA_CFG, panel=P3):
    w = compute_wacc(panel, MKT, WCFG)
    return w.set_index("fiscal_year"), compute_eva(panel, MKT, w, eva_cfg)


def line(b, method, year, name):
    r = b[(b.method == method) & (b.fiscal_year == year) & (b.line == name)].iloc[0]
    return r["value"], r["status"]


def test_residual_income_by_hand_on_opening_equity():
    w, b = build()
    ke = (3.0 - 0.5) + 1.2 * (5.0 + 1.0)                    # 9.7
    assert w.at[2021, "cost_of_equity"] == pytest.approx(ke)
    s = eva_summary(b, "residual_income").set_index("fiscal_year")
    # RI 2021 = 90 - 9.7% x 420 (the equity at the end of 2020, the opening balance of 2021)
    assert s.at[2021, "eva"] == pytest.approx(90 - 0.097 * 420)
    assert s.at[2021, "invested_capital"] == pytest.approx(420)
    assert s.at[2020, "eva"] == pytest.approx(78 - 0.097 * 300)
    assert b[b.method == "residual_income"]["formula"].iloc[0].startswith("RI = profit attributable to owners")


def test_entity_nopat_removes_portfolio_revaluation_as_its_own_line():
    cfg = {**EVA_CFG, "nopat": {**EVA_CFG["nopat"], "remove_items": ["fv_changes_investments_fvtpl"]}}
    w, b = build(cfg)
    removed, _ = line(b, "simple", 2020,
                      "less: removed non-operating items (revaluation of investments, associates)")
    assert removed == pytest.approx(-30.0)
    nopat, _ = line(b, "simple", 2020, "nopat")
    assert nopat == pytest.approx((100 - 30) * 0.75)
    # an item no source prints for the year is a gap with its name, never a zero
    nopat21, why = line(b, "simple", 2021, "nopat")
    assert np.isnan(nopat21) and "missing fv_changes_investments_fvtpl FY2021" in why


def test_preferred_share_years_are_not_meaningful_unless_the_liability_is_sourced():
    cfg = {**EVA_CFG, "preferred_shares": {"last_year_end": 2019, "item": "preferred_shares_liability"}}
    _, b = build(cfg)
    s = eva_summary(b, "residual_income").set_index("fiscal_year")
    assert np.isnan(s.at[2020, "eva"])
    assert s.at[2020, "status"].startswith("not meaningful: preferred shares carried as liabilities up to FY2019")
    assert s.at[2021, "eva"] == pytest.approx(90 - 0.097 * 420)          # after the conversion: unaffected
    sourced = pd.concat([P3, make_panel({2019: {"preferred_shares_liability": 200.0}})], ignore_index=True)
    _, b2 = build(cfg, sourced)
    s2 = eva_summary(b2, "residual_income").set_index("fiscal_year")
    # the liability is equity capital: opening capital 300 + 200
    assert s2.at[2020, "eva"] == pytest.approx(78 - 0.097 * 500)


def test_sasac_rate_follows_the_rule_of_its_year():
    cfg = {**EVA_CFG, "sasac": {**EVA_CFG["sasac"], "rule": "by_year", "nibcl_items": []}}
    nibcl_free = pd.concat([P3, make_panel({y: {"construction_in_progress": 0.0} for y in (2019, 2020, 2021)})],
                           ignore_index=True)
    _, b = build(cfg, nibcl_free)
    rate, _ = line(b, "sasac", 2021, "cost_of_capital")
    # post-2019 rule: kd = 6 / avg debt 90; weights on avg debt 90 and avg equity 470; ke 6.5%
    kd = 6.0 / 90.0 * 100
    expected = kd * 90 / 560 * 0.75 + 6.5 * 470 / 560
    assert rate == pytest.approx(expected)
    cfg_pre = {**cfg, "sasac": {**cfg["sasac"], "rule": "pre2019"}}
    _, b_pre = build(cfg_pre, nibcl_free)
    assert line(b_pre, "sasac", 2021, "cost_of_capital")[0] == pytest.approx(5.5)   # debt ratio 56.7% < 75%


def test_nibcl_items_missing_from_the_sources_are_named():
    cfg = {**EVA_CFG, "sasac": {**EVA_CFG["sasac"], "nibcl_items": ["notes_payable", "taxes_payable"]}}
    _, b = build(cfg)
    _, why = line(b, "sasac", 2021, "invested_capital")
    assert "missing notes_payable FY2021" in why and "missing taxes_payable FY2021" in why


def test_enterprise_value_by_hand():
    p = pd.concat([P3, make_panel({2021: {"cash_and_equivalents": 50.0, "depreciation_amortization": 30.0}})],
                  ignore_index=True)
    mk = pd.concat([MKT, pd.DataFrame([{"source_id": "K1", "item": "cap", "year": 2021, "value": 2000.0},
                                       {"source_id": "K2", "item": "fx", "year": 2021, "value": 90.0}])])
    m = market_value_added(p, mk, {"item": "cap", "currency": "HKD"},
                           {"per": 100, "yearend_rate_items": ["fx"], "from_currency": "HKD", "to_currency": "RMB"},
                           ["total_equity"], ["total_borrowings"], ["cash_and_equivalents"], "RMB").set_index("fiscal_year")
    cap = 2000.0 * 0.9
    assert m.at[2021, "enterprise_value"] == pytest.approx(cap + 80 - 50)
    assert m.at[2021, "ev_to_ebitda"] == pytest.approx((cap + 30) / 150)
    assert m.at[2021, "ev_to_revenue"] == pytest.approx((cap + 30) / 1200)
    assert m.at[2021, "ev_estimate_inputs"].startswith("fx_estimate market_cap FY2021")


# --- the real data ------------------------------------------------------------------------------------------
def test_headline_is_entity_eva_and_residual_income_is_not_meaningful_before_the_listing(built):
    e = pd.read_csv(built / "data/processed/xiaomi/eva.csv")
    h = e[e["headline"]]
    assert set(h["method"]) == {"simple"}
    ri = e[e.method == "residual_income"].set_index("fiscal_year")
    assert sorted(ri.loc[ri["eva"].notna()].index) == [2019, 2020, 2021, 2022, 2023, 2024]
    assert ri.loc[[2016, 2017, 2018], "status"].str.startswith("not meaningful: preferred shares").all()


def test_residual_income_fy2024_by_hand_from_the_printed_inputs(built):
    w = pd.read_csv(built / "data/processed/xiaomi/wacc.csv").set_index("fiscal_year")
    # ke = (1.738 - 0.59) + 1.12 x (4.33 + 0.69): yield 25 Dec 2024 (C0084), default spread (C0021, 2020
    # vintage), Yahoo 5Y beta mid-2024 (C0076), ERP at 1 Jan 2025 (C0017), CRP (C0020, 2020 vintage)
    assert w.at[2024, "cost_of_equity"] == pytest.approx((1.738 - 0.59) + 1.12 * (4.33 + 0.69))
    assert w.at[2024, "beta_source"] == "C0076" and w.at[2024, "default_spread_vintage"] == 2020
    p = pd.read_csv(built / "data/processed/xiaomi/panel.csv").set_index(["item", "fiscal_year"])
    ni = p.at[("profit_attributable_owners", 2024), "value"]
    eq = p.at[("equity_attributable_owners", 2023), "value"]
    e = pd.read_csv(built / "data/processed/xiaomi/eva.csv")
    ri = e[(e.method == "residual_income") & (e.fiscal_year == 2024)].iloc[0]
    assert ri["eva"] == pytest.approx(ni - w.at[2024, "cost_of_equity"] / 100 * eq)
    assert ri["eva"] == pytest.approx(12555.0, abs=1.0)


def test_eva_series_enter_the_trend_family_with_their_smallest_attainable_p(built):
    t = pd.read_csv(built / "data/processed/xiaomi/trend_tests.csv").set_index("series")
    for name, n in (("eva", 7), ("eva_spread", 7), ("residual_income_adjusted", 6), ("residual_income", 6)):
        assert t.at[name, "n"] == n and t.at[name, "verdict"] != "not tested"
        # exact test, no ties: the smallest attainable two-sided p is 2 / n!
        assert t.at[name, "mk_min_attainable_p"] == pytest.approx(2 / np.prod(range(1, n + 1)))


def test_shifted_eva_moves_only_the_capital_charge():
    """EVA = NOPAT - capital x (rate + shift) / 100 on the base build-up: NOPAT 100, capital 1,000, rate 8%."""
    lines = {"nopat": 100.0, "invested_capital": 1000.0, "cost_of_capital": 8.0, "eva": 20.0}
    b = pd.DataFrame([{"company": "x", "fiscal_year": 2024, "method": "simple", "line": k, "value": v,
                       "status": ""} for k, v in lines.items()]
                     + [{"company": "x", "fiscal_year": 2024, "method": "sasac", "line": "eva", "value": -5.0,
                         "status": ""}])
    out = shifted_evas(b, "simple", [-2.0, 0.0, 1.0])
    assert [e["value"].tolist() for e in out] == [[40.0], [20.0], [10.0]]
    assert all(e["method"].tolist() == ["simple"] and e["line"].tolist() == ["eva"] for e in out)


# --- robustness recomputes only the methods a scenario can change (corpfin.eva.METHOD_READS) -------------------------
def _by_method(b: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each method's rows, text columns as text (a categorical's categories are those of all four methods)."""
    b = b.drop(columns=["formula"])
    b = b.astype({c: object for c in b.columns if isinstance(b[c].dtype, pd.CategoricalDtype)})
    return {m: g.reset_index(drop=True) for m, g in b.groupby("method")}


@pytest.mark.parametrize("change,cfg_key", [
    ("ke", None),                                     # another cost of equity (and so another WACC)
    ("wacc", None),                                   # another WACC with the same cost of equity: weights, debt, tax
    ("cfg", "stern_stewart"), ("cfg", "sasac"), ("cfg", "residual_income"), ("cfg", "nopat"), ("cfg", "capital"),
])
def test_a_method_that_does_not_read_a_change_gives_the_same_build_up(change, cfg_key):
    """Each claim of corpfin.eva.METHOD_READS: a method that does not read a change gives the same rows, line for
    line, when it changes; and the change moves every method that reads it."""
    from corpfin.eva import METHOD_READS

    panel = pd.concat([P3, make_panel({2020: {"adjusted_net_profit": 70.0, "investments_book_value": 50.0},
                                       2021: {"adjusted_net_profit": 95.0, "investments_book_value": 60.0,
                                              "fv_changes_investments_fvtpl": 10.0}})], ignore_index=True)
    w = compute_wacc(panel, MKT, WCFG)
    cfg = EVA_CFG
    if change == "ke":
        w2, cfg2, what = w.assign(wacc=w["wacc"] + 1.0, cost_of_equity=w["cost_of_equity"] + 1.0), cfg, "ke"
    elif change == "wacc":
        w2, cfg2, what = w.assign(wacc=w["wacc"] + 1.5), cfg, "wacc"
    else:
        w2, what = w, cfg_key
        alt = {"stern_stewart": {"rd_life_years": 2}, "sasac": {"nopat_tax_rate_percent": 30},
               "residual_income": {"equity_item": "total_assets"}, "nopat": {"revaluation_in": True},
               "capital": {"portfolio_out": True}}[cfg_key]
        cfg2 = {**cfg, cfg_key: {**cfg[cfg_key], **alt}}
    base, other = _by_method(compute_eva(panel, MKT, w, cfg)), _by_method(compute_eva(panel, MKT, w2, cfg2))
    readers = [m for m, reads in METHOD_READS.items() if what in reads]
    assert readers
    for m in METHOD_READS:
        if m in readers:
            assert not base[m]["value"].equals(other[m]["value"]), m
        else:
            pd.testing.assert_frame_equal(base[m], other[m])


def test_a_scenario_counts_only_for_the_methods_it_can_move():
    from corpfin.robustness import applies

    def sc(*changes):
        return {"name": "x", "changes": set(changes)}
    assert [m for m in ("residual_income", "simple", "stern_stewart") if applies(sc("stern_stewart"), m)] == \
        ["stern_stewart"]                                         # an R&D life moves Stern Stewart only
    assert not applies(sc("wacc"), "residual_income")               # weights and cost of debt: not residual income
    assert applies(sc("ke"), "residual_income") and applies(sc("ke"), "simple")
    assert applies(sc("panel"), "sasac") and applies({"name": "base", "changes": set()}, "sasac")


def test_share_of_scenarios_keeping_the_sign_on_a_hand_made_grid():
    """Two years of one method: FY2021 base +100 kept by 3 of 3 scenarios (robust); FY2022 base +10, kept by one
    scenario, flipped by two, and one scenario without a value (not counted): share 1/3, not robust, the flipping
    scenarios named; the spread and the ranges of EVA and of the rate as computed by hand."""
    from corpfin.robustness import summarise

    def row(year, scenario, eva, spread, rate):
        return {"company": "acme", "fiscal_year": year, "method": "simple", "scenario": scenario,
                "description": scenario, "eva": eva, "eva_spread": spread, "cost_of_capital": rate, "status": ""}
    long = pd.DataFrame([row(2021, "base", 100.0, 5.0, 8.0), row(2021, "a", 80.0, 4.0, 9.0),
                         row(2021, "b", 120.0, 6.0, 7.0), row(2021, "c", 5.0, 0.2, 10.8),
                         row(2022, "base", 10.0, 0.5, 8.0), row(2022, "a", -5.0, -0.2, 8.7),
                         row(2022, "b", 2.0, 0.1, 8.4), row(2022, "c", -1.0, -0.05, 8.55),
                         row(2022, "d", np.nan, np.nan, np.nan)])
    s = summarise(long).set_index("fiscal_year")
    assert (s.at[2021, "n_scenarios"], s.at[2021, "n_keep"], s.at[2021, "share_keep"]) == (3, 3, 1.0)
    assert s.at[2021, "verdict"] == "robust" and s.at[2021, "flips"] == ""
    assert (s.at[2022, "n_scenarios"], s.at[2022, "n_keep"]) == (3, 1)
    assert s.at[2022, "share_keep"] == pytest.approx(1 / 3)
    assert s.at[2022, "verdict"] == "not robust" and s.at[2022, "flips"] == "a c"
    assert (s.at[2022, "min"], s.at[2022, "max"]) == (-5.0, 10.0)
    assert (s.at[2022, "rate_min"], s.at[2022, "rate_max"]) == (8.0, 8.7)
    assert s.at[2022, "spread_pp"] == 0.5 and s.at[2022, "sign"] == "positive"
