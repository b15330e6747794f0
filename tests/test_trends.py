"""Trend statistics against hand computations and independent exact references."""
from fractions import Fraction
from itertools import permutations

import numpy as np
import pandas as pd
import pymannkendall as pmk
import pytest
from scipy import stats

from corpfin.trends import (chow_test, hac_lags, inversion_distribution, mk_exact_p, mk_normal_p, run_trend_tests,
                        sen_slope)

CFG = {"alpha": 0.05, "confidence": 0.95, "exact_max_n": 20, "min_n": 4, "hac_lags": "auto",
       "break_years": [2018], "change_point_penalty": 3.0, "verdict_p": "raw"}


def test_exact_p_for_five_increasing_points_is_2_over_120():
    s, p, minp = mk_exact_p([1, 2, 3, 4, 5])
    assert s == 10 and p == Fraction(2, 120) and minp == Fraction(2, 120)


def test_smallest_exact_p_for_n4_is_one_twelfth():
    assert mk_exact_p([4, 3, 2, 1])[2] == Fraction(1, 12)


def test_exact_distribution_with_ties_equals_brute_force_enumeration():
    x = [1, 1, 2, 3, 3, 3, 5]
    arrangements = set(permutations(x))
    s_obs = mk_exact_p(x)[0]
    def s_of(a):
        return sum(np.sign(a[j] - a[i]) for i in range(len(a)) for j in range(i + 1, len(a)))
    brute = Fraction(sum(abs(s_of(a)) >= abs(s_obs) for a in arrangements), len(arrangements))
    assert mk_exact_p(x)[1] == brute
    assert sum(inversion_distribution(x)) == len(arrangements)


@pytest.mark.parametrize("seed", range(5))
def test_exact_p_agrees_with_scipy_kendalltau_exact_on_tie_free_series(seed):
    x = np.random.default_rng(seed).permutation(9).astype(float)
    ref = stats.kendalltau(np.arange(9), x, method="exact")
    assert float(mk_exact_p(x)[1]) == pytest.approx(ref.pvalue, abs=1e-12)


def test_normal_approximation_agrees_with_pymannkendall_for_n_30_and_more():
    y = np.round(np.random.default_rng(7).normal(size=40), 1)   # rounding creates ties
    s, z, p = mk_normal_p(y)
    ref = pmk.original_test(y)
    assert (s, z, p) == (pytest.approx(ref.s), pytest.approx(ref.z), pytest.approx(ref.p))


def test_sen_slope_on_unevenly_spaced_years_by_hand():
    years, y = [2015, 2016, 2018, 2021], [1.0, 2.0, 3.0, 9.0]
    # pairwise slopes: 1, 1, 8/6, 1, 7/5, 6/3=2 -> sorted 1,1,1,1.333,1.4,2 -> median (1 + 1.3333)/2
    slope, lo, hi = sen_slope(years, y, 0.95)
    assert slope == pytest.approx((1 + 8 / 6) / 2)
    assert lo <= slope <= hi


def test_hac_lag_rule():
    assert hac_lags(10, "auto") == 2 and hac_lags(100, "auto") == 4 and hac_lags(10, 1) == 1


def test_chow_detects_a_level_shift_and_refuses_short_segments():
    years = np.arange(2010, 2022)
    y = np.where(years < 2016, 0.0, 10.0) + np.random.default_rng(0).normal(0, 0.1, len(years))
    f, p, note = chow_test(years, y, 2016)
    assert p < 0.001 and note == ""
    assert "needs >= 3 points" in chow_test(years, y, 2011)[2]


def test_recovery_trend_found_noise_mostly_not():
    rng = np.random.default_rng(42)
    years = np.arange(2015, 2025)
    found = sum(mk_exact_p(0.5 * (years - 2015) + rng.normal(0, 0.5, 10))[1] < 0.05 for _ in range(100))
    false = sum(mk_exact_p(rng.normal(0, 1, 10))[1] < 0.05 for _ in range(400))
    assert found >= 97            # strong trend: power close to 1
    assert false / 400 <= 0.08    # exact test at 5%: size <= 5% (binomial slack for 400 draws)
    t = run_trend_tests({"s": pd.DataFrame({"fiscal_year": years, "value": 0.5 * (years - 2015)})}, CFG)
    assert t.iloc[0]["verdict"] == "increasing" and t.iloc[0]["agreement"] == "agree"


def test_table_flags_small_n_and_disagreement():
    t = run_trend_tests({"short": pd.DataFrame({"fiscal_year": [2021, 2022, 2023, 2024], "value": [1, 2, 3, 4]}),
                         "tiny": pd.DataFrame({"fiscal_year": [2023, 2024], "value": [1, 2]})}, CFG).set_index("series")
    assert t.at["short", "mk_p"] == pytest.approx(1 / 12) and "n too small" in t.at["short", "note"]
    assert t.at["short", "verdict"] == "no evidence"
    assert t.at["tiny", "verdict"] == "not tested"
    assert {"mk_p_holm", "mk_p_bh", "ols_p_holm", "ols_p_bh"} <= set(t.columns)
