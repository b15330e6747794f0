import pandas as pd
import pytest

from corpfin.errors import IdentityError
from corpfin.identities import check_identities, raise_on_violations

IDS = [
    {"name": "gross_profit", "terms": {"revenue": 1, "cost_of_sales": -1}, "equals": "gross_profit"},
    {"name": "profit_after_tax", "terms": {"profit_before_tax": 1, "income_tax_expense": -1}, "equals": "profit_for_year"},
    {"name": "balance_sheet", "terms": {"total_liabilities": 1, "total_equity": 1}, "equals": "total_assets"},
    {"name": "assets_split", "terms": {"current_assets": 1, "non_current_assets": 1}, "equals": "total_assets"},
    {"name": "segment_revenue", "terms": {"seg_a": 1, "seg_b": 1, "seg_c": 1}, "equals": "revenue",
     "when_incomplete": "upper_bound"},
]


def panel(values, res=0.05, year=2018):
    return pd.DataFrame([{"company": "acme", "fiscal_year": year, "period": "FY", "item": k, "value": v,
                          "resolution": res} for k, v in values.items()])


# FY2018, 2019 Annual Report (RMB m): revenue 174,915.4; cost of sales 152,723.5; gross profit 22,191.9;
# PBT 13,927.1; tax 449.4; profit 13,477.7
FY2018 = {"revenue": 174915.4, "cost_of_sales": 152723.5, "gross_profit": 22191.9, "profit_before_tax": 13927.1,
          "income_tax_expense": 449.4, "profit_for_year": 13477.7}


def test_identities_hold_on_published_fy2018_figures():
    c = check_identities(panel(FY2018), IDS, 0.0).set_index("identity")
    assert c.at["gross_profit", "status"] == "holds"
    assert c.at["gross_profit", "difference"] == pytest.approx(0.0, abs=1e-9)
    assert c.at["profit_after_tax", "status"] == "holds"
    assert c.at["balance_sheet", "status"] == "not checkable"
    assert c.at["balance_sheet", "detail"] == "missing total_liabilities, total_equity, total_assets"


def test_each_identity_detects_a_violation():
    for ident, broken in [("gross_profit", {"gross_profit": 23191.9}),
                          ("profit_after_tax", {"income_tax_expense": 1449.4}),
                          ("balance_sheet", {"total_liabilities": 60, "total_equity": 30, "total_assets": 100}),
                          ("assets_split", {"current_assets": 60, "non_current_assets": 30, "total_assets": 100})]:
        c = check_identities(panel({**FY2018, **broken}), IDS, 0.0).set_index("identity")
        assert c.at[ident, "status"] == "violated", ident


def test_tolerance_is_rounding_plus_relative():
    # 100 = 60.04 + 39.9 ... difference 0.06; rounding allowance 3 x 0.05 = 0.15 -> holds
    c = check_identities(panel({"current_assets": 60.04, "non_current_assets": 39.9, "total_assets": 100.0}), IDS, 0.0)
    row = c.set_index("identity").loc["assets_split"]
    assert row.status == "holds" and row.allowance == pytest.approx(0.15)
    # a 1.0 gap needs relative tolerance: 0.01 x 100 + 0.15 = 1.15 >= 1.0
    p = panel({"current_assets": 61.0, "non_current_assets": 40.0, "total_assets": 100.0})
    assert check_identities(p, IDS, 0.0).set_index("identity").at["assets_split", "status"] == "violated"
    assert check_identities(p, IDS, 0.01).set_index("identity").at["assets_split", "status"] == "holds"


def test_segments_partial_sum_is_an_upper_bound():
    ok = check_identities(panel({"seg_a": 50, "seg_b": 30, "revenue": 100}), IDS, 0.0).set_index("identity")
    assert ok.at["segment_revenue", "status"] == "upper bound holds"
    bad = check_identities(panel({"seg_a": 80, "seg_b": 30, "revenue": 100}), IDS, 0.0).set_index("identity")
    assert bad.at["segment_revenue", "status"] == "violated"
    full = check_identities(panel({"seg_a": 50, "seg_b": 30, "seg_c": 25, "revenue": 100}), IDS, 0.0)
    assert full.set_index("identity").at["segment_revenue", "status"] == "violated"


def test_violation_message_names_company_year_items_and_values():
    c = check_identities(panel({**FY2018, "gross_profit": 23191.9}), IDS, 0.0)
    with pytest.raises(IdentityError, match=r"acme FY2018: identity 'gross_profit' \(revenue - cost_of_sales = "
                       r"gross_profit\) fails: lhs 22191.9000 vs rhs 23191.9000.*revenue=174915.4000"):
        raise_on_violations(c)


def test_an_identity_of_another_companys_lines_is_not_listed_as_uncheckable():
    """Xiaomi's paper: Apple's products + services = revenue ties lines reserved for Apple, so it is left out of the
    note below the identity table; an identity of Xiaomi's own lines that no year can check is named there."""
    import pandas as pd

    from corpfin.supplement import identity_table

    identities = [{"name": "gross_profit", "terms": {"revenue": 1, "cost_of_sales": -1}, "equals": "gross_profit"},
                  {"name": "products_services", "terms": {"seg_revenue_products": 1, "seg_revenue_services": 1},
                   "equals": "revenue"},
                  {"name": "liabilities_split", "terms": {"current_liabilities": 1, "non_current_liabilities": 1},
                   "equals": "total_liabilities"}]
    checks = pd.DataFrame({"identity": ["gross_profit", "products_services", "liabilities_split"],
                           "fiscal_year": 2024, "status": ["holds", "not checkable", "not checkable"]})
    vocab = {"revenue": "Revenue", "cost_of_sales": "Cost of sales", "gross_profit": "Gross profit",
             "current_liabilities": "Current liabilities", "non_current_liabilities": "Non-current liabilities",
             "total_liabilities": "Total liabilities"}
    table, note = identity_table(checks, identities, vocab, frozenset({"seg_revenue_products", "seg_revenue_services"}))
    assert "Revenue − cost of sales = gross profit" in table
    assert note == ("Not checkable in any year, for want of the company's lines: Current liabilities + non-current "
                    "liabilities = total liabilities.\n")
