"""Checks across the raw files of one company, made before any value is chosen (rule clean_panel).

- a source id names one source of the company: the same id in two year folders is refused with both places;
- every fiscal year of the window has at least one full-year (FY) figure (a quarterly-only folder would put an
  empty year into every table);
- plausibility bounds per item (workflow/resources/items.csv, column `bound`, and the quantity's own rules):
  counts, users and units are never negative; counts are whole numbers; a money figure is at most
  `money_to_revenue_max` times the company's revenue of the same year (a 1e30 or a unit slip of 10^6 is
  refused, a large but real balance is not). A bound can be waived for one raw row with a stated reason in
  data/raw/<company>/bound_waivers.csv (source_id, item, fiscal_year, reason).
Every refusal names the raw file, row and column, the bound broken and the value found.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import InputError
from .extract import read_csv_strict

WAIVER_COLUMNS = ["source_id", "item", "fiscal_year", "reason"]
NONNEGATIVE_QUANTITIES = ("count", "units", "users")


def check_source_ids(evidence: pd.DataFrame) -> None:
    """Refuse a source id used in the sources.csv of two year folders of one company (its evidence rows would
    double); two companies may use the same ids."""
    src = evidence[["company", "source_id", "raw_file"]].drop_duplicates()
    src = src.assign(sources_file=src["raw_file"].str.replace("figures.csv", "sources.csv", regex=False))
    files = src.drop_duplicates(["company", "source_id", "sources_file"])
    dup = files[files.duplicated(["company", "source_id"], keep=False)]
    if not dup.empty:
        sid, company = dup["source_id"].iloc[0], dup["company"].iloc[0]
        where = sorted(dup.loc[(dup["source_id"] == sid) & (dup["company"] == company), "sources_file"])
        raise InputError(where[-1], "source_id already used in another year folder of the company", column="source_id",
                         expected=f"ids unique across the company's folders (also in {where[0]})", found=sid)


def check_full_years(evidence: pd.DataFrame, years: list[int], company: str) -> None:
    have = set(evidence.loc[evidence["period"] == "FY", "fiscal_year"].astype(int))
    for y in years:
        if y not in have:
            raise InputError(f"data/raw/{company}/{y}/figures.csv", "no full-year (FY) figure for this fiscal year",
                             column="period", expected=f"at least one FY row for FY{y} (a folder with quarterly rows "
                                                         f"only belongs outside fiscal_years in workflow/config.yaml)")


def read_waivers(text: str | None, file: str) -> pd.DataFrame:
    if not text:
        return pd.DataFrame(columns=WAIVER_COLUMNS)
    rows = []
    for lineno, r in read_csv_strict(text, file, WAIVER_COLUMNS):
        if not r["reason"].strip():
            raise InputError(file, "a waiver needs a stated reason", row=lineno, column="reason",
                             expected="why the value is right although it breaks the bound")
        if not re.fullmatch(r"[0-9]{4}", r["fiscal_year"].strip()):
            raise InputError(file, "fiscal year is not a year", row=lineno, column="fiscal_year",
                             expected="four digits, such as 2019", found=r["fiscal_year"])
        rows.append({**r, "fiscal_year": int(r["fiscal_year"]), "row": lineno})
    return pd.DataFrame(rows, columns=WAIVER_COLUMNS + ["row"])


def check_waivers(waivers: pd.DataFrame, evidence: pd.DataFrame, file: str) -> None:
    """Refuse a waiver that names no raw row (a typo in its source id, item or year would waive nothing)."""
    have = set(zip(evidence["source_id"], evidence["item"], evidence["fiscal_year"].astype(int)))
    for w in waivers.itertuples(index=False):
        if (w.source_id, w.item, int(w.fiscal_year)) not in have:
            raise InputError(file, "waiver for a row that does not exist", row=int(w.row), column="source_id",
                             expected="the source id, item and fiscal year of a row of the company's raw figures",
                             found=f"{w.source_id}, {w.item}, {w.fiscal_year}")


def check_bounds(evidence: pd.DataFrame, catalogue: pd.DataFrame, waivers: pd.DataFrame,
                 money_to_revenue_max: float, currency: str = "RMB") -> None:
    """Refuse the first raw row that breaks a bound (see module doc), unless it is waived."""
    e = evidence.copy()
    if not waivers.empty:
        w = waivers.assign(_w=True)[["source_id", "item", "fiscal_year", "_w"]]
        e = e.merge(w, on=["source_id", "item", "fiscal_year"], how="left")
        e = e[e["_w"].isna()]
    bound = e["item"].map(catalogue.set_index("item").get("bound", pd.Series(dtype=str))).fillna("")
    v = e["value"].astype(float)
    neg = (e["quantity"].isin(NONNEGATIVE_QUANTITIES) | bound.str.contains("nonnegative")) & (v < 0)
    frac = (e["quantity"] == "count") & (v != np.round(v))
    rev = e[(e["item"] == "revenue") & (e["period"] == "FY") & (e["currency"] == currency)]
    scale = rev.groupby("fiscal_year")["value"].median()
    cap = e["fiscal_year"].map(scale) * money_to_revenue_max
    big = (e["quantity"] == "money") & (e["currency"] == currency) & cap.notna() & (v.abs() > cap)
    for mask, what in ((neg, "a count, number of users or units, or a nonnegative item cannot be negative"),
                       (frac, "a count is a whole number"),
                       (big, f"a money figure is at most {money_to_revenue_max:g} x the year's revenue")):
        if mask.any():
            r = e[mask].iloc[0]
            expected = what
            if what.startswith("a money"):
                expected += f" ({cap[mask].iloc[0]:,.0f} {currency} million for FY{int(r['fiscal_year'])})"
            raise InputError(r["raw_file"], f"implausible value for {r['item']}", row=int(r["raw_row"]), column="value",
                             expected=expected + "; waive it in bound_waivers.csv with a reason if it is right",
                             found=r["value_printed"])
