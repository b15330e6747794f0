"""Trend tests honest for about ten annual points.

- Mann-Kendall S with an *exact* two-sided p-value for small n: the permutation distribution of S over
  all arrangements of the observed values (ties included). With ties, S = N_d - 2 I, where N_d is the
  number of pairs with different values and I the number of inversions; over the equally likely distinct
  arrangements of a multiset, I has the q-multinomial generating function
  [n; m_1, ..., m_k]_q = prod_j [m_1 + ... + m_j choose m_j]_q, computed exactly with integers.
- Normal approximation with tie correction for larger n (the same as pymannkendall's original test):
  Var S = (n(n-1)(2n+5) - sum t(t-1)(2t+5)) / 18, Z = (S -+ 1) / sqrt(Var S).
- Sen's slope with its confidence interval (scipy.stats.theilslopes) on the real years (gaps respected).
- OLS trend with Newey-West (HAC) standard errors and t(n-2) p-values (statsmodels).
- Chow tests at configured break years; change points by ruptures (PELT, l2 cost, stated penalty).
- Holm and Benjamini-Hochberg adjustments across the table (statsmodels).
"""
from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy import stats
# the two statsmodels pieces used, not statsmodels.api (which also loads its graphics and time-series modules)
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from .series import series_from, tier_words  # noqa: F401  (re-exported: the series of the trend family)


# --- exact Mann-Kendall ---------------------------------------------------------------------------
def _poly_mul(a: list[int], b: list[int]) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return out


def _q_binomial(n: int, k: int) -> list[int]:
    """Coefficients of the Gaussian binomial [n choose k]_q (integer polynomial in q)."""
    # DP over the recurrence [n,k] = [n-1,k-1] + q^k [n-1,k]
    table = {(0, 0): [1]}

    def get(a: int, b: int) -> list[int]:
        if b < 0 or b > a:
            return [0]
        if b == 0 or b == a:
            return [1]
        if (a, b) in table:
            return table[(a, b)]
        x, y = get(a - 1, b - 1), get(a - 1, b)
        y = [0] * b + y
        res = [0] * max(len(x), len(y))
        for i, c in enumerate(x):
            res[i] += c
        for i, c in enumerate(y):
            res[i] += c
        table[(a, b)] = res
        return res

    for a in range(n + 1):
        for b in range(min(a, k) + 1):
            get(a, b)
    return get(n, k)


def inversion_distribution(values) -> list[int]:
    """Counts of arrangements of the multiset `values` by number of inversions (index = inversions)."""
    counts = sorted(Counter(values).values())
    poly, total = [1], 0
    for m in counts:
        total += m
        poly = _poly_mul(poly, _q_binomial(total, m))
    return poly


def mk_statistic(x) -> int:
    x = np.asarray(x, dtype=float)
    n = len(x)
    return int(sum(np.sign(x[j] - x[i]) for i in range(n - 1) for j in range(i + 1, n)))


def mk_exact_p(x) -> tuple[int, Fraction, Fraction]:
    """(S, exact two-sided p = P(|S| >= |S_obs|), smallest attainable two-sided p) under H0 (exchangeability)."""
    x = list(np.asarray(x, dtype=float))
    n = len(x)
    s = mk_statistic(x)
    ties = Counter(x).values()
    n_d = n * (n - 1) // 2 - sum(t * (t - 1) // 2 for t in ties)
    dist = inversion_distribution(x)
    total = sum(dist)
    s_values = [n_d - 2 * i for i in range(len(dist))]
    extreme = sum(c for sv, c in zip(s_values, dist) if abs(sv) >= abs(s))
    s_max = max(abs(v) for v, c in zip(s_values, dist) if c)
    min_p = Fraction(sum(c for sv, c in zip(s_values, dist) if abs(sv) >= s_max), total)
    return s, Fraction(extreme, total), min_p


def mk_normal_p(x) -> tuple[int, float, float]:
    """(S, Z, two-sided p) by the normal approximation with tie correction and continuity correction."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    s = mk_statistic(x)
    ties = Counter(x.tolist()).values()
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18.0
    if var <= 0:
        return s, 0.0, 1.0
    z = (s - 1) / math.sqrt(var) if s > 0 else (s + 1) / math.sqrt(var) if s < 0 else 0.0
    return s, z, float(2 * (1 - stats.norm.cdf(abs(z))))


# --- slopes -----------------------------------------------------------------------------------------
def sen_slope(years, y, confidence: float) -> tuple[float, float, float]:
    """Theil-Sen slope with its confidence interval, on the real years (per year)."""
    r = stats.theilslopes(np.asarray(y, float), np.asarray(years, float), alpha=confidence)
    return float(r.slope), float(r.low_slope), float(r.high_slope)


def hac_lags(n: int, rule) -> int:
    """Newey-West lag: an integer from config, or 'auto' = floor(4 (n/100)^(2/9)) (Newey & West 1994)."""
    if rule == "auto":
        return int(math.floor(4 * (n / 100.0) ** (2.0 / 9.0)))
    return int(rule)


def ols_hac(years, y, lags: int) -> tuple[float, float, float]:
    """(slope per year, HAC standard error, two-sided p from t with n-2 df)."""
    X = add_constant(np.asarray(years, float) - float(np.mean(years)))
    fit = OLS(np.asarray(y, float), X).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True},
                                              use_t=True)
    return float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1])


def chow_test(years, y, break_year: int) -> tuple[float, float, str]:
    """Chow F test for a break in a linear trend at break_year (segments: < break_year, >= break_year)."""
    years, y = np.asarray(years, float), np.asarray(y, float)
    a, b = years < break_year, years >= break_year
    k = 2
    if a.sum() < k + 1 or b.sum() < k + 1:
        return np.nan, np.nan, f"needs >= {k + 1} points on each side of {break_year}"

    def ssr(xx, yy):
        X = np.column_stack([np.ones_like(xx), xx])
        beta, *_ = np.linalg.lstsq(X, yy, rcond=None)
        r = yy - X @ beta
        return float(r @ r)

    s_p, s_1, s_2 = ssr(years, y), ssr(years[a], y[a]), ssr(years[b], y[b])
    dof = len(y) - 2 * k
    if s_1 + s_2 <= 0:
        return np.nan, np.nan, "segments fit exactly"
    f = ((s_p - s_1 - s_2) / k) / ((s_1 + s_2) / dof)
    return float(f), float(1 - stats.f.cdf(f, k, dof)), ""


def change_points(years, y, penalty: float) -> str:
    """Change points by ruptures PELT (l2 cost, min_size 2) on the standardised series: the first year of each
    new regime, or '' when none."""
    import ruptures as rpt

    y = np.asarray(y, float)
    if len(y) < 4 or np.std(y) == 0:
        return ""
    z = (y - y.mean()) / y.std()
    bkps = rpt.Pelt(model="l2", min_size=2).fit(z.reshape(-1, 1)).predict(pen=penalty)
    return " ".join(str(int(np.asarray(years)[b])) for b in bkps[:-1])


# --- the table ----------------------------------------------------------------------------------------
def direction(p: float, sign: float, alpha: float) -> str:
    if np.isnan(p):
        return "not tested"
    if p < alpha:
        return "increasing" if sign > 0 else "decreasing"
    return "no evidence"


def trend_row(name: str, years, y, cfg: dict) -> dict:
    years, y = np.asarray(years, float), np.asarray(y, float)
    n = len(y)
    row = {"series": name, "n": n, "first_year": int(years.min()) if n else np.nan,
           "last_year": int(years.max()) if n else np.nan,
           "years": " ".join(str(int(v)) for v in years)}
    if n < cfg["min_n"]:
        row.update({"mk_method": f"not tested: n < {cfg['min_n']}"})
        return row
    if n <= cfg["exact_max_n"]:
        s, p, minp = mk_exact_p(y)
        row.update({"mk_S": s, "mk_p": float(p), "mk_method": "exact permutation distribution (ties handled)",
                    "mk_min_attainable_p": float(minp)})
    else:
        s, z, p = mk_normal_p(y)
        row.update({"mk_S": s, "mk_p": p, "mk_z": z, "mk_method": "normal approximation, tie-corrected",
                    "mk_min_attainable_p": 0.0})
    row["kendall_tau"] = row["mk_S"] / (n * (n - 1) / 2.0)
    slope, lo, hi = sen_slope(years, y, cfg["confidence"])
    row.update({"sen_slope": slope, "sen_low": lo, "sen_high": hi})
    lags = hac_lags(n, cfg["hac_lags"])
    b, se, p_ols = ols_hac(years, y, lags)
    row.update({"ols_slope": b, "ols_se_hac": se, "ols_p": p_ols, "hac_lags": lags})
    chow = []
    for by in cfg["break_years"]:
        f, pf, note = chow_test(years, y, by)
        chow.append(f"{by}: " + (f"F={f:.3f}, p={pf:.4f}" if not note else note))
        # the F statistic with its degrees of freedom (k = 2 coefficients; n - 2k) and p, per break year
        row.update({f"chow_{by}_f": f, f"chow_{by}_df1": 2 if not note else np.nan,
                    f"chow_{by}_df2": n - 4 if not note else np.nan, f"chow_{by}_p": pf})
    row["chow"] = "; ".join(chow)
    row["change_points"] = change_points(years, y, cfg["change_point_penalty"])
    row["gaps_in_years"] = bool(n and (years.max() - years.min() + 1) != n)
    return row


def run_trend_tests(series: dict[str, pd.DataFrame], cfg: dict) -> pd.DataFrame:
    """series: name -> frame with columns fiscal_year, value (NaNs dropped). One tidy row per series."""
    from statsmodels.stats.multitest import multipletests

    rows = []
    for name, df in series.items():
        d = df.dropna(subset=["value"]).sort_values("fiscal_year")
        row = trend_row(name, d["fiscal_year"], d["value"], cfg)
        est = d[d["estimated"]] if "estimated" in d else d.iloc[0:0]
        tiers = est["tiers"] if "tiers" in est else pd.Series("", index=est.index)
        # '2019:fx_estimate 2023:carried+derived': the imputed points and the tiers they rest on
        row["estimate_years"] = " ".join(f"{int(y)}:{t}" if t else str(int(y)) for y, t in zip(est["fiscal_year"], tiers))
        rows.append(row)
    t = pd.DataFrame(rows)
    for col in ["mk_S", "mk_p", "mk_z", "mk_min_attainable_p", "kendall_tau", "sen_slope", "sen_low", "sen_high",
                "ols_slope", "ols_se_hac", "ols_p", "hac_lags", "chow", "change_points", "gaps_in_years"]:
        if col not in t:
            t[col] = np.nan
    alpha = cfg["alpha"]
    for p_col in ("mk_p", "ols_p"):
        ok = t[p_col].notna()
        for method, label in (("holm", "holm"), ("fdr_bh", "bh")):
            adj = pd.Series(np.nan, index=t.index)
            if ok.sum():
                adj[ok] = multipletests(t.loc[ok, p_col], alpha=alpha, method=method)[1]
            t[f"{p_col}_{label}"] = adj
    p_use = {"raw": "mk_p", "holm": "mk_p_holm", "bh": "mk_p_bh"}[cfg["verdict_p"]]
    t["verdict"] = [direction(p, s, alpha) if not np.isnan(p) else "not tested"
                    for p, s in zip(t[p_use], t["mk_S"].fillna(0))]
    t["sen_direction"] = ["increasing" if lo > 0 else "decreasing" if hi < 0 else "no evidence"
                          if not np.isnan(lo) else "not tested" for lo, hi in zip(t["sen_low"], t["sen_high"])]
    t["ols_direction"] = [direction(p, b, alpha) for p, b in zip(t["ols_p"], t["ols_slope"].fillna(0))]
    t["mk_direction_raw"] = [direction(p, s, alpha) for p, s in zip(t["mk_p"], t["mk_S"].fillna(0))]
    agree = []
    for r in t.itertuples():
        ds = {"Mann-Kendall": r.mk_direction_raw, "Sen": r.sen_direction, "OLS-HAC": r.ols_direction}
        if "not tested" in ds.values():
            agree.append("not tested")
        elif len(set(ds.values())) == 1:
            agree.append("agree")
        else:
            agree.append("disagree: " + ", ".join(f"{k} {v}" for k, v in ds.items()))
    t["agreement"] = agree
    t["note"] = ["n too small: the smallest attainable exact p-value "
                 f"({mp:.3f}) exceeds alpha ({alpha})" if (not np.isnan(mp) and mp > alpha) else ""
                 for mp in t["mk_min_attainable_p"].astype(float)]
    return t.sort_values("series").reset_index(drop=True)
