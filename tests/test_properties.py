"""Property-based tests (hypothesis): the loader and the ratio functions on arbitrary input."""
import string

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIG_HEADER, SRC_HEADER, src_row
from corpfin.errors import InputError
from corpfin.extract import validate_extract
from corpfin.identities import check_identities
from corpfin.ratios import compute_ratios
from corpfin.units import parse_number

ITEMS = ["revenue", "cost_of_sales", "gross_profit", "operating_profit", "profit_before_tax", "income_tax_expense",
         "profit_for_year", "total_assets", "total_liabilities", "total_equity", "current_assets",
         "current_liabilities", "inventories", "cfo", "rd_expenses", "equity_attributable_owners",
         "profit_attributable_owners", "trade_receivables"]
finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def consistent_panels(draw):
    """Statements that satisfy the identities by construction; some items and years randomly missing
    (zero and negative values allowed)."""
    years = draw(st.lists(st.integers(2010, 2030), min_size=1, max_size=6, unique=True))
    rows = []
    for y in years:
        rev, cos, tax, pbt = draw(finite), draw(finite), draw(finite), draw(finite)
        tl, te = draw(finite), draw(finite)
        vals = {"revenue": rev, "cost_of_sales": cos, "gross_profit": rev - cos, "profit_before_tax": pbt,
                "income_tax_expense": tax, "profit_for_year": pbt - tax, "total_liabilities": tl, "total_equity": te,
                "total_assets": tl + te}
        for k in ITEMS:
            vals.setdefault(k, draw(finite))
        drop = draw(st.sets(st.sampled_from(ITEMS)))
        rows += [{"company": "x", "fiscal_year": y, "period": "FY", "item": k, "value": v, "resolution": 0.0}
                 for k, v in vals.items() if k not in drop]
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_panels())
def test_ratios_never_inf_never_crash_and_every_gap_has_a_reason(panel):
    if panel.empty:
        return
    r = compute_ratios(panel, 0.25)
    v = r["value"].to_numpy(dtype=float)
    assert not np.isinf(v).any()
    assert (r.loc[r["value"].isna(), "status"] != "").all()
    assert (r.loc[r["value"].notna(), "status"] == "").all()


@settings(max_examples=60, deadline=None)
@given(consistent_panels())
def test_identities_hold_on_consistent_statements(panel):
    if panel.empty:
        return
    ids = [{"name": "gp", "terms": {"revenue": 1, "cost_of_sales": -1}, "equals": "gross_profit"},
           {"name": "bs", "terms": {"total_liabilities": 1, "total_equity": 1}, "equals": "total_assets"}]
    c = check_identities(panel, ids, 1e-9)
    assert "violated" not in set(c["status"])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable, max_size=12))
def test_parse_number_accepts_only_plain_numbers(text):
    try:
        v = parse_number(text)
    except ValueError:
        return
    assert np.isfinite(v)
    plain = text.strip().strip("()").strip()
    assert "," not in plain and abs(float(plain)) == abs(v)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=string.ascii_letters + string.digits + ",.;()- ", max_size=40), min_size=1, max_size=4))
def test_garbage_rows_are_rejected_with_a_message_never_accepted_silently(catalogue, units, lines):
    text = FIG_HEADER + "\n" + "\n".join(lines) + "\n"
    try:
        ev = validate_extract(text, SRC_HEADER + "\n" + src_row("S1") + "\n", figures_file="f.csv",
                              sources_file="s.csv", company="acme", year=2019, first_year=2015, last_year=2019,
                              items=catalogue, units=units)
    except InputError as e:
        assert str(e).startswith("f.csv") and ("expected" in str(e) or "empty" in str(e) or "no data" in str(e))
        return
    # accepted only if every non-blank line is a well-formed row of a known item, unit and source
    assert len(ev) >= 1 and set(ev["source_id"]) == {"S1"} and set(ev["company"]) == {"acme"}
