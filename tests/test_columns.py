"""Column-speed helpers (issue 16) against hand-computed expectations and pandas' own answers: integer ranks of
text and categorical columns, sorting on ranks, the Q arithmetic on arrays (and its alignment when indexes
differ), index levels as categoricals and the market input chosen per year."""
import numpy as np
import pandas as pd
import pytest

from corpfin.market import select_from
from corpfin.quantity import REASONS, Q, Wide, level_categorical
from corpfin.select import _in_order, combined_rank, key_codes, sort_rows, text_rank


def test_text_rank_orders_text_and_categoricals_alike_with_missing_last():
    plain = pd.Series(["b", "a", None, "c", "a"], dtype=object)
    # categories deliberately not in sort order, one unused
    cat = pd.Series(pd.Categorical(["b", "a", None, "c", "a"], categories=["c", "zz", "b", "a"]))
    expected = [1, 0, 3, 2, 0]
    assert text_rank(plain).tolist() == expected
    r = text_rank(cat)
    # same order; an unused category may leave a gap in the numbers, never a change of order
    assert np.argsort(r, kind="stable").tolist() == np.argsort(expected, kind="stable").tolist()
    assert r[2] == r.max() and r[1] == r[4]


def test_sort_rows_equals_sort_values_on_text_numbers_and_missing_values():
    f = pd.DataFrame({"company": pd.Categorical(["y", "x", "y", "x", "x", "y"], categories=["y", "x"]),
                      "ratio": ["b", "b", "a", None, "a", "a"],
                      "fiscal_year": [2020, 2021, 2019, 2020, 2021, 2019],
                      "setting": [1.5, np.nan, -0.5, 1.5, 0.0, -0.5],
                      "value": np.arange(6.0)})
    cols = ["company", "ratio", "fiscal_year", "setting"]
    want = f.astype({"company": object}).sort_values(cols, kind="stable").reset_index(drop=True)
    got = sort_rows(f, cols).astype({"company": object})
    pd.testing.assert_frame_equal(got, want)
    # rows 2 and 5 tie on every key: the earlier row first
    assert got["value"].tolist() == [4.0, 1.0, 3.0, 2.0, 5.0, 0.0]


def test_combined_rank_numbers_distinct_keys_densely_in_sort_order():
    f = pd.DataFrame({"a": ["q", "p", "q", "p"], "b": [2, 1, 2, 3]})
    assert combined_rank(f, ["a", "b"]).tolist() == [2, 0, 2, 1]
    # a nullable integer column with a missing value: missing last, as sort_values puts it
    g = pd.DataFrame({"b": pd.array([3, None, 1], dtype="Int64")})
    assert combined_rank(g, ["b"]).tolist() == [1, 2, 0]
    ev = pd.DataFrame({"company": ["b", "a", "a"], "fiscal_year": [2020, 2021, 2020], "period": ["FY"] * 3,
                       "item": ["revenue"] * 3})
    assert key_codes(ev).tolist() == [2, 1, 0] and key_codes(ev).dtype == np.int32


def test_in_order_means_sorted_by_key_then_source():
    assert _in_order(np.array([0, 0, 1, 2]), np.array([3, 5, 0, 0]))
    assert _in_order(np.array([0, 0]), np.array([4, 4]))             # a tie of both stays as it is
    assert not _in_order(np.array([0, 0, 1]), np.array([5, 3, 0]))
    assert not _in_order(np.array([1, 0]), np.array([0, 0]))


def test_q_arithmetic_on_arrays_carries_reasons_and_aligns_other_indexes():
    idx = pd.MultiIndex.from_tuples([("a", 2020), ("a", 2021), ("b", 2020)], names=["company", "fiscal_year"])
    x = Q(pd.Series([10.0, np.nan, 4.0], index=idx), pd.Series(["", "missing x", ""], index=idx), "x")
    y = Q(pd.Series([2.0, 5.0, 0.0], index=idx), pd.Series(["", "", ""], index=idx), "y")
    q = (x / y).clean()
    assert q.v.tolist()[0] == 5.0 and np.isnan(q.v.tolist()[1]) and np.isnan(q.v.tolist()[2])
    assert q.why.tolist() == ["", "missing x", "zero denominator: y"]
    assert ((x + 1.0) * 2).v.tolist()[0] == 22.0
    # another index (a subset, reordered): aligned by label, NaN with no reason where absent
    other = pd.MultiIndex.from_tuples([("b", 2020), ("a", 2020)], names=["company", "fiscal_year"])
    z = Q(pd.Series([1.0, 3.0], index=other), pd.Series(["", "z note"], index=other), "z")
    s = x + z
    assert s.v.iloc[0] == 13.0 and np.isnan(s.v.iloc[1]) and s.v.iloc[2] == 5.0
    assert s.why.tolist() == ["z note", "missing x", ""]
    assert REASONS.decode(s._why).tolist() == s.why.tolist()


def test_wide_prior_year_respects_gaps_and_from_frame_matches_the_long_panel():
    panel = pd.DataFrame({"company": ["a"] * 3, "fiscal_year": [2019, 2020, 2022], "period": "FY",
                          "item": "total_assets", "value": [1.0, 2.0, 4.0], "basis": "reported"})
    w = Wide(panel)
    prev = w.prev("total_assets")
    assert np.isnan(prev.v.iloc[0]) and prev.v.iloc[1] == 1.0 and np.isnan(prev.v.iloc[2])   # 2021 absent
    assert prev.why.tolist() == ["missing total_assets FY2018", "", "missing total_assets FY2021"]
    w2 = Wide.from_frame(w.w)
    assert w2.avg("total_assets").v.tolist()[1] == 1.5 == w.avg("total_assets").v.tolist()[1]


def test_level_categorical_reads_the_level_values_not_the_source_categories():
    company = pd.Categorical(["c2", "c1"], categories=["c0", "c1", "c2", "c3"])
    idx = pd.MultiIndex.from_arrays([pd.CategoricalIndex(company), [2020, 2020]])
    got = level_categorical(idx, 0)
    assert list(got.astype(str)) == ["c2", "c1"] and list(got.categories) == sorted(got.categories)


@pytest.mark.parametrize("target, carry, expected", [
    (2020, False, ("rf_b", 2020, "reported")),   # the exact year; 'rf_a' listed first has no 2020 value
    (2022, True, ("rf_a", 2021, "carried")),     # nearest vintage before: 2021 (one year), listed item first
    (2018, True, ("rf_b", 2019, "carried")),     # nothing before: the nearest after
    (2022, False, ("", None, "")),               # no carry: a gap
])
def test_select_from_chooses_exact_year_then_nearest_vintage(target, carry, expected):
    # (item, year, value, source_id, basis)
    cands = [("rf_b", 2019.0, 3.0, "S1", "reported"), ("rf_b", 2020.0, 3.1, "S2", "reported"),
             ("rf_a", 2021.0, 2.9, "S3", "reported"), ("rf_b", 2021.0, 3.2, "S4", "reported"),
             ("rf_a", 2023.0, 2.5, "S5", "derived")]
    r = select_from(cands, ["rf_a", "rf_b"], target, carry)
    assert (r["item"], r["vintage"] if r["item"] else None, r["tier"]) == expected
    if target == 2022 and carry:
        assert r["source_id"] == "S3" and r["value"] == 2.9     # the derived 2023 value is never carried
