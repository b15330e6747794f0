"""Ratios and EVA on 2-3-year hand-made panels, with hand-computed expectations."""
import numpy as np
import pandas as pd
import pytest

from corpfin.cost_of_capital import compute_wacc
from corpfin.eva import compute_eva, eva_summary, rd_capitalisation
from corpfin.quantity import Wide
from corpfin.ratios import compute_ratios


def make_panel(values: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"company": "acme", "fiscal_year": y, "period": "FY", "item": k, "value": v}
                         for y, d in values.items() for k, v in d.items()])


P = make_panel({
    2020: {"revenue": 1000.0, "gross_profit": 200.0, "operating_profit": 100.0, "profit_for_year": 80.0,
           "total_assets": 1000.0, "equity_attributable_owners": 400.0, "profit_attributable_owners": 78.0,
           "total_equity": 420.0, "total_borrowings": 100.0, "rd_expenses": 50.0, "inventories": 100.0,
           "cost_of_sales": 800.0, "current_assets": 600.0, "current_liabilities": 300.0, "cfo": 120.0},
    2021: {"revenue": 1200.0, "gross_profit": 264.0, "operating_profit": 120.0, "profit_for_year": 90.0,
           "total_assets": 1200.0, "equity_attributable_owners": 500.0, "profit_attributable_owners": 90.0,
           "total_equity": 520.0, "total_borrowings": 80.0, "rd_expenses": 60.0, "inventories": 140.0,
           "cost_of_sales": 936.0, "current_assets": 700.0, "current_liabilities": 0.0, "cfo": 45.0,
           "total_liabilities": 680.0},
})


@pytest.fixture(scope="module")
def r():
    return compute_ratios(P, 0.25).set_index(["ratio", "fiscal_year"])


def test_margins_and_returns_by_hand(r):
    assert r.at[("gross_margin", 2021), "value"] == pytest.approx(22.0)            # 264 / 1200
    assert r.at[("net_margin", 2020), "value"] == pytest.approx(8.0)               # 80 / 1000
    assert r.at[("roe", 2021), "value"] == pytest.approx(90 / 450 * 100)           # avg equity (400 + 500) / 2
    assert r.at[("roa", 2021), "value"] == pytest.approx(90 / 1100 * 100)
    assert r.at[("roic", 2021), "value"] == pytest.approx(120 * 0.75 / ((420 + 100 + 520 + 80) / 2) * 100)
    assert r.at[("revenue_growth", 2021), "value"] == pytest.approx(20.0)
    assert r.at[("inventory_turnover", 2021), "value"] == pytest.approx(936 / 120)
    assert r.at[("inventory_days", 2021), "value"] == pytest.approx(365 / (936 / 120))
    assert r.at[("cfo_to_net_profit", 2021), "value"] == pytest.approx(0.5)
    assert r.at[("accruals_ratio", 2021), "value"] == pytest.approx((90 - 45) / 1100 * 100)
    assert r.at[("rd_intensity", 2020), "value"] == pytest.approx(5.0)


def test_missing_input_and_zero_denominator_give_nan_with_reason_never_inf(r):
    assert np.isnan(r.at[("roe", 2020), "value"])
    assert r.at[("roe", 2020), "status"] == "missing equity_attributable_owners FY2019"
    assert np.isnan(r.at[("current_ratio", 2021), "value"])
    assert r.at[("current_ratio", 2021), "status"] == "zero denominator: current_liabilities"
    assert r.at[("debt_to_assets", 2020), "status"] == "missing total_liabilities FY2020"
    vals = r["value"].to_numpy(dtype=float)
    assert not np.isinf(vals).any()
    assert (r.loc[r["value"].isna(), "status"] != "").all() and (r.loc[r["value"].notna(), "status"] == "").all()


def test_margins_lie_within_minus_100_and_100_percent(r):
    m = r.reset_index()
    m = m[m.ratio.isin(["gross_margin", "operating_margin", "net_margin"])]
    assert m["value"].between(-100, 100).all()


def test_rd_capitalisation_straight_line():
    p = make_panel({y: {"rd_expenses": v} for y, v in zip(range(2016, 2021), [10.0, 20.0, 30.0, 40.0, 50.0])})
    amort, asset = rd_capitalisation(Wide(p), 3)
    idx = ("acme", 2020)
    assert amort.v[idx] == pytest.approx((40 + 30 + 20) / 3)            # rd of t-1..t-3 over 3 years
    assert asset.v[idx] == pytest.approx(50 + 40 * 2 / 3 + 30 * 1 / 3)  # unamortised shares
    assert np.isnan(amort.v[("acme", 2018)]) and "missing rd_expenses FY2015" in amort.why[("acme", 2018)]


MARKET = pd.DataFrame([
    {"source_id": "M1", "item": "rf", "year": 2021, "value": 3.0},
    {"source_id": "M2", "item": "erp", "year": 2022, "value": 5.0},
    {"source_id": "M3", "item": "crp", "year": 2020, "value": 1.0},
    {"source_id": "M4", "item": "beta", "year": 2024, "value": 1.2},
    {"source_id": "M5", "item": "kd", "year": 2021, "value": 4.0},
    {"source_id": "M6", "item": "tax", "year": np.nan, "value": 25.0},
    {"source_id": "M7", "item": "sasac_rate", "year": np.nan, "value": 5.5},
    {"source_id": "M8", "item": "sasac_surcharge", "year": np.nan, "value": 0.5},
    {"source_id": "M9", "item": "ds", "year": 2020, "value": 0.5},
    {"source_id": "M10", "item": "sasac_ke", "year": np.nan, "value": 6.5},
])
WACC_CFG = {"risk_free": {"items": ["rf"], "treatment": "less_default_spread"},
            "default_spread": {"item": "ds", "year": 2020},
            "equity_risk_premium": {"items": ["erp"], "timing": "start_of_next_year"},
            "country_risk_premium": {"item": "crp", "year": 2020}, "beta": {"item": "beta", "year": 2024},
            "cost_of_debt": {"items": ["kd"], "spread_pp": 0.0}, "tax_rate": {"item": "tax"}, "weights": "book",
            "equity_items": ["total_equity"], "debt_items": ["total_borrowings"],
            "bounds_percent": {"min": 2.0, "max": 20.0}}
# the operating route of NOPAT with nothing removed (the hand-made statements print operating profit); the adjusted
# route has tests of its own
EVA_CFG = {"equity_items": ["total_equity"], "debt_items": ["total_borrowings"],
           "nopat": {"route": "operating", "adjusted_item": "adjusted_net_profit", "interest_item": "interest_expense",
                     "max_interest_rate_percent": 10, "remove_items": [],
                     "revaluation_item": "fv_changes_investments_fvtpl", "tax": "statutory", "revaluation_in": False},
           "capital": {"portfolio_items": ["investments_book_value"], "portfolio_out": False},
           "preferred_shares": {"last_year_end": 2000, "item": "preferred_shares_liability"},
           "residual_income": {"equity_item": "total_equity", "adjusted_profit_item": "adjusted_net_profit"},
           "sasac": {"rule": "pre2019", "equity_cost_rate_item": "sasac_ke",
                     "nopat_tax_rate_percent": 25, "nonrecurring_weight": 0.5, "nonrecurring_gain_items": [],
                     "equity_items": ["total_equity"], "nibcl_items": ["trade_payables"], "rate_item": "sasac_rate",
                     "surcharge_item": "sasac_surcharge", "surcharge_debt_ratio_percent": 75},
           "stern_stewart": {"rd_life_years": 1, "excess_cash": "none"}}


def test_wacc_by_capm_by_hand():
    w = compute_wacc(P, MARKET, WACC_CFG).set_index("fiscal_year")
    ke = (3.0 - 0.5) + 1.2 * (5.0 + 1.0)                         # 9.7: default spread out of rf, CRP into ERP
    expected = 520 / 600 * ke + 80 / 600 * 4.0 * 0.75            # book weights at FY2021
    assert w.at[2021, "cost_of_equity"] == pytest.approx(9.7)
    assert w.at[2021, "risk_free_used"] == pytest.approx(2.5)
    local = compute_wacc(P, MARKET, {**WACC_CFG, "risk_free": {"items": ["rf"], "treatment": "local_no_crp"}})
    assert local.set_index("fiscal_year").at[2021, "cost_of_equity"] == pytest.approx(3.0 + 1.2 * 5.0)
    assert w.at[2021, "wacc"] == pytest.approx(expected)
    assert w.at[2021, "risk_free_source"] == "M1" and w.at[2021, "beta_source"] == "M4"
    assert np.isnan(w.at[2020, "wacc"]) and "no source for" in w.at[2020, "status"]


def test_absurd_wacc_fails_loudly():
    bad = MARKET.copy()
    bad.loc[bad.item == "beta", "value"] = 9.0
    with pytest.raises(ValueError, match=r"acme FY2021: WACC .* outside the configured bounds \[2.0, 20.0\]%"):
        compute_wacc(P, bad, WACC_CFG)


def eva_tables(wacc_shift=0.0):
    m = MARKET.copy()
    m.loc[m.item == "rf", "value"] += wacc_shift
    w = compute_wacc(P, m, {**WACC_CFG, "bounds_percent": {"min": 0.0, "max": 50.0}})
    b = compute_eva(P, m, w, EVA_CFG)
    return w, b


def test_simple_eva_builds_up_line_by_line_by_hand():
    w, b = eva_tables()
    s = eva_summary(b, "simple").set_index("fiscal_year")
    wacc = w.set_index("fiscal_year").at[2021, "wacc"]
    nopat = 120 * 0.75
    capital = (420 + 520) / 2 + (100 + 80) / 2
    assert s.at[2021, "nopat"] == pytest.approx(nopat)
    assert s.at[2021, "invested_capital"] == pytest.approx(capital)
    assert s.at[2021, "capital_charge"] == pytest.approx(capital * wacc / 100)
    assert s.at[2021, "eva"] == pytest.approx(nopat - capital * wacc / 100)


def test_eva_equals_spread_times_capital_for_every_method():
    _, b = eva_tables()
    for m in ("residual_income", "residual_income_adjusted", "simple", "sasac", "stern_stewart"):
        s = eva_summary(b, m).dropna(subset=["eva"])
        assert np.allclose(s["eva"], s["eva_spread"] / 100 * s["invested_capital"])


def test_sasac_gap_is_reported_with_the_missing_item():
    _, b = eva_tables()
    s = eva_summary(b, "sasac").set_index("fiscal_year")
    assert np.isnan(s.at[2021, "eva"])
    line = b[(b.method == "sasac") & (b.fiscal_year == 2021) & (b.line == "invested_capital")].iloc[0]
    # every missing input is named, each once
    assert line["status"] == ("missing total_liabilities FY2020; missing trade_payables FY2021; "
                              "missing trade_payables FY2020; missing construction_in_progress FY2021; "
                              "missing construction_in_progress FY2020")


def test_higher_wacc_gives_lower_eva():
    _, lo = eva_tables(0.0)
    _, hi = eva_tables(1.0)
    e_lo = eva_summary(lo, "simple").set_index("fiscal_year").at[2021, "eva"]
    e_hi = eva_summary(hi, "simple").set_index("fiscal_year").at[2021, "eva"]
    assert e_hi < e_lo


def test_a_ratio_reading_another_companys_segment_through_another_ratio_is_left_out_silently():
    """Xiaomi's value-creation table: the products share of gross profit reads Apple's products segment through the
    products gross profit ratio, so it is neither shown nor listed as 'not computable'; Xiaomi's own empty ratio
    is listed."""
    from corpfin.tables import ratio_table, reads_foreign

    formula = {"segment_gross_profit_products": "seg_gross_profit_products as printed",
               "segment_gross_profit_share_products": "segment_gross_profit_products / gross_profit x 100",
               "segment_gross_profit_share_internet_services": "segment_gross_profit_internet_services / gross_profit x 100",
               "segment_gross_profit_internet_services": "seg_gross_profit_internet_services as printed"}
    foreign = frozenset({"seg_gross_profit_products"})
    assert reads_foreign("segment_gross_profit_share_products", formula, foreign)
    assert not reads_foreign("segment_gross_profit_share_internet_services", formula, foreign)
    ratios = pd.DataFrame([{"group": "value_creation", "ratio": n, "fiscal_year": 2024, "value": float("nan"),
                            "unit": "percent", "formula": f, "status": "missing"} for n, f in formula.items()])
    _, notes = ratio_table(ratios, "value_creation", [2024], foreign=foreign)
    assert "products" not in notes and "Not computable in any year" in notes and "internet services" in notes.lower()
