"""A configured series (fiscal year, value, imputation flags) from the panel, the ratio table or the EVA summary.

Kept apart from corpfin.trends so that the jobs that only need a series (claims audit, figures) do not import scipy.
"""
from __future__ import annotations

import pandas as pd

from .estimates import is_estimate, tiers_in


def series_from(tables: dict[str, pd.DataFrame], table: str, key: str, method: str | None = None) -> pd.DataFrame:
    """A configured series (fiscal_year, value, estimated) from the panel (FY item), the ratio table, or the EVA
    summary (a column of eva.csv, of `method` or of the headline method); `estimated` marks points built on a flagged
    estimate."""
    t = tables[table]
    if table == "panel":
        d = t[(t["item"] == key) & (t["period"] == "FY")]
    elif table == "ratios":
        d = t[t["ratio"] == key]
    else:
        pick = t["method"] == method if method else t["headline"].astype(bool)
        d = t[pick].rename(columns={key: "value"})
    return d[["fiscal_year", "value"]].assign(estimated=is_estimate(d).to_numpy(dtype=bool),
                                              tiers=tier_words(d).to_numpy()).reset_index(drop=True)


def tier_words(d: pd.DataFrame) -> pd.Series:
    """The imputation tiers a row rests on ('fx_estimate+carried'; '' for reported only): from a panel row's `basis`
    or the first word of each label in `estimate_inputs` (corpfin.derive)."""
    col = "basis" if "basis" in d else "estimate_inputs" if "estimate_inputs" in d else None
    if col is None:
        return pd.Series("", index=d.index)
    return d[col].map(lambda s: "+".join(sorted(tiers_in(s))))


def ratio_values(ratios: pd.DataFrame, name: str) -> pd.Series:
    """One ratio's values by fiscal year, in year order, the years without a value left out."""
    r = ratios[ratios["ratio"] == name].dropna(subset=["value"])
    return r.set_index("fiscal_year")["value"].sort_index()
