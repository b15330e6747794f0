"""Market data and cost-of-capital inputs: parsing the raw table and picking one value per item and year."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import InputError

COLUMNS = ["source_id", "item", "year", "value", "unit", "url", "evidence", "ledger_ref"]
_SUFFIX = {"B": 1e9, "T": 1e12, "M": 1e6}


def parse_market_value(text: str) -> tuple[float, str]:
    """'865.78B' -> 865780000000.0; '1.02-1.08' (a range) -> NaN with a note; '5.5' -> 5.5."""
    s = str(text).strip()
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)([BTM])", s)
    if m:
        return float(m.group(1)) * _SUFFIX[m.group(2)], ""
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", s):
        return float(s), ""
    return np.nan, f"not a single number as printed: {s!r}"


def clean_market_data(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    """Numeric market table: source_id, item, year (int or NaN for undated rule texts), year_label, value,
    unit, note, url, evidence. Raises InputError for a row without URL or evidence."""
    if list(raw.columns) != COLUMNS:
        raise InputError(file, "header does not match", row=1, expected=",".join(COLUMNS), found=",".join(raw.columns))
    rows = []
    for i, r in enumerate(raw.itertuples(index=False), start=2):
        if not str(r.url).strip() or not str(r.evidence).strip():
            raise InputError(file, "market figure without a source", row=i, column="url/evidence",
                             expected="a URL and a verbatim quote")
        v, note = parse_market_value(r.value)
        unit = str(r.unit)
        if unit.startswith("HKD") and not np.isnan(v) and "as printed" in unit:
            v, unit = v / 1e6, "HKD_million"
        yr = pd.to_numeric(r.year, errors="coerce")
        rows.append({"source_id": r.source_id, "item": r.item, "year": yr, "year_label": r.year, "value": v,
                     "unit": unit, "note": note, "url": r.url, "evidence": r.evidence})
    return pd.DataFrame(rows)


def pick(market: pd.DataFrame, item: str, year: int | None = None) -> tuple[float, str]:
    """The first listed value of an item (for a year, or the item's only dated value when year is None).

    Returns (value, source_id); (NaN, '') when the source collection has no such figure (a gap).
    """
    m = market[(market["item"] == item) & market["value"].notna()]
    if year is not None:
        m = m[m["year"] == year]
    if m.empty:
        return np.nan, ""
    r = m.iloc[0]
    return float(r["value"]), str(r["source_id"])
