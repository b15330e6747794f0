"""Vectorised arithmetic that carries the reason a value is missing.

A `Q` is a Series of values indexed by (company, fiscal_year) plus a Series of reasons ('' where
the value exists). Arithmetic propagates the first reason; division by zero gives NaN with the
reason 'zero denominator: <name>', never inf. `Wide` hands out items of the cleaned panel as Q's,
including prior-year and two-year-average balances.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


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

    def _bin(self, other, op, sym):
        if isinstance(other, Q):
            why = _merge(self.why, other.why)
            return Q(op(self.v, other.v), why, f"({self.name} {sym} {other.name})")
        return Q(op(self.v, other), self.why.copy(), f"({self.name} {sym} {other})")

    def __add__(self, o):
        return self._bin(o, lambda a, b: a + b, "+")

    def __sub__(self, o):
        return self._bin(o, lambda a, b: a - b, "-")

    def __mul__(self, o):
        return self._bin(o, lambda a, b: a * b, "*")

    __rmul__ = __mul__

    def __neg__(self):
        return Q(-self.v, self.why.copy(), f"-{self.name}")

    def __truediv__(self, o):
        if not isinstance(o, Q):
            return Q(self.v / o, self.why.copy(), f"{self.name} / {o}")
        zero = (o.v == 0) & o.v.notna()
        den = o.v.where(~zero)
        why = _merge(self.why, o.why)
        why = why.where(~(zero & (why == "")), f"zero denominator: {o.name}")
        return Q(self.v / den, why, f"{self.name} / {o.name}")

    def where_positive(self, label: str) -> "Q":
        """NaN with a reason where the value is not > 0 (e.g. a growth base or an equity that is negative)."""
        bad = (self.v <= 0) & self.v.notna()
        why = self.why.where(~(bad & (self.why == "")), f"{label} not positive")
        return Q(self.v.where(~bad), why, self.name)

    def clean(self) -> "Q":
        """Final check: no inf survives; a NaN always has a reason."""
        v = self.v.replace([np.inf, -np.inf], np.nan)
        why = self.why.where(~(v.isna() & (self.why == "")), "not computable")
        why = why.where(v.isna(), "")
        return Q(v, why, self.name)


class Wide:
    """Items of the cleaned panel by (company, fiscal_year); missing items are NaN with a reason."""

    def __init__(self, panel: pd.DataFrame, period: str = "FY") -> None:
        p = panel[panel["period"] == period]
        self.w = p.pivot_table(index=["company", "fiscal_year"], columns="item", values="value", aggfunc="first")
        self.index = self.w.index

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
        return Q(v, why, item if lag == 0 else f"{item}[t-{lag}]")

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
        """The first item available in each year, and which one it was (a configured fallback list)."""
        v = pd.Series(np.nan, index=self.index, dtype=float)
        used = pd.Series("", index=self.index, dtype=object)
        for it in items:
            s = self._series(it, lag)
            take = v.isna() & s.notna()
            v[take], used[take] = s[take], it
        years = pd.Series([y - lag for _, y in self.index], index=self.index)
        why = pd.Series("", index=self.index, dtype=object)
        why[v.isna()] = "missing " + " / ".join(items) + " FY" + years[v.isna()].astype(str)
        return Q(v, why, "|".join(items)), used

    def constant(self, value: float, name: str) -> Q:
        return Q(pd.Series(float(value), index=self.index), pd.Series("", index=self.index, dtype=object), name)
