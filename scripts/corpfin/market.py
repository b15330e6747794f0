"""Market data and cost-of-capital inputs: parsing the raw table, settling conflicts, deriving, picking by vintage.

- `clean_market_data` parses the raw table (value as printed, its number of printed decimals).
- `settle_conflicts`: where several rows give one item for one year and their values differ beyond the rounding
  of both printings, the stated rule decides, never the row order: (1) the more precise printing (more printed
  decimals); (2) where equally precise, the lower source id, and the conflict says it was a tie. Every such
  case is listed in data/processed/market/market_conflicts.csv with both values. Rows that agree within rounding are
  not a conflict (the most precise of them is used).
- `derive_market`: a configured derivation (imputation.market_derivations) makes a value that no source prints
  from sourced ones (e.g. the end-2023 China 10-year yield = the 25 Dec 2024 level + the printed 2024 fall);
  such a row has basis 'derived' and names its rule and inputs.
- `select_by_vintage`: the value of an input for a fiscal year. The exact year first ('reported', or 'derived');
  in tiered mode, for an input that may be carried, the nearest sourced vintage at or before the target year,
  else the nearest after ('carried', with the vintage named).
"""
from __future__ import annotations

import fnmatch
import re

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError

COLUMNS = ["source_id", "item", "year", "value", "unit", "url", "evidence", "ledger_ref"]
_SUFFIX = {"B": 1e9, "T": 1e12, "M": 1e6}
# money printed in a currency's thousands, billions, trillions or units: held in millions, as the statements
MONEY_UNIT = re.compile(r"(USD|RMB|KRW)(?:_(thousand|million|billion|trillion))?")
MONEY_SCALE = {"one": 1e-6, "thousand": 1e-3, "million": 1.0, "billion": 1e3, "trillion": 1e6}


def printed_decimals(text: str) -> int:
    """Digits after the decimal point as printed ('4.24' -> 2, '865.78B' -> 2, '6' -> 0)."""
    m = re.match(r"[+-]?\d+(?:\.(\d+))?", str(text).strip())
    return len(m.group(1)) if m and m.group(1) else 0


def parse_market_value(text: str) -> tuple[float, str]:
    """'865.78B' -> 865780000000.0; '1.02-1.08' (a printed range) -> NaN with a note; '5.5' -> 5.5.
    Anything else raises ValueError: a typo never becomes a silent gap."""
    s = str(text).strip()
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)([BTM])", s)
    if m:
        return float(m.group(1)) * _SUFFIX[m.group(2)], ""
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", s):
        return float(s), ""
    if re.fullmatch(r"\d+(\.\d+)?-\d+(\.\d+)?", s):
        return np.nan, f"a range as printed, not a single number: {s!r}"
    raise ValueError(f"not a number: {s!r}")


def bound_of(item: str, unit: str, bounds: list[dict]) -> dict | None:
    """The first configured range (config market_bounds) whose item pattern and unit match the row."""
    for b in bounds:
        if fnmatch.fnmatchcase(item, b["items"]) and b.get("unit", unit) == unit:
            return b
    return None


def clean_market_data(raw: pd.DataFrame, file: str, bounds: list[dict] | None = None) -> pd.DataFrame:
    """Numeric market table: source_id, item, year (int or NaN for undated rule texts), year_label, value,
    unit, note, url, evidence. Raises InputError for a row without URL or evidence, or with a value outside the
    range `bounds` gives its item (money checked in millions)."""
    if list(raw.columns) != COLUMNS:
        raise InputError(file, "header does not match", row=1, expected=",".join(COLUMNS), found=",".join(raw.columns))
    rows = []
    for i, r in enumerate(raw.itertuples(index=False), start=2):
        if not str(r.url).strip() or not str(r.evidence).strip():
            raise InputError(file, "market figure without a source", row=i, column="url/evidence",
                             expected="a URL and a verbatim quote")
        try:
            v, note = parse_market_value(r.value)
        except ValueError:
            raise InputError(file, "market value is not a number", row=i, column="value",
                             expected="a plain number (5.5), a number with B/T/M (865.78B) or a printed range "
                                      "(1.02-1.08)", found=r.value) from None
        if not re.fullmatch(r"https?://\S+|github:\S+", str(r.url).strip()):
            raise InputError(file, "URL without a scheme", row=i, column="url",
                             expected="an address starting with https:// or http:// (or github:owner/repo/path)",
                             found=r.url)
        unit, scale = str(r.unit), 1.0
        if unit.startswith("HKD") and not np.isnan(v) and "as printed" in unit:
            v, unit, scale = v / 1e6, "HKD_million", 1e3                 # '865.78B' printed in billions
        elif MONEY_UNIT.fullmatch(unit):
            ccy, size = MONEY_UNIT.fullmatch(unit).groups()
            scale = MONEY_SCALE[size or "one"]
            v, unit = v * scale, f"{ccy}_million"
        b = bound_of(str(r.item), str(r.unit), bounds or [])
        if b is not None and not np.isnan(v) and not b["min"] <= v <= b["max"]:
            raise InputError(file, f"value of {r.item} outside its plausible range", row=i, column="value",
                             expected=f"{b['min']:g} to {b['max']:g} ({b['reason']}; config market_bounds; money "
                                      "in millions)", found=r.value)
        yr = pd.to_numeric(r.year, errors="coerce")
        rows.append({"source_id": r.source_id, "item": r.item, "year": yr, "year_label": r.year, "value": v,
                     "decimals": printed_decimals(r.value), "scale": scale, "unit": unit, "note": note, "url": r.url,
                     "evidence": r.evidence})
    return pd.DataFrame(rows)


def _resolution(m: pd.DataFrame) -> pd.Series:
    """Half a unit of the last printed digit, in the unit of the value (money scaled to millions)."""
    scale = m["scale"].astype(float) if "scale" in m else 1.0
    return 0.5 * 10.0 ** (-m["decimals"].astype(float)) * scale


def settle_conflicts(market: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(market with a boolean `chosen` column, conflicts). One chosen row per dated item and year (see module doc)."""
    m = market.copy()
    m["_res"] = _resolution(m)
    m["chosen"] = False
    ok = m[m["value"].notna() & m["year"].notna()].sort_values(["item", "year", "decimals", "source_id"],
                                                                ascending=[True, True, False, True], kind="mergesort")
    first = ok.drop_duplicates(["item", "year"])
    m.loc[first.index, "chosen"] = True
    ref = first[["item", "year", "value", "_res", "source_id", "decimals"]].rename(columns={
        "value": "chosen_value", "_res": "_cres", "source_id": "chosen_source_id", "decimals": "_cdec"})
    other = ok.drop(index=first.index).merge(ref, on=["item", "year"])
    differ = (other["value"] - other["chosen_value"]).abs() > other["_res"] + other["_cres"] + 1e-12
    c = other[differ]
    conflicts = pd.DataFrame({
        "item": c["item"], "year": c["year"].astype(int), "chosen_value": c["chosen_value"],
        "chosen_source_id": c["chosen_source_id"], "other_value": c["value"], "other_source_id": c["source_id"],
        "decided_by": np.where(c["_cdec"] > c["decimals"], "more precise printing",
                               "tie in precision: lower source id"),
    })
    return m.drop(columns="_res"), conflicts.sort_values(["item", "year", "other_source_id"]).reset_index(drop=True)


def derive_market(market: pd.DataFrame, derivations: list[dict]) -> pd.DataFrame:
    """Rows (basis 'derived') for the configured derivations whose inputs are all sourced; the market table gains
    a `basis` column ('reported' for every sourced row)."""
    m = market.assign(basis="reported") if "basis" not in market else market.copy()
    known = set(m["item"])
    for k, d in enumerate(derivations):
        for j, t in enumerate(d["terms"]):
            if t["item"] not in known:
                raise ConfigError(f"imputation.market_derivations[{k}].terms[{j}].item: unknown item {t['item']!r}; "
                                  "accepted: an item of data/raw/market/cost_of_capital.csv")
    new = []
    for d in derivations:
        parts, total, ok = [], 0.0, True
        for t in d["terms"]:
            v, sid = pick(m, t["item"], int(t["year"]))
            if np.isnan(v):
                ok = False
                break
            total += float(t["factor"]) * v
            parts.append(f"{t['factor']:+g} x {t['item']} {t['year']} ({sid}: {v:g})")
        if not ok:
            continue
        new.append({"source_id": f"derived:{d['item']}:{d['year']}", "item": d["item"], "year": float(d["year"]),
                    "year_label": str(d["year"]), "value": round(total, 10), "decimals": 3, "unit": d["unit"],
                    "note": "", "url": "", "evidence": f"{d['rule']}: " + " ".join(parts), "chosen": True,
                    "basis": "derived"})
    if new:
        m = pd.concat([m, pd.DataFrame(new)], ignore_index=True)
    return m


TIER_REPORTED, TIER_DERIVED, TIER_CARRIED = "reported", "derived", "carried"


def select_by_vintage(market: pd.DataFrame, items: list[str], target: int, carry: bool,
                      allow_derived: bool) -> dict:
    """value, source_id, item, vintage, tier for one target year (NaN value where nothing qualifies)."""
    return select_from(vintage_candidates(market, items, allow_derived), items, target, carry)


def vintage_candidates(market: pd.DataFrame, items: list[str], allow_derived: bool) -> list[tuple]:
    """The rows select_from may choose among, as (item, year, value, source_id, basis) in table order: the
    listed items with a value and a year, the chosen row of a settled conflict, derived values only when allowed.
    Filtered once, then searched for every year (select_from)."""
    m = market[market["item"].isin(items) & market["value"].notna() & market["year"].notna()]
    if "chosen" in m:
        m = m[m["chosen"].astype(bool)]
    if "basis" in m and not allow_derived:
        m = m[m["basis"] != TIER_DERIVED]
    basis = m["basis"].astype(object) if "basis" in m else pd.Series(TIER_REPORTED, index=m.index, dtype=object)
    return list(zip(m["item"], m["year"].astype(float), m["value"].astype(float), m["source_id"].astype(str),
                    basis))


def select_from(candidates: list[tuple], items: list[str], target: int, carry: bool) -> dict:
    """The exact year first (the earliest listed item; 'reported', or 'derived'); else, with carry, the nearest
    vintage before the year, then after it, never a derived value (tier 'carried'); ties go to the earlier listed
    item, then to the earlier row."""
    order = {it: k for k, it in enumerate(items)}
    exact = [c for c in candidates if c[1] == target]
    if exact:
        r = min(exact, key=lambda c: order[c[0]])
        tier = TIER_DERIVED if str(r[4]) == TIER_DERIVED else TIER_REPORTED
        return {"value": float(r[2]), "source_id": r[3], "item": r[0], "vintage": int(r[1]), "tier": tier}
    if carry:
        kept = [c for c in candidates if str(c[4]) != TIER_DERIVED]  # a derived value is never carried
        for side in ([c for c in kept if c[1] < target], [c for c in kept if c[1] > target]):
            if side:
                r = min(side, key=lambda c: (abs(c[1] - target), order[c[0]]))
                return {"value": float(r[2]), "source_id": r[3], "item": r[0], "vintage": int(r[1]),
                        "tier": TIER_CARRIED}
    return {"value": np.nan, "source_id": "", "item": "", "vintage": np.nan, "tier": ""}


def pick(market: pd.DataFrame, item: str, year: int | None = None) -> tuple[float, str]:
    """The value of an item (for a year, or the item's first dated value when year is None); where the market
    table has been settled (`chosen`), the row the conflict rule chose.

    Returns (value, source_id); (NaN, '') when the source collection has no such figure (a gap).
    """
    m = market[(market["item"] == item) & market["value"].notna()]
    if "chosen" in m:
        m = m[m["chosen"].astype(bool) | m["year"].isna()]
    if year is not None:
        m = m[m["year"] == year]
    if m.empty:
        return np.nan, ""
    r = m.iloc[0]
    return float(r["value"]), str(r["source_id"])
