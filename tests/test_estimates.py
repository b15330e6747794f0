"""Flagged FX estimates (issue 8): conversion, when an estimate is used, and how it is carried downstream."""
import numpy as np
import pandas as pd
import pytest

from corpfin.errors import IdentityError
from corpfin.estimates import add_estimates, fx_estimate_table
from corpfin.identities import check_identities, raise_on_violations
from corpfin.quantity import Wide

CFG = {"enabled": True, "from_currency": "HKD", "yearend_rate_items": ["fx"], "average_rate_items": ["fx_avg"],
       "flow_items": [], "per": 100, "items": ["total_equity",
                                                                                         "total_liabilities"]}
KINDS = ["company_document", "filing_summary", "aggregator", "academic", "news"]
DOCS = ["annual_report", "interim_report", "results_announcement", "press_release", "other"]


def ev_row(year, item, value, sid, currency="HKD", flag="", kind="aggregator"):
    return {"company": "acme", "fiscal_year": year, "period": "FY", "item": item, "statement": "balance_sheet",
            "quantity": "money", "value_printed": str(value), "unit": f"{currency}_million", "unit_note": "",
            "value": float(value), "canonical_unit": f"{currency}_million", "currency": currency,
            "resolution": 0.005, "sign_normalised": False, "source_id": sid, "kind": kind,
            "reliability_flag": flag, "doc_period_end": "", "doc_type": "", "document": f"Doc {sid}",
            "url": f"https://example.org/{sid}", "evidence": f"quote {value}", "raw_file": "f.csv", "raw_row": 2}


def panel_row(year, item, value, sid):
    return {"company": "acme", "fiscal_year": year, "period": "FY", "item": item, "value": float(value),
            "source_id": sid, "resolution": 0.05, "kind": "company_document"}


MARKET = pd.DataFrame([{"source_id": "R1", "item": "fx", "year": 2020, "value": 90.0},
                       {"source_id": "R2", "item": "fx", "year": 2021, "value": 80.0}])


@pytest.fixture
def case():
    evidence = pd.DataFrame([
        ev_row(2020, "total_equity", 1000.0, "H1"),        # gap in RMB -> estimate 900
        ev_row(2021, "total_equity", 500.0, "H2"),         # reported RMB 395 exists -> check only
        ev_row(2019, "total_equity", 700.0, "H3"),         # no rate for 2019 -> gap stays
        ev_row(2020, "total_liabilities", 300.0, "H4", flag="flagged in source ledger: unreliable"),
    ])
    panel = pd.DataFrame([panel_row(2021, "total_equity", 395.0, "C1"),
                          panel_row(2020, "total_assets", 1500.0, "C2")])
    return evidence, panel


def test_conversion_use_and_measured_error(case):
    evidence, panel = case
    t = fx_estimate_table(evidence, panel, MARKET, CFG, KINDS, DOCS, 0.002).set_index(["fiscal_year", "item"])
    # 1,000 HKD m x 90 / 100 = 900 RMB m, filling the gap
    assert t.at[(2020, "total_equity"), "estimate"] == pytest.approx(900.0)
    assert bool(t.at[(2020, "total_equity"), "used"])
    # 500 x 80 / 100 = 400 against a reported 395: error (400 - 395) / 395, never used
    assert t.at[(2021, "total_equity"), "relative_error"] == pytest.approx(5.0 / 395.0)
    assert not bool(t.at[(2021, "total_equity"), "used"])
    # no sourced rate: no estimate, the gap stays
    assert np.isnan(t.at[(2019, "total_equity"), "estimate"]) and not bool(t.at[(2019, "total_equity"), "used"])
    assert "no sourced rate" in t.at[(2019, "total_equity"), "note"]
    # a flagged HKD row is never converted
    assert (2020, "total_liabilities") not in t.index


def test_estimates_join_the_panel_marked_and_never_replace_reported_values(case):
    evidence, panel = case
    t = fx_estimate_table(evidence, panel, MARKET, CFG, KINDS, DOCS, 0.002)
    p = add_estimates(panel, t, evidence, 100.0).set_index(["fiscal_year", "item"])
    assert p.at[(2020, "total_equity"), "basis"] == "fx_estimate"
    assert p.at[(2020, "total_equity"), "fx_source_id"] == "R1"
    assert p.at[(2021, "total_equity"), "value"] == 395.0 and p.at[(2021, "total_equity"), "basis"] == "reported"
    # the rounding of the HKD printing is carried through the rate: 0.005 x 90 / 100
    assert p.at[(2020, "total_equity"), "resolution"] == pytest.approx(0.0045)


def test_estimate_flag_propagates_through_arithmetic_and_reported_fallback_wins(case):
    evidence, panel = case
    t = fx_estimate_table(evidence, panel, MARKET, CFG, KINDS, DOCS, 0.002)
    p = add_estimates(panel, t, evidence, 100.0)
    p = pd.concat([p, pd.DataFrame([dict(panel_row(2020, "equity_attributable_owners", 880.0, "C3"),
                                         basis="reported")])], ignore_index=True)
    w = Wide(p)
    ratio = w["total_assets"] / w["total_equity"]
    assert ratio.est[("acme", 2020)] == "fx_estimate total_equity FY2020"
    assert ratio.v[("acme", 2020)] == pytest.approx(1500.0 / 900.0)
    # a reported value of a later fallback item beats the estimate of the first item
    q, used = w.first_of(["total_equity", "equity_attributable_owners"])
    assert used[("acme", 2020)] == "equity_attributable_owners" and q.est[("acme", 2020)] == ""
    # with no reported fallback, the estimate is used and says so
    q, used = w.first_of(["total_equity"])
    assert q.v[("acme", 2020)] == pytest.approx(900.0) and q.est[("acme", 2020)] != ""


def test_identities_on_estimates_are_reported_but_never_fail_the_build():
    base = {"company": "acme", "fiscal_year": 2020, "period": "FY", "resolution": 0.05}
    ident = [{"name": "balance_sheet", "terms": {"total_liabilities": 1, "total_equity": 1}, "equals": "total_assets"}]
    rows = [dict(base, item="total_assets", value=1000.0, basis="reported"),
            dict(base, item="total_liabilities", value=600.0, basis="reported"),
            dict(base, item="total_equity", value=300.0, basis="fx_estimate")]
    c = check_identities(pd.DataFrame(rows), ident, 0.005)
    assert c.at[0, "status"] == "not met (estimate)"
    raise_on_violations(c)  # an estimate measures itself; it does not stop the build
    rows[2]["value"] = 400.0
    assert check_identities(pd.DataFrame(rows), ident, 0.005).at[0, "status"] == "holds (estimate)"
    rows[2]["basis"] = "reported"
    rows[2]["value"] = 300.0
    with pytest.raises(IdentityError):
        raise_on_violations(check_identities(pd.DataFrame(rows), ident, 0.005))


def test_disabled_estimates_leave_the_gap_and_say_why(case):
    evidence, panel = case
    t = fx_estimate_table(evidence, panel, MARKET, dict(CFG, enabled=False), KINDS, DOCS, 0.002)
    t = t.set_index(["fiscal_year", "item"])
    assert not t["used"].any()
    assert t.at[(2020, "total_equity"), "note"] == "fx_estimates disabled in config: the gap stays"
    # the overlap years still measure the method
    assert t.at[(2021, "total_equity"), "relative_error"] == pytest.approx(5.0 / 395.0)
    assert (add_estimates(panel, t, evidence, 100.0)["basis"] == "reported").all()
