"""Vectorised arithmetic that carries the reason a value is missing.

A `Q` is a Series of values indexed by (company, fiscal_year) plus a Series of reasons ('' where
the value exists). Arithmetic propagates the first reason; division by zero gives NaN with the
reason 'zero denominator: <name>', never inf. `Wide` hands out items of the cleaned panel as Q's,
including prior-year and two-year-average balances.

A third Series, `est`, names the flagged estimates a value was built from ('' for none: every
input reported). It propagates through arithmetic like the reasons, so a ratio or EVA line that
rests on an FX-converted balance (corpfin.estimates) says so wherever it is shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .estimates import is_estimate


class _Reasons:
    """Interned reason texts: every reason (and every estimate label) is an integer code into this table, so that
    Q arithmetic merges integers and the text is decoded once, where a table is written (issue 16). Code 0 is ''.
    A text is the '; '-joined tuple of its parts; merging keeps the parts of the first, then the new parts of the
    second, as the string merge did."""

    def __init__(self) -> None:
        self.text: list[str] = [""]
        self.parts: list[tuple[str, ...]] = [()]
        self.code: dict[str, int] = {"": 0}
        self.pairs: dict[tuple[int, int], int] = {}
        self._decoder = np.array([""], dtype=object)

    def intern(self, text: str) -> int:
        c = self.code.get(text)
        if c is None:
            c = self.code[text] = len(self.text)
            self.text.append(text)
            self.parts.append(tuple(text.split("; ")) if text else ())
        return c

    def encode(self, values) -> np.ndarray:
        """Codes of a Series or array of texts (NaN or None count as '')."""
        arr = np.asarray(values, dtype=object)
        if arr.size == 0:
            return np.zeros(0, dtype=np.int32)
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        table = np.array([self.intern(u if isinstance(u, str) else "") for u in uniques] + [0], dtype=np.int32)
        return table[codes]          # the sentinel -1 picks the appended 0

    def decode(self, codes: np.ndarray) -> np.ndarray:
        if len(self._decoder) != len(self.text):
            self._decoder = np.array(self.text, dtype=object)
        return self._decoder[codes]

    def merge_pair(self, a: int, b: int) -> int:
        c = self.pairs.get((a, b))
        if c is None:
            first = self.parts[a]
            c = self.pairs[(a, b)] = self.intern("; ".join(first + tuple(p for p in self.parts[b] if p not in first)))
        return c

    def merge(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Element-wise: a where b is empty or equal, b where a is empty, else the merge of both."""
        out = np.where(a == 0, b, a)
        both = (a != 0) & (b != 0) & (a != b)
        if both.any():
            pairs = (a[both].astype(np.int64) << 32) | b[both].astype(np.int64)
            uniq, inv = np.unique(pairs, return_inverse=True)
            merged = np.array([self.merge_pair(int(p >> 32), int(p & 0xFFFFFFFF)) for p in uniq], dtype=np.int32)
            out[both] = merged[inv]
        return out


REASONS = _Reasons()


class Q:
    """Values (by company and fiscal year), the reason each missing value is missing (`why`, '' where the value
    exists) and the flagged estimates it rests on (`est`). The values are held as a float array on a shared
    (company, fiscal_year) index and reasons and estimates as interned integer codes (`REASONS`), so that
    arithmetic between Q's of one panel is array arithmetic (issue 16); `v`, `why` and `est` read them as Series."""

    __slots__ = ("_a", "index", "name", "_why", "_est")

    def __init__(self, v: pd.Series, why, name: str = "", est=None) -> None:
        self._a = np.asarray(v, dtype=float)
        self.index = v.index
        self.name = name
        self._why = REASONS.encode(why)
        self._est = np.zeros(len(v), dtype=np.int32) if est is None else REASONS.encode(est)

    @classmethod
    def _of(cls, v, why: np.ndarray, name: str, est: np.ndarray, index: pd.Index | None = None) -> "Q":
        """A Q from a Series (`index` None) or from a float array on `index`, without copying."""
        q = cls.__new__(cls)
        if index is None:
            q._a, q.index = np.asarray(v, dtype=float), v.index
        else:
            q._a, q.index = v, index
        q._why, q.name, q._est = why, name, est
        return q

    @property
    def v(self) -> pd.Series:
        return pd.Series(self._a, index=self.index, dtype=float, copy=False)

    @property
    def why(self) -> pd.Series:
        return pd.Series(REASONS.decode(self._why), index=self.index, dtype=object)

    @property
    def est(self) -> pd.Series:
        return pd.Series(REASONS.decode(self._est), index=self.index, dtype=object)

    @est.setter
    def est(self, value) -> None:
        self._est = REASONS.encode(value)

    def _other(self, o):
        """The other operand as an array on this Q's index: a Q of the same panel or a number as they are, a Q
        or Series on another index aligned by label (NaN where absent, as pandas aligns)."""
        if isinstance(o, Q):
            if o.index is self.index or o.index.equals(self.index):
                return o._a, o._why, o._est
            al = o.v.reindex(self.index).to_numpy(dtype=float)
            return al, _align_codes(o._why, o.index, self.index), _align_codes(o._est, o.index, self.index)
        if isinstance(o, pd.Series):
            return o.reindex(self.index).to_numpy(dtype=float), None, None
        return o, None, None

    def _bin(self, other, op, sym):
        b, why, est = self._other(other)
        with np.errstate(invalid="ignore", over="ignore"):
            a = op(self._a, b)
        if why is None:
            return Q._of(a, self._why, f"({self.name} {sym} {getattr(other, 'name', other)})", self._est, self.index)
        return Q._of(a, REASONS.merge(self._why, why), f"({self.name} {sym} {other.name})",
                     REASONS.merge(self._est, est), self.index)

    def __add__(self, o):
        return self._bin(o, np.add, "+")

    def __sub__(self, o):
        return self._bin(o, np.subtract, "-")

    def __mul__(self, o):
        return self._bin(o, np.multiply, "*")

    __rmul__ = __mul__

    def __neg__(self):
        return Q._of(-self._a, self._why, f"-{self.name}", self._est, self.index)

    def __truediv__(self, o):
        if not isinstance(o, Q):
            b, _, _ = self._other(o)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                return Q._of(self._a / b, self._why, f"{self.name} / {getattr(o, 'name', o)}", self._est, self.index)
        b, owhy, oest = self._other(o)
        zero = b == 0
        den = np.where(zero, np.nan, b)
        why = REASONS.merge(self._why, owhy)
        why = np.where(zero & (why == 0), REASONS.intern(f"zero denominator: {o.name}"), why).astype(np.int32)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return Q._of(self._a / den, why, f"{self.name} / {o.name}", REASONS.merge(self._est, oest), self.index)

    def where_positive(self, label: str) -> "Q":
        """NaN with a reason where the value is not > 0 (e.g. a growth base or an equity that is negative)."""
        bad = self._a <= 0
        why = np.where(bad & (self._why == 0), REASONS.intern(f"{label} not positive"), self._why).astype(np.int32)
        return Q._of(np.where(bad, np.nan, self._a), why, self.name, self._est, self.index)

    def clean(self) -> "Q":
        """Final check: no inf survives; a NaN always has a reason."""
        v = np.where(np.isinf(self._a), np.nan, self._a)
        missing = np.isnan(v)
        why = np.where(missing, np.where(self._why == 0, REASONS.intern("not computable"), self._why), 0)
        return Q._of(v, why.astype(np.int32), self.name, np.where(missing, 0, self._est).astype(np.int32), self.index)


def _align_codes(codes: np.ndarray, source: pd.Index, target: pd.Index) -> np.ndarray:
    """Reason or estimate codes carried from one index to another by label (0, no reason, where absent)."""
    pos = source.get_indexer(target)
    return np.where(pos >= 0, codes[pos], 0).astype(np.int32)


def level_categorical(index: pd.MultiIndex, level: int) -> pd.Categorical:
    """A level of the index as a categorical with its categories in sort order (no Python string per row)."""
    cats = index.levels[level]
    if isinstance(cats, pd.CategoricalIndex):        # its values, not the categories of the column it came from
        cats = pd.Index(np.asarray(cats, dtype=object))
    out = pd.Categorical.from_codes(index.codes[level], categories=cats)
    return out if cats.is_monotonic_increasing else out.reorder_categories(cats.sort_values())


def concat_long(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """pd.concat of long tables whose text columns are categoricals, keeping them categorical (the union of the
    categories, in sort order) instead of falling back to one Python string per row."""
    out = pd.concat(frames, ignore_index=True)
    for c in out.columns:
        parts = [f[c] for f in frames if len(f)]
        categorical = [isinstance(x.dtype, pd.CategoricalDtype) for x in parts]
        if parts and all(categorical) and not isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = pd.api.types.union_categoricals([x.array for x in parts], sort_categories=True)
    return out


def stack(index: pd.MultiIndex, blocks: list[tuple[dict, Q]], columns: list[str]) -> pd.DataFrame:
    """Long table of several Q's on one (company, fiscal_year) index: each block's constant columns, its cleaned
    values (`value`), reasons (`status`) and estimate labels (`estimate_inputs`), the codes decoded once for the
    whole table; `columns` gives the order."""
    n, k = len(index), len(blocks)
    qs = [q.clean() for _, q in blocks]
    for q in qs:
        if not (q.index is index or q.index.equals(index)):
            raise ValueError(f"{q.name}: index differs from the panel's (company, fiscal_year) index")
    company = level_categorical(index, 0)
    data = {"company": pd.Categorical.from_codes(np.tile(company.codes, k), categories=company.categories),
            "fiscal_year": np.tile(index.get_level_values(1).to_numpy(), k),
            "value": np.concatenate([q._a for q in qs]) if qs else np.zeros(0),
            "status": REASONS.decode(np.concatenate([q._why for q in qs])) if qs else np.zeros(0, dtype=object),
            "estimate_inputs": REASONS.decode(np.concatenate([q._est for q in qs])) if qs else np.zeros(0, dtype=object)}
    for c in columns:
        if c not in data:
            consts = [b[c] for b, _ in blocks]
            if all(isinstance(x, str) for x in consts):
                # a text constant per block: a categorical column (categories in sort order, so sorting is
                # lexical), not one Python string per row
                cats = sorted(set(consts))
                codes = np.repeat(np.array([cats.index(x) for x in consts], dtype=np.int32), n)
                data[c] = pd.Categorical.from_codes(codes, categories=cats)
            else:
                data[c] = np.repeat(np.array(consts), n)
    return pd.DataFrame({c: data[c] for c in columns})


class Wide:
    """Items of the cleaned panel by (company, fiscal_year); missing items are NaN with a reason."""

    def __init__(self, panel: pd.DataFrame, period: str = "FY") -> None:
        p = panel[panel["period"] == period]
        # one value per company, year and item (the cleaned panel's key): an unstack, the first row of a repeated
        # key kept, all-empty items and years dropped as pivot_table would
        v = p.set_index(["company", "fiscal_year", "item"])["value"].astype(float)
        v = v[~v.index.duplicated()].unstack("item").sort_index()
        est = p[is_estimate(p)]
        # (company, fiscal_year, item) -> label of the estimate, e.g. 'fx_estimate total_equity FY2021'
        self._setup(v.dropna(how="all", axis=1).dropna(how="all", axis=0),
                    {(c, int(y), it): f"{b} {it} FY{int(y)}"
                     for c, y, it, b in zip(est["company"], est["fiscal_year"], est["item"],
                                            est.get("basis", est["item"]))})

    @classmethod
    def from_frame(cls, w: pd.DataFrame, estimates: dict | None = None) -> "Wide":
        """A Wide from items already in columns by (company, fiscal_year), e.g. statements a user holds in that
        shape; `estimates` maps (company, fiscal_year, item) to the label of a flagged estimate."""
        self = cls.__new__(cls)
        self._setup(w.astype(float).sort_index(), estimates or {})
        return self

    def _setup(self, w: pd.DataFrame, est_keys: dict) -> None:
        self.w = w
        self.index = w.index
        self.est_keys = est_keys
        self._cols = {c: k for k, c in enumerate(w.columns)}
        self._arr = w.to_numpy(dtype=float, copy=True)
        self._arr.flags.writeable = False       # shared by every Q handed out: a write in place would be a bug
        self._lag_pos: dict[int, np.ndarray] = {}
        self._cache: dict[tuple[str, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _positions(self, lag: int) -> np.ndarray:
        """Row of (company, fiscal_year - lag) for every row, -1 where that year is absent: gaps in years are
        respected, never squeezed."""
        pos = self._lag_pos.get(lag)
        if pos is None:
            want = pd.MultiIndex.from_arrays([self.index.get_level_values(0), self.index.get_level_values(1) - lag])
            pos = self._lag_pos[lag] = self.index.get_indexer(want)
        return pos

    def _est(self, item: str, lag: int) -> pd.Series:
        out = pd.Series("", index=self.index, dtype=object)
        if self.est_keys:
            labels = [self.est_keys.get((c, y - lag, item), "") for c, y in self.index]
            out[:] = labels
        return out

    def _values(self, item: str, lag: int = 0) -> np.ndarray:
        k = self._cols.get(item)
        if k is None:
            return np.full(len(self.index), np.nan)
        col = self._arr[:, k]
        if lag == 0:
            return col
        pos = self._positions(lag)
        return np.where(pos >= 0, col[pos], np.nan)

    def _series(self, item: str, lag: int = 0) -> pd.Series:
        return pd.Series(self._values(item, lag), index=self.index, dtype=float)

    def _q(self, item: str, lag: int = 0) -> Q:
        hit = self._cache.get((item, lag))
        if hit is None:
            v = self._values(item, lag)
            why = np.zeros(len(v), dtype=np.int32)
            miss = np.isnan(v)
            if miss.any():
                years = self.index.get_level_values(1).to_numpy()[miss] - lag
                uniq, inv = np.unique(years, return_inverse=True)
                codes = np.array([REASONS.intern(f"missing {item} FY{int(y)}") for y in uniq], dtype=np.int32)
                why[miss] = codes[inv]
            est = REASONS.encode(self._est(item, lag)) if self.est_keys else np.zeros(len(v), dtype=np.int32)
            for a in (v, why, est):
                a.flags.writeable = False
            hit = self._cache[(item, lag)] = (v, why, est)
        # the arrays are shared by every Q of this item, read-only (Q arithmetic makes new ones)
        return Q._of(hit[0], hit[1], item if lag == 0 else f"{item}[t-{lag}]", hit[2], self.index)

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
        zeros = np.zeros(len(self.index), dtype=np.int32)
        return Q._of(np.full(len(self.index), float(value)), zeros, name, zeros, self.index)
