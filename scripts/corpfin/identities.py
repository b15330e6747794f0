"""Accounting identities checked on the cleaned panel.

Each identity is configured as `terms` (item -> coefficient, +1 or -1) that must sum to `equals`.
Tolerance: the rounding resolution of every value involved (half a unit of its last printed digit)
plus `relative` x the largest absolute value involved. A check that involves a flagged estimate
(panel basis other than 'reported', see corpfin.estimates) is reported as 'holds (estimate)' or
'not met (estimate)': it measures the estimate, and only reported figures can fail the build. Where one
value was derived from the identity itself (corpfin.derive), the identity is 'derived (not a check)'.
When some terms are missing the identity is
"not checkable", unless `when_incomplete: upper_bound`, in which case the sum of the terms present
(all with coefficient +1) must not exceed `equals` (e.g. the segments that are published cannot add
up to more than group revenue).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import IdentityError
from .estimates import is_estimate
from .select import sort_rows


def check_identities(panel: pd.DataFrame, identities: list[dict], relative: float,
                     period: str = "FY") -> pd.DataFrame:
    """One row per company, fiscal_year and identity: lhs, rhs, difference, allowance, status, detail."""
    p = panel[panel["period"] == period]
    idx = ["company", "fiscal_year"]
    # one value per company, year and item (the cleaned panel's key): one unstack gives the three wide tables
    wide = p.assign(_e=is_estimate(p).astype(float)).set_index(idx + ["item"])[["value", "resolution", "_e"]]
    wide = wide[~wide.index.duplicated()].unstack("item").sort_index()
    val, res, est = wide["value"], wide["resolution"], wide["_e"]
    val.columns.name = res.columns.name = est.columns.name = "item"
    # rows derived from an identity (corpfin.derive), found once: source id 'derived:<identity>'
    if "source_id" in p:
        codes, uniques = pd.factorize(p["source_id"])
        derived = {u: i for i, u in enumerate(uniques) if isinstance(u, str) and u.startswith("derived:")}
    else:
        codes, derived = np.zeros(len(p), dtype=np.int64), {}
    frames, formatted = [], {}
    for n_done, ident in enumerate(identities):
        terms, target = ident["terms"], ident["equals"]
        items = list(terms) + [target]
        V, R = val.reindex(columns=items), res.reindex(columns=items)
        present = V.notna()
        lhs = sum(c * V[i].fillna(0.0) for i, c in terms.items())
        rhs = V[target]
        allowance = R.where(present).sum(axis=1) + relative * V.abs().max(axis=1)
        diff = lhs - rhs
        pres = present.to_numpy()
        names = np.array(items)
        patterns = _presence_patterns(pres)
        missing = _missing_lists(pres, names, patterns)
        n_present_terms = present[list(terms)].sum(axis=1).to_numpy()
        upper = ident.get("when_incomplete") == "upper_bound"
        complete = pres.all(axis=1)
        target_ok = present[target].to_numpy()
        checkable = target_ok & (n_present_terms > 0) & (complete | upper)
        holds_eq = (diff.abs() <= allowance).to_numpy()
        holds_ub = (lhs <= rhs + allowance).to_numpy()
        status = np.where(~checkable, "not checkable",
                          np.where(complete, np.where(holds_eq, "holds", "violated"),
                                   np.where(holds_ub, "upper bound holds", "violated")))
        # a value derived from this very identity (corpfin.derive) makes it hold by construction: not a check
        code = derived.get(f"derived:{ident['name']}")
        src = p[codes == code] if code is not None else p.iloc[:0]
        from_here = V.index.isin(pd.MultiIndex.from_frame(src[idx])) if not src.empty else np.zeros(len(V), bool)
        status = np.where(from_here, "derived (not a check)", status)
        uses_est = ((est.reindex(columns=items).fillna(0.0) > 0) & present).any(axis=1).to_numpy() & ~from_here
        status = np.where(uses_est & (status == "violated"), "not met (estimate)",
                          np.where(uses_est & (status != "not checkable"), status + " (estimate)", status))
        values = _value_lists(V.to_numpy(), pres, names, patterns, formatted)
        # the texts are joined only for the rows that show them
        detail = values.copy()
        gap = np.flatnonzero(~checkable)
        detail[gap] = "missing " + missing[gap]
        part = np.flatnonzero(checkable & ~complete)
        detail[part] = "partial (missing " + missing[part] + "): " + values[part]
        formula = " ".join(f"{'+' if c > 0 else '-'} {i}" for i, c in terms.items()).lstrip("+ ") + f" = {target}"
        f = pd.DataFrame({"company": V.index.get_level_values(0), "fiscal_year": V.index.get_level_values(1),
                          "_o": n_done, "identity": ident["name"], "formula": formula,
                          "lhs": np.where(checkable, lhs, np.nan), "rhs": np.where(checkable, rhs, np.nan),
                          "difference": np.where(checkable, diff, np.nan),
                          "allowance": np.where(checkable, allowance, np.nan), "status": status, "detail": detail})
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    return sort_rows(out, ["company", "fiscal_year", "_o"]).drop(columns="_o")


def _presence_patterns(present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a row showing each distinct pattern of presence, the pattern of every row): each pattern as one integer
    (a bit per item), so that finding the patterns is a 1-D unique."""
    bits = present.astype(np.int64) @ (np.int64(1) << np.arange(present.shape[1], dtype=np.int64))
    _, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _missing_lists(present: np.ndarray, names: np.ndarray,
                   patterns: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Per row, the names of the absent items joined by ', ' (computed once per pattern of presence)."""
    first, inverse = patterns
    text = np.array([", ".join(names[~present[i]]) for i in first], dtype=object)
    return text[inverse] if len(present) else np.zeros(0, dtype=object)


def _value_lists(values: np.ndarray, present: np.ndarray, names: np.ndarray,
                 patterns: tuple[np.ndarray, np.ndarray], formatted: dict | None = None) -> np.ndarray:
    """Per row, 'item=value' for every present item (four decimals) joined by '; ': each item formatted once
    (from Python floats, about twice as fast as numpy scalars; `formatted` keeps an item's texts for the next
    identity on the same rows), then joined per pattern of presence."""
    out = np.full(len(values), "", dtype=object)
    if not len(values):
        return out
    formatted = {} if formatted is None else formatted
    pieces = []
    for j, name in enumerate(names):
        piece = formatted.get(name)
        if piece is None:
            piece = np.full(len(values), "", dtype=object)
            have = present[:, j]
            piece[have] = [f"{name}={v:.4f}" for v in values[have, j].tolist()]
            formatted[name] = piece
        pieces.append(piece)
    first, inverse = patterns
    for k, row in enumerate(first):
        rows = np.flatnonzero(inverse == k)
        cols = [pieces[j][rows] for j in range(len(names)) if present[row, j]]
        if cols:
            out[rows] = ["; ".join(t) for t in zip(*cols)]
    return out


def raise_on_violations(checks: pd.DataFrame) -> None:
    """Fail with a message naming company, year, identity, items and values of every violation."""
    bad = checks[checks["status"] == "violated"]
    if bad.empty:
        return
    lines = [f"{r.company} FY{r.fiscal_year}: identity '{r.identity}' ({r.formula}) fails: "
             f"lhs {r.lhs:.4f} vs rhs {r.rhs:.4f} (difference {r.difference:.4f}, allowed {r.allowance:.4f}); "
             f"values: {r.detail}" for r in bad.itertuples()]
    raise IdentityError("accounting identities violated in the cleaned panel:\n" + "\n".join(lines))
