"""Issue 29: Apple through the whole pipeline, its ratios computed by hand from the lines of its FY2024 10-K (and the
FY2023 comparatives for the opening balances), its statements tying every year, its value measures, and the
income-statement peers; no currency mixed."""
import pandas as pd
import pytest

# Apple 10-K FY2024 (SEC accession 0000320193-24-000123) and FY2023, USD million, with the peer-ledger rows
REV24, COS24, GP24, OP24, NI24 = 391035.0, 210352.0, 180683.0, 123216.0, 93736.0      # P0029 P0110 P0182 P0416 P0506
TA23, TA24, EQ23, EQ24 = 352583.0, 364980.0, 62146.0, 56950.0                         # P0630 P0632 P0777 P0779
CA24, CL24 = 152987.0, 176392.0                                                         # P0611 P0737
INV23, INV24, AR23, AR24 = 6331.0, 7286.0, 29508.0, 33410.0                             # P0588 P0590 P0546 P0548
RD24, SERV24, SERV_GP24 = 31370.0, 96169.0, 71050.0                                     # P0326 P0080 P0224


@pytest.mark.parametrize("ratio,expected", [
    ("gross_margin", GP24 / REV24 * 100),
    ("operating_margin", OP24 / REV24 * 100),
    ("net_margin", NI24 / REV24 * 100),
    ("roa", NI24 / ((TA23 + TA24) / 2) * 100),
    ("roe", NI24 / ((EQ23 + EQ24) / 2) * 100),
    ("current_ratio", CA24 / CL24),
    ("total_asset_turnover", REV24 / ((TA23 + TA24) / 2)),
    ("inventory_turnover", COS24 / ((INV23 + INV24) / 2)),
    ("receivables_turnover", REV24 / ((AR23 + AR24) / 2)),
    ("rd_intensity", RD24 / REV24 * 100),
    ("services_revenue_share", SERV24 / REV24 * 100),
    ("services_gross_profit_share", SERV_GP24 / GP24 * 100),
])
def test_apple_fy2024_ratios_by_hand_from_the_10k(built, ratio, expected):
    r = pd.read_csv(built / "data/processed/apple/ratios.csv").set_index(["ratio", "fiscal_year"])["value"]
    assert r[(ratio, 2024)] == pytest.approx(expected, rel=1e-9)


def test_apple_statements_tie_every_year_and_its_value_measures_exist(built):
    c = pd.read_csv(built / "data/processed/apple/identity_checks.csv")
    for identity in ("balance_sheet", "gross_profit", "profit_after_tax", "balance_sheet_total"):
        assert set(c.loc[c.identity == identity, "status"]) == {"holds"}, identity
    assert set(c.loc[(c.identity == "products_services") & (c.fiscal_year >= 2017), "status"]) == {"holds"}
    e = pd.read_csv(built / "data/processed/apple/eva.csv")
    assert len(e[(e.method == "simple") & e.eva.notna()]) >= 8
    assert (e.loc[(e.method == "simple") & e.eva.notna(), "eva"] > 0).all()
    assert len(pd.read_csv(built / "data/processed/apple/trend_tests.csv")) > 0


def test_apple_restated_comparatives_take_the_latest_filing_and_keep_the_original(built):
    """FY2017 Services: 29,980 in the FY2017 10-K, 32,700 on the FY2019 10-K's redefined basis."""
    p = pd.read_csv(built / "data/processed/apple/panel.csv")
    v = p[(p.item == "seg_revenue_services") & (p.fiscal_year == 2017) & (p.period == "FY")].iloc[0]
    assert v["value"] == 32700.0
    conf = pd.read_csv(built / "data/processed/apple/conflicts.csv")
    assert 29980.0 in set(conf.loc[(conf.item == "seg_revenue_services") & (conf.fiscal_year == 2017), "other_value"])


def test_peers_stay_in_their_own_currency(built):
    for company, unit in (("apple", "USD_million"), ("lenovo", "USD_million"), ("transsion", "RMB_million"),
                          ("samsung", "KRW_million"), ("xiaomi", "RMB_million")):
        p = pd.read_csv(built / f"data/processed/{company}/panel.csv")
        money = p[p["quantity"] == "money"]
        assert set(money["canonical_unit"]) <= {unit}, company
