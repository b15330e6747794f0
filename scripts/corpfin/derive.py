"""Stated imputation tiers (issue 12): values no source prints, made by a stated rule and flagged everywhere.

Tiers (the `basis` of a panel row, and the first word of an `estimate_inputs` label downstream):
- reported: printed by a source (corpfin.select);
- fx_estimate: printed only in HKD and converted at a sourced rate (corpfin.estimates);
- derived: the one unknown of an accounting identity whose other terms are all reported, e.g. total liabilities
  = total assets - total equity (this module). A derived value never replaces a panel value of any basis, is
  never derived from another imputed value, and the identity it came from is then reported as
  'derived (not a check)', not as a check that holds;
- carried: a slowly moving market parameter taken from its nearest sourced vintage (corpfin.market.select_by_vintage).

Config `imputation.mode`: strict (reported and FX estimates only, the gaps as they were before issue 12) or
tiered (default: derived and carried values too).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ConfigError

BASIS_DERIVED = "derived"
TIERS = ("reported", "fx_estimate", "derived", "carried")
MODES = ("strict", "tiered")


def validate_imputation(imp: dict, identities: list[dict], wacc_inputs: list[str]) -> None:
    """Refuse an imputation config naming an unknown mode, identity or WACC input, with the accepted values."""
    if imp["mode"] not in MODES:
        raise ConfigError(f"imputation.mode: unknown value {imp['mode']!r}; accepted: {', '.join(MODES)}")
    names = [i["name"] for i in identities if i.get("when_incomplete", "not_checkable") != "upper_bound"]
    for n in imp["derived_identities"]:
        if n not in names:
            raise ConfigError(f"imputation.derived_identities: unknown identity {n!r}; accepted (the equality "
                              f"identities of cleaning.identities): {', '.join(names)}")
    for n in imp["carried"]:
        if n not in wacc_inputs:
            raise ConfigError(f"imputation.carried: unknown input {n!r}; accepted: {', '.join(wacc_inputs)}")


def _formula(ident: dict, unknown: str) -> str:
    """'total_liabilities = total_assets - total_equity' for the identity solved for `unknown`."""
    terms, target = ident["terms"], ident["equals"]
    if unknown == target:
        rhs = [(c, i) for i, c in terms.items()]
    else:
        c0 = terms[unknown]
        rhs = [(c0, target)] + [(-c * c0, i) for i, c in terms.items() if i != unknown]
    text = " ".join(f"{'+' if c > 0 else '-'} {i}" for c, i in rhs).lstrip("+ ")
    return f"{unknown} = {text}"


def derive_from_identities(panel: pd.DataFrame, identities: list[dict], names: list[str],
                           catalogue: pd.DataFrame, period: str = "FY") -> pd.DataFrame:
    """Panel rows (basis 'derived') for every company-year in which exactly one item of a named identity has no
    panel value and all the others are reported. Same columns as the panel."""
    p = panel[panel["period"] == period].reset_index(drop=True)
    basis = p["basis"] if "basis" in p else pd.Series("reported", index=p.index)
    rep = p[basis == "reported"]
    idx = ["company", "fiscal_year"]
    val = rep.pivot_table(index=idx, columns="item", values="value", aggfunc="first")
    res = rep.pivot_table(index=idx, columns="item", values="resolution", aggfunc="first")
    src = rep.pivot_table(index=idx, columns="item", values="source_id", aggfunc="first")
    # the derived value is in the unit of the terms it comes from (the company's currency, in millions)
    units = rep.pivot_table(index=idx, columns="item", values="canonical_unit", aggfunc="first")
    anyv = p.pivot_table(index=idx, columns="item", values="value", aggfunc="first").reindex(index=val.index)
    cat = catalogue.set_index("item")
    rows = []
    taken: set[tuple] = set()
    by_name = {i["name"]: i for i in identities}
    for name in names:
        ident = by_name[name]
        terms, target = ident["terms"], ident["equals"]
        items = list(terms) + [target]
        V = val.reindex(columns=items)
        no_value = anyv.reindex(columns=items).isna().to_numpy()      # no panel value of any basis
        not_reported = V.isna().to_numpy()
        for r, ((company, year), v) in enumerate(V.iterrows()):
            # exactly one item without any value, every other one reported
            if no_value[r].sum() != 1 or not_reported[r][~no_value[r]].any():
                continue
            unknown = items[int(no_value[r].argmax())]
            if (company, year, unknown) in taken:
                continue
            if unknown == target:
                value = sum(c * v[i] for i, c in terms.items())
            else:
                value = (v[target] - sum(c * v[i] for i, c in terms.items() if i != unknown)) / terms[unknown]
            others = [i for i in items if i != unknown]
            resolution = float(np.nansum([res.loc[(company, year), i] for i in others]))
            inputs = "; ".join(f"{i} {v[i]:.4f} ({src.loc[(company, year), i]})" for i in others)
            taken.add((company, year, unknown))
            rows.append({
                "company": company, "fiscal_year": year, "period": period, "item": unknown,
                "statement": cat.loc[unknown, "statement"] if unknown in cat.index else "",
                "quantity": cat.loc[unknown, "quantity"] if unknown in cat.index else "money",
                "value": float(value), "canonical_unit": units.loc[(company, year), others[0]],
                "resolution": resolution,
                "value_printed": "", "unit": "", "source_id": f"derived:{name}", "kind": BASIS_DERIVED,
                "document": f"derived from the identity '{name}': {_formula(ident, unknown)}, with {inputs}",
                "url": "", "raw_file": "", "raw_row": np.nan, "precedence_source_id": "", "n_sources": 0,
                "n_agreeing": 0, "n_conflicting": 0, "basis": BASIS_DERIVED, "fx_rate": np.nan, "fx_source_id": "",
            })
    return pd.DataFrame(rows)


def add_derived(panel: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    if derived.empty:
        return panel
    d = derived.reindex(columns=panel.columns)
    return pd.concat([panel, d], ignore_index=True).sort_values(
        ["company", "fiscal_year", "period", "item"]).reset_index(drop=True)


def strict_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel without derived rows (strict mode)."""
    if "basis" not in panel:
        return panel
    return panel[panel["basis"] != BASIS_DERIVED].reset_index(drop=True)


def panel_in_mode(panel: pd.DataFrame, mode: str, identities: list[dict], names: list[str],
                  catalogue: pd.DataFrame, debt: dict | None = None) -> pd.DataFrame:
    """The panel of an imputation mode, from a panel of either mode (the one place that applies the mode): strict
    drops the derived rows, tiered adds every value the named identities derive from the reported ones. With `debt`
    (eva.debt), the one series of interest-bearing debt is rebuilt: printed figures only in strict mode, and the
    checked derivations too in tiered mode (corpfin.debt)."""
    from .debt import with_debt_series

    base = strict_panel(panel)
    if mode != "strict":
        base = add_derived(base, derive_from_identities(base, identities, list(names), catalogue))
    return with_debt_series(base, debt, mode != "strict", catalogue)
