"""Coverage of the cleaned panel: which items exist for which years, and from what kind of source."""
from __future__ import annotations

import pandas as pd

KIND_CODES = {"company_document": "C", "filing_summary": "F", "aggregator": "A", "academic": "P", "news": "N",
              "fx_estimate": "E", "derived": "D"}


def applies_to(items: pd.DataFrame, company: str) -> pd.Series:
    """Which catalogue items a company's statements carry: an item names the companies it is kept for in column
    `companies` (';'-separated; empty: every company)."""
    if "companies" not in items:
        return pd.Series(True, index=items.index)
    return items["companies"].fillna("").astype(str).map(lambda s: not s.strip() or company in s.split(";"))


def coverage_table(panel: pd.DataFrame, items: pd.DataFrame, company: str, years: list[int],
                   statements: list[str], period: str = "FY") -> pd.DataFrame:
    """Long table: one row per item of the given statements x fiscal year.

    status is the kind of source the chosen value came from, or 'gap' when no eligible source exists;
    n_sources counts the eligible sources behind the choice.
    """
    cat = items[items["statement"].isin(statements)]
    cat = cat[applies_to(cat, company)][["item", "statement"]]
    grid = cat.merge(pd.DataFrame({"fiscal_year": years}), how="cross")
    grid.insert(0, "company", company)
    p = panel[(panel["period"] == period) & (panel["company"] == company)][
        ["fiscal_year", "item", "kind", "n_sources", "source_id"]]
    out = grid.merge(p, on=["fiscal_year", "item"], how="left")
    out["status"] = out["kind"].fillna("gap")
    out["n_sources"] = out["n_sources"].fillna(0).astype(int)
    out["source_id"] = out["source_id"].fillna("")
    return out[["company", "statement", "item", "fiscal_year", "status", "n_sources", "source_id"]].sort_values(
        ["statement", "item", "fiscal_year"]).reset_index(drop=True)


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Wide view: item x year with one-letter kind codes (C, F, A, P, N) and '-' for a gap."""
    c = coverage.assign(code=coverage["status"].map(KIND_CODES).fillna("-"))
    wide = c.pivot_table(index=["statement", "item"], columns="fiscal_year", values="code", aggfunc="first")
    wide.columns = [str(x) for x in wide.columns]
    return wide.reset_index()
