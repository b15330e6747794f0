"""Vectorised arithmetic that carries the reason a value is missing.

A `Q` is a Series of values indexed by (company, fiscal_year) plus a Series of reasons ('' where
the value exists). Arithmetic propagates the first reason; division by zero gives NaN with the
reason 'zero denominator: <name>', never inf. `Wide` hands out items of the cleaned panel as Q's,
including prior-year and two-year-average balances.

A third Series, `est`, names the flagged estimates a value was built from ('' for none: every
input reported). It propagates through arithmetic like the reasons, so a ratio or EVA line that
rests on an FX-converted balance (xpm.estimates) says so wherever it is shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .estimates import is_estimate


def _merge(a: pd.Series, b: pd.Series) -> pd.Series:
    """Join two reason columns, each reason once ('missing x FY2020; missing y FY2021')."""
    x, y = a.to_numpy(dtype=object), b.to_numpy(dtype=object)
    out = np.where(x == "", y, x)
    both = (x != "") & (y != "") & (x != y)
    for k in np.flatnonzero(both):
        parts = x[k].split("; ")
        out[k] = "; ".join(parts + [p for p in y[k].split("; ") if p not in parts])
    return pd.Series(out, index=a.index, dtype=object)


@dataclass
class Q:
    v: pd.Series
    why: pd.Series
    name: str = ""
    est: pd.Series | None = None

    def __post_init__(self) -> None:
        if self.est is None:
            self.est = pd.Series("", index=self.v.index, dtype=object)

    def _bin(self, other, op, sym):
        if isinstance(other, Q):
            why = _merge(self.why, other.why)
            return Q(op(self.v, other.v), why, f"({self.name} {sym} {other.name})", _merge(self.est, other.est))
        return Q(op(self.v, other), self.why.copy(), f"({self.name} {sym} {other})", self.est.copy())

    def __add__(self, o):
        return self._bin(o, lambda a, b: a + b, "+")

    def __sub__(self, o):
        return self._bin(o, lambda a, b: a - b, "-")

    def __mul__(self, o):
        return self._bin(o, lambda a, b: a * b, "*")

    __rmul__ = __mul__

    def __neg__(self):
        return Q(-self.v, self.why.copy(), f"-{self.name}", self.est.copy())

    def __truediv__(self, o):
        if not isinstance(o, Q):
            return Q(self.v / o, self.why.copy(), f"{self.name} / {o}", self.est.copy())
        zero = (o.v == 0) & o.v.notna()
        den = o.v.where(~zero)
        why = _merge(self.why, o.why)
        why = why.where(~(zero & (why == "")), f"zero denominator: {o.name}")
        return Q(self.v / den, why, f"{self.name} / {o.name}", _merge(self.est, o.est))

    def where_positive(self, label: str) -> "Q":
        """NaN with a reason where the value is not > 0 (e.g. a growth base or an equity that is negative)."""
        bad = (self.v <= 0) & self.v.notna()
        why = self.why.where(~(bad & (self.why == "")), f"{label} not positive")
        return Q(self.v.where(~bad), why, self.name, self.est.copy())

    def clean(self) -> "Q":
        """Final check: no inf survives; a NaN always has a reason."""
        v = self.v.replace([np.inf, -np.inf], np.nan)
        why = self.why.where(~(v.isna() & (self.why == "")), "not computable")
        why = why.where(v.isna(), "")
        return Q(v, why, self.name, self.est.where(v.notna(), ""))


class Wide:
    """Items of the cleaned panel by (company, fiscal_year); missing items are NaN with a reason."""

    def __init__(self, panel: pd.DataFrame, period: str = "FY") -> None:
        p = panel[panel["period"] == period]
        self.w = p.pivot_table(index=["company", "fiscal_year"], columns="item", values="value", aggfunc="first")
        self.index = self.w.index
        est = p[is_estimate(p)]
        # (company, fiscal_year, item) -> label of the estimate, e.g. 'fx_estimate total_equity FY2021'
        self.est_keys = {(c, int(y), it): f"{b} {it} FY{int(y)}"
                         for c, y, it, b in zip(est["company"], est["fiscal_year"], est["item"], est.get("basis", est["item"]))}

    def _est(self, item: str, lag: int) -> pd.Series:
        out = pd.Series("", index=self.index, dtype=object)
        if self.est_keys:
            labels = [self.est_keys.get((c, y - lag, item), "") for c, y in self.index]
            out[:] = labels
        return out

    def _series(self, item: str, lag: int = 0) -> pd.Series:
        if item not in self.w.columns:
            return pd.Series(np.nan, index=self.index, dtype=float)
        s = self.w[item].astype(float)
        if lag == 0:
            return s
        # the value of fiscal year t - lag of the same company (NaN when that year is absent): gaps in years
        # are respected, never squeezed
        want = pd.MultiIndex.from_arrays([self.index.get_level_values(0), self.index.get_level_values(1) - lag])
        return pd.Series(s.reindex(want).to_numpy(), index=self.index, dtype=float)

    def _q(self, item: str, lag: int = 0) -> Q:
        v = self._series(item, lag)
        why = pd.Series("", index=self.index, dtype=object)
        miss = v.isna().to_numpy()
        if miss.any():
            years = (self.index.get_level_values(1)[miss] - lag).astype(str)
            why[miss] = ("missing " + item + " FY") + pd.Index(years)
        return Q(v, why, item if lag == 0 else f"{item}[t-{lag}]", self._est(item, lag))

    def __getitem__(self, item: str) -> Q:
        return self._q(item)

    def prev(self, item: str) -> Q:
        return self._q(item, 1)

    def avg(self, item: str) -> Q:
        """Average of the opening (prior year-end) and closing balance."""
        q = (self._q(item) + self._q(item, 1)) / 2.0
        q.name = f"avg({item})"
        return q

    def first_of(self, items: list[str], lag: int = 0) -> tuple[Q, pd.Series]:
        """The first item available in each year, and which one it was (a configured fallback list).
        A reported value of a later item beats a flagged estimate of an earlier one."""
        v = pd.Series(np.nan, index=self.index, dtype=float)
        used = pd.Series("", index=self.index, dtype=object)
        est = pd.Series("", index=self.index, dtype=object)
        # reported values of any listed item first, flagged estimates only where no item is reported
        for estimates in (False, True):
            for it in items:
                s, e = self._series(it, lag), self._est(it, lag)
                take = v.isna() & s.notna() & ((e != "") == estimates)
                v[take], used[take], est[take] = s[take], it, e[take]
        years = pd.Series([y - lag for _, y in self.index], index=self.index)
        why = pd.Series("", index=self.index, dtype=object)
        why[v.isna()] = "missing " + " / ".join(items) + " FY" + years[v.isna()].astype(str)
        return Q(v, why, "|".join(items), est), used

    def definition(self, items: list[str]) -> str:
        """One definition per series (issue 12): the one item of a configured list used for every year of the
        window, so that a trend or an average never measures a switch of definition. The first item with a value
        in every year of the window; else the item that covers the most years, on a tie the one that reaches the
        latest year (the years a reader adds), then list order; the years it does not cover stay gaps."""
        years = self.index.get_level_values(1)
        cover = []
        for k, it in enumerate(items):
            have = self._series(it).notna().to_numpy()
            cover.append((int(have.sum()), int(years[have].max()) if have.any() else 0, -k, it))
        full = [c[3] for c in cover if c[0] == len(self.index)]
        return full[0] if full else max(cover)[3]

    def one_of(self, items: list[str], lag: int = 0) -> tuple[Q, str]:
        """The series of the item `definition` chooses, and its name."""
        it = self.definition(items)
        return self._q(it, lag), it

    def constant(self, value: float, name: str) -> Q:
        return Q(pd.Series(float(value), index=self.index), pd.Series("", index=self.index, dtype=object), name)
