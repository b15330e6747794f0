"""One value per company, fiscal year, period and item, chosen by a documented precedence.

Precedence (configured in workflow/config.yaml, key cleaning.precedence):
1. kind of source, in the configured order (default: company documents, filing summaries,
   third-party aggregators, academic papers, news);
2. among company documents, the newest document first (the latest reporting period it covers, so a
   restated comparative in a later report wins), then the configured document-type order;
3. corroboration: the value that more of the other eligible sources agree with (within rounding and
   the relative tolerance), so that one outlet's digit slip does not beat three that agree;
4. the most precise printing (smallest rounding resolution in canonical units);
5. the source id, so that ties resolve the same way on every machine.

Precision first: when another eligible source prints the *same* figure more precisely than the winner of the
precedence (the two agree within the rounding of both printings, no relative tolerance), the most precise
printing is the value, whatever the kind of its source (e.g. a press release's "RMB 280 billion" and an
aggregator's "280,044.02m"; a summary's "245.9bn" and a release's "245,866m"). `source_id` is then the precise
source and `precedence_source_id` the winner of the precedence (the authority). Values that disagree beyond
rounding are a conflict, decided by the precedence alone.

Rows are never chosen when their source carries a reliability flag, when their currency is not RMB
(HKD translations, unstated currency) or when their period is not configured; such rows stay in the
evidence table with the reason.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

KEY = ["company", "fiscal_year", "period", "item"]


def eligibility(evidence: pd.DataFrame, periods: list[str], currency: str) -> pd.Series:
    """Reason a row may not be chosen ('' when it may)."""
    reason = pd.Series("", index=evidence.index, dtype=object)
    money = evidence["quantity"].isin(["money", "per_share", "per_unit"])
    bad_ccy = money & (evidence["currency"] != currency)
    reason[~evidence["period"].isin(periods)] = "period not configured"
    reason[bad_ccy] = "currency " + evidence.loc[bad_ccy, "currency"] + " is never mixed with " + currency
    flagged = evidence["reliability_flag"].fillna("") != ""
    reason[flagged & (reason == "")] = "unreliable source: " + evidence.loc[flagged & (reason == ""), "reliability_flag"]
    return reason


def key_codes(frame: pd.DataFrame) -> np.ndarray:
    """One integer per (company, fiscal_year, period, item), in the sort order of the four columns: every later
    join, sort and group works on this integer instead of four text columns (issue 16)."""
    return frame.groupby(KEY, sort=True, dropna=False).ngroup().to_numpy()


def corroboration(evidence: pd.DataFrame, relative: float) -> pd.Series:
    """For each row, how many rows of the same key *from another URL* agree with its value
    (two pages of one site repeating a number are one witness, not two). Vectorised as a self-join on the
    integer key, only over the keys with several rows."""
    e = pd.DataFrame({"_k": evidence["_k"].to_numpy() if "_k" in evidence else key_codes(evidence),
                      "value": evidence["value"].to_numpy(), "resolution": evidence["resolution"].to_numpy(),
                      "url": evidence["url"].to_numpy(), "_row": np.arange(len(evidence))})
    multi = e[e.duplicated("_k", keep=False)]
    out = np.zeros(len(e), dtype=int)
    if not multi.empty:
        pairs = multi.merge(multi, on="_k", suffixes=("", "_o"))
        pairs = pairs[(pairs["_row"] != pairs["_row_o"]) & (pairs["url"] != pairs["url_o"])]
        allow = pairs["resolution"] + pairs["resolution_o"] + relative * np.maximum(pairs["value"].abs(),
                                                                                     pairs["value_o"].abs())
        agree = (pairs["value"] - pairs["value_o"]).abs() <= allow + 1e-9
        counts = agree.groupby(pairs["_row"]).sum()
        out[counts.index.to_numpy()] = counts.to_numpy()
    return pd.Series(out, index=evidence.index)


def rank_evidence(evidence: pd.DataFrame, kinds: list[str], doc_types: list[str], relative: float) -> pd.DataFrame:
    """Add the sort keys of the precedence and return the frame sorted best-first within each key."""
    e = evidence.copy()
    if "_k" not in e:
        e["_k"] = key_codes(e)
    e["_support"] = -corroboration(e, relative)
    e["_kind_rank"] = e["kind"].map({k: i for i, k in enumerate(kinds)}).fillna(len(kinds))
    newest = pd.to_datetime(e["doc_period_end"].where(e["kind"] == "company_document"), errors="coerce")
    # newest first: sort ascending on minus the days since 1970 (0 for rows that are not company documents)
    e["_doc_age"] = -((newest - pd.Timestamp("1970-01-01")).dt.days.fillna(0.0))
    e["_doc_type_rank"] = e["doc_type"].map({k: i for i, k in enumerate(doc_types)}).fillna(len(doc_types))
    return e.sort_values(["_k", "_kind_rank", "_doc_age", "_doc_type_rank", "_support", "resolution", "source_id"],
                         kind="mergesort")


def disagree(a: pd.Series, b: pd.Series, res_a: pd.Series, res_b: pd.Series, relative: float) -> pd.Series:
    """True where two printed values differ by more than their rounding plus a relative tolerance."""
    allowance = res_a + res_b + relative * np.maximum(a.abs(), b.abs())
    return (a - b).abs() > allowance + 1e-9


def refine(ranked: pd.DataFrame, winner: pd.DataFrame) -> pd.DataFrame:
    """Replace the winner's value by the most precise eligible printing of the same figure (see module doc).
    Works on the integer key `_k` and the precedence position `_pos` of rank_evidence/choose_values."""
    w = winner.assign(precedence_source_id=winner["source_id"])
    by_k = w.set_index("_k")
    wv, wr = ranked["_k"].map(by_k["value"]), ranked["_k"].map(by_k["resolution"])
    same = (ranked["value"] - wv).abs() <= ranked["resolution"] + wr + 1e-9
    better = ranked[same & (ranked["resolution"] < wr)]
    if better.empty:
        return w
    # among equally precise printings, the one the precedence ranks first
    best = better.sort_values(["_k", "resolution", "_pos"], kind="mergesort").drop_duplicates("_k")
    best = best.assign(precedence_source_id=best["_k"].map(by_k["precedence_source_id"]))
    keep = w[~w["_k"].isin(best["_k"])]
    return pd.concat([keep, best[keep.columns]], ignore_index=True).sort_values("_k").reset_index(drop=True)


def choose_values(evidence: pd.DataFrame, *, periods: list[str], currency: str, kinds: list[str],
                  doc_types: list[str], relative_tolerance: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (panel, conflicts, evidence with status).

    panel: one row per company, fiscal_year, period, item with the chosen value, its source, the runner-up
    (next eligible source by precedence) and how many eligible sources agree with the choice.
    conflicts: every other source (eligible or not, same currency) whose value disagrees with the chosen
    one beyond rounding + relative_tolerance, with both values.
    Every join, sort and count runs on one integer key per (company, fiscal_year, period, item) and on the raw
    row number, never on the four text columns (issue 16).
    """
    e = evidence.reset_index(drop=True)
    e["exclusion"] = eligibility(e, periods, currency)
    e["_k"], e["_row"] = key_codes(e), np.arange(len(e))
    ok = rank_evidence(e[e["exclusion"] == ""], kinds, doc_types, relative_tolerance)
    ok["_pos"] = ok.groupby("_k").cumcount()
    chosen = refine(ok, ok[ok["_pos"] == 0])
    ck = chosen.set_index("_k")
    rest = ok[~ok["_row"].isin(chosen["_row"])]
    runner = rest[rest.groupby("_k").cumcount() == 0].set_index("_k")
    panel = chosen.assign(runner_up_source_id=chosen["_k"].map(runner["source_id"]),
                          runner_up_value=chosen["_k"].map(runner["value"]),
                          runner_up_kind=chosen["_k"].map(runner["kind"]))
    unreliable = e["exclusion"].str.startswith("unreliable").to_numpy(dtype=bool)
    comp = e[((e["exclusion"] == "").to_numpy() | unreliable) & e["_k"].isin(chosen["_k"]).to_numpy()]
    comp = comp.assign(chosen_value=comp["_k"].map(ck["value"]), chosen_resolution=comp["_k"].map(ck["resolution"]),
                       chosen_source_id=comp["_k"].map(ck["source_id"]))
    comp = comp[comp["source_id"] != comp["chosen_source_id"]]
    comp["agrees"] = ~disagree(comp["value"], comp["chosen_value"], comp["resolution"], comp["chosen_resolution"],
                               relative_tolerance)
    panel["n_sources"] = panel["_k"].map(ok.groupby("_k").size())
    panel["n_agreeing"] = panel["_k"].map(comp[comp["exclusion"] == ""].groupby("_k")["agrees"].sum()).fillna(0)
    panel["n_agreeing"] = panel["n_agreeing"].astype(int)
    conflicts = comp[~comp["agrees"]].copy().assign(note="")
    # keys where every source is flagged (no value chosen): a recorded contradiction is still listed, each source
    # against the lowest source id of the key, so that it is never hidden by the absence of a choice
    flagged = e[unreliable]
    unchosen = flagged[~flagged["_k"].isin(chosen["_k"])].sort_values(["_k", "source_id"])
    if not unchosen.empty:
        ref = unchosen.drop_duplicates("_k").set_index("_k")
        pairs = unchosen.assign(chosen_value=unchosen["_k"].map(ref["value"]),
                                chosen_resolution=unchosen["_k"].map(ref["resolution"]),
                                chosen_source_id=unchosen["_k"].map(ref["source_id"]))
        pairs = pairs[pairs["source_id"] != pairs["chosen_source_id"]]
        pairs = pairs[disagree(pairs["value"], pairs["chosen_value"], pairs["resolution"], pairs["chosen_resolution"],
                               relative_tolerance)]
        pairs = pairs.assign(note="no value chosen (every source flagged): compared with " + pairs["chosen_source_id"])
        conflicts = pd.concat([conflicts, pairs], ignore_index=True)
    conflicts["difference"] = conflicts["value"] - conflicts["chosen_value"]
    conflicts["relative_difference"] = conflicts["difference"] / conflicts["chosen_value"].abs().replace(0, np.nan)
    panel["n_conflicting"] = panel["_k"].map(conflicts[conflicts["exclusion"] == ""].groupby("_k").size()).fillna(0)
    panel["n_conflicting"] = panel["n_conflicting"].astype(int)
    panel_cols = KEY + ["statement", "quantity", "value", "canonical_unit", "resolution", "value_printed", "unit",
                        "source_id", "kind", "document", "url", "raw_file", "raw_row", "precedence_source_id",
                        "n_sources", "n_agreeing",
                        "n_conflicting", "runner_up_source_id", "runner_up_value", "runner_up_kind"]
    other = {"value": "other_value", "source_id": "other_source_id", "kind": "other_kind",
             "reliability_flag": "other_reliability_flag", "document": "other_document"}
    conflicts = conflicts.rename(columns=other).sort_values(["_k", "other_source_id"])
    conflict_cols = KEY + ["chosen_value", "chosen_source_id", "other_value", "other_source_id", "other_kind",
                           "other_reliability_flag", "difference", "relative_difference", "canonical_unit",
                           "other_document", "note"]
    status = np.where(e["exclusion"] != "", "excluded: " + e["exclusion"], "eligible").astype(object)
    status[chosen["_row"].to_numpy()] = "chosen"
    ev = e.drop(columns=["exclusion"]).assign(status=status).sort_values(["_k", "source_id"])
    return (panel[panel_cols].reset_index(drop=True),
            conflicts[conflict_cols].reset_index(drop=True),
            ev.drop(columns=["_k", "_row"]).reset_index(drop=True))
