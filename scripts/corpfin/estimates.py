"""Flagged estimates: a figure printed only in another currency, converted at a sourced year-end rate.

Third-party pages (Business Insider/FactSet, GuruFocus) reprint some of Xiaomi's RMB statements in HKD.
Those rows are never chosen as RMB values (corpfin.select). This module turns them into *estimates*, kept
apart from reported figures everywhere downstream:

- only for items listed in config `cleaning.fx_estimates.items` (balance-sheet stocks, converted at a year-end
  rate) and `flow_items` (flows such as cash flows, converted at the annual-average rate), and only where the
  cleaned panel has no reported RMB value (an estimate never replaces a printed RMB figure);
- the HKD printing is chosen by the same precedence as every other value (corpfin.select.rank_evidence);
- value = HKD million x rate / per, the rate (RMB per `per` HKD) of the same fiscal year: for a stock the
  first of `yearend_rate_items` with a value (the sourced SAFE central parity where it exists, else the ECB
  cross rate of the last ECB day of the year, corpfin.fx), for a flow the first of `average_rate_items` (the ECB
  annual average); no rate, no estimate (the gap stays, with its reason);
- the panel row carries basis = 'fx_estimate', the HKD source, the rate and its source, so that every
  ratio, EVA line, table cell and paper sentence built on it can say so (corpfin.quantity.Q.est).

`fx_estimate_table` also converts the HKD printings of years that *do* have a reported RMB value and
reports the relative error: the measured accuracy of the method on the overlap years.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .market import select_by_vintage
from .select import KEY, rank_evidence

BASIS_REPORTED = "reported"
BASIS_FX = "fx_estimate"


def is_estimate(frame: pd.DataFrame) -> pd.Series:
    """True for rows that are, or rest on, a flagged estimate: a panel row whose `basis` is not 'reported', or
    a derived row (ratio, WACC, EVA line) whose `estimate_inputs` names one. False for frames with neither."""
    if "basis" in frame:
        return frame["basis"].fillna(BASIS_REPORTED) != BASIS_REPORTED
    if "estimate_inputs" in frame:
        return frame["estimate_inputs"].fillna("").astype(str) != ""
    return pd.Series(False, index=frame.index)


def tiers_in(labels) -> set[str]:
    """The imputation tiers named in an `estimate_inputs` string (each label starts with its tier:
    'fx_estimate total_equity FY2021; carried beta FY2019 (vintage 2023)') or in a panel `basis`."""
    if labels is None or (isinstance(labels, float) and pd.isna(labels)):
        return set()
    return {part.split(" ")[0] for part in str(labels).split("; ") if part} - {BASIS_REPORTED}


def _hkd_candidates(evidence: pd.DataFrame, items: list[str], from_currency: str, period: str) -> pd.DataFrame:
    e = evidence
    ok = ((e["currency"] == from_currency) & (e["quantity"] == "money") & (e["period"] == period)
          & e["item"].isin(items) & (e["reliability_flag"].fillna("") == ""))
    return e[ok]


def fx_estimate_table(evidence: pd.DataFrame, panel: pd.DataFrame, market: pd.DataFrame, cfg: dict,
                      kinds: list[str], doc_types: list[str], relative: float, period: str = "FY") -> pd.DataFrame:
    """One row per (company, fiscal_year, item) with an HKD printing: the conversion, whether it fills a
    gap (`used`), and, where a reported RMB value exists, the relative error of the conversion."""
    cols = ["company", "fiscal_year", "period", "item", "hkd_value", "hkd_source_id", "hkd_url", "rate",
            "rate_source_id", "estimate", "reported_value", "reported_source_id", "relative_error", "used", "note"]
    stocks, flows = list(cfg["items"]), list(cfg.get("flow_items", []))
    cand = _hkd_candidates(evidence, stocks + flows, cfg["from_currency"], period)
    if cand.empty:
        return pd.DataFrame(columns=cols)
    best = rank_evidence(cand, kinds, doc_types, relative).drop_duplicates(KEY)
    rates = {(int(y), flow): select_by_vintage(market, list(cfg["average_rate_items" if flow else "yearend_rate_items"]),
                                               int(y), carry=False, allow_derived=False)
             for y in sorted(best["fiscal_year"].unique()) for flow in (False, True)}
    is_flow = best["item"].isin(flows)
    rate = pd.Series([rates[(int(y), f)]["value"] for y, f in zip(best["fiscal_year"], is_flow)], index=best.index)
    rate_src = pd.Series([rates[(int(y), f)]["source_id"] for y, f in zip(best["fiscal_year"], is_flow)],
                         index=best.index)
    out = pd.DataFrame({
        "company": best["company"], "fiscal_year": best["fiscal_year"], "period": best["period"],
        "item": best["item"], "hkd_value": best["value"], "hkd_source_id": best["source_id"],
        "hkd_url": best["url"], "rate": rate, "rate_source_id": rate_src,
        "estimate": best["value"] * rate / float(cfg["per"]),
    })
    rep = panel[KEY + ["value", "source_id"]].rename(columns={"value": "reported_value",
                                                               "source_id": "reported_source_id"})
    out = out.merge(rep, on=KEY, how="left")
    out["relative_error"] = (out["estimate"] - out["reported_value"]) / out["reported_value"].abs()
    fills_gap = out["reported_value"].isna() & out["estimate"].notna()
    out["used"] = fills_gap & bool(cfg["enabled"])
    out["note"] = np.select(
        [out["rate"].isna(), out["reported_value"].notna(), out["used"], fills_gap],
        ["no sourced rate for this year: the gap stays",
         "reported RMB value exists: conversion kept only to measure the method's error",
         "fills a gap: flagged estimate", "fx_estimates disabled in config: the gap stays"], default="")
    return out[cols].sort_values(KEY).reset_index(drop=True)


def estimate_rows(table: pd.DataFrame, evidence: pd.DataFrame, per: float, currency: str = "RMB") -> pd.DataFrame:
    """Panel rows (same columns as a reported row, plus basis and the FX provenance) for the used estimates."""
    used = table[table["used"]]
    if used.empty:
        return pd.DataFrame()
    src = evidence.drop_duplicates(KEY + ["source_id"]).set_index(KEY + ["source_id"])
    rows = []
    for r in used.itertuples(index=False):
        e = src.loc[(r.company, r.fiscal_year, r.period, r.item, r.hkd_source_id)]
        rows.append({
            "company": r.company, "fiscal_year": r.fiscal_year, "period": r.period, "item": r.item,
            "statement": e["statement"], "quantity": e["quantity"], "value": r.estimate,
            "canonical_unit": f"{currency}_million",
            # the rounding of the HKD printing, carried through the conversion
            "resolution": float(e["resolution"]) * r.rate / per,
            "value_printed": e["value_printed"], "unit": e["unit"], "source_id": r.hkd_source_id,
            "kind": BASIS_FX,
            "document": f"{e['document']} -- converted at {r.rate:g} RMB per {per:g} HKD ({r.rate_source_id})",
            "url": r.hkd_url, "raw_file": e["raw_file"], "raw_row": e["raw_row"],
            "precedence_source_id": r.hkd_source_id, "n_sources": 1, "n_agreeing": 0, "n_conflicting": 0,
            "basis": BASIS_FX, "fx_rate": r.rate, "fx_source_id": r.rate_source_id,
        })
    return pd.DataFrame(rows)


def add_estimates(panel: pd.DataFrame, table: pd.DataFrame, evidence: pd.DataFrame, per: float) -> pd.DataFrame:
    """The panel with a `basis` column ('reported' everywhere) and the used estimates appended."""
    p = panel.assign(basis=BASIS_REPORTED, fx_rate=np.nan, fx_source_id="")
    est = estimate_rows(table, evidence, per)
    if est.empty:
        return p
    est = est.reindex(columns=p.columns)
    return pd.concat([p, est], ignore_index=True).sort_values(KEY).reset_index(drop=True)
