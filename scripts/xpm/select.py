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


def corroboration(evidence: pd.DataFrame, relative: float) -> pd.Series:
    """For each row, how many rows of the same key *from another URL* agree with its value
    (two pages of one site repeating a number are one witness, not two). Vectorised as a self-join."""
    e = evidence[KEY + ["value", "resolution", "url"]].copy()
    e["_row"] = np.arange(len(e))
    multi = e[e.duplicated(KEY, keep=False)]
    out = np.zeros(len(e), dtype=int)
    if not multi.empty:
        pairs = multi.merge(multi, on=KEY, suffixes=("", "_o"))
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
    e["_support"] = -corroboration(e, relative)
    e["_kind_rank"] = e["kind"].map({k: i for i, k in enumerate(kinds)}).fillna(len(kinds))
    newest = pd.to_datetime(e["doc_period_end"].where(e["kind"] == "company_document"), errors="coerce")
    # newest first: sort ascending on minus the days since 1970 (0 for rows that are not company documents)
    e["_doc_age"] = -((newest - pd.Timestamp("1970-01-01")).dt.days.fillna(0.0))
    e["_doc_type_rank"] = e["doc_type"].map({k: i for i, k in enumerate(doc_types)}).fillna(len(doc_types))
    return e.sort_values(KEY + ["_kind_rank", "_doc_age", "_doc_type_rank", "_support", "resolution", "source_id"],
                         kind="mergesort")


def disagree(a: pd.Series, b: pd.Series, res_a: pd.Series, res_b: pd.Series, relative: float) -> pd.Series:
    """True where two printed values differ by more than their rounding plus a relative tolerance."""
    allowance = res_a + res_b + relative * np.maximum(a.abs(), b.abs())
    return (a - b).abs() > allowance + 1e-9


def refine(ranked: pd.DataFrame, winner: pd.DataFrame) -> pd.DataFrame:
    """Replace the winner's value by the most precise eligible printing of the same figure (see module doc)."""
    w = winner.assign(precedence_source_id=winner["source_id"])
    cand = ranked.merge(w[KEY + ["value", "resolution", "kind"]].rename(
        columns={"value": "_wv", "resolution": "_wr", "kind": "_wk"}), on=KEY)
    same = (cand["value"] - cand["_wv"]).abs() <= cand["resolution"] + cand["_wr"] + 1e-9
    better = cand[same & (cand["resolution"] < cand["_wr"])]
    if better.empty:
        return w
    # among equally precise printings, the one the precedence ranks first
    best = better.sort_values(KEY + ["resolution", "_pos"], kind="mergesort").drop_duplicates(KEY)
    best = best.drop(columns=["_wv", "_wr", "_wk"]).merge(w[KEY + ["precedence_source_id"]], on=KEY)
    keep = w.merge(best[KEY].assign(_r=True), on=KEY, how="left")
    keep = keep[keep["_r"].isna()].drop(columns="_r")
    return pd.concat([keep, best[keep.columns]], ignore_index=True).sort_values(KEY).reset_index(drop=True)


def choose_values(evidence: pd.DataFrame, *, periods: list[str], currency: str, kinds: list[str],
                  doc_types: list[str], relative_tolerance: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (panel, conflicts, evidence with status).

    panel: one row per company, fiscal_year, period, item with the chosen value, its source, the runner-up
    (next eligible source by precedence) and how many eligible sources agree with the choice.
    conflicts: every other source (eligible or not, same currency) whose value disagrees with the chosen
    one beyond rounding + relative_tolerance, with both values.
    """
    e = evidence.reset_index(drop=True)
    e["exclusion"] = eligibility(e, periods, currency)
    ok = rank_evidence(e[e["exclusion"] == ""], kinds, doc_types, relative_tolerance)
    ok["_pos"] = ok.groupby(KEY).cumcount()
    winner = ok[ok["_pos"] == 0]
    chosen = refine(ok, winner)
    rest = ok.merge(chosen[KEY + ["source_id"]].assign(_c=True), on=KEY + ["source_id"], how="left")
    rest = rest[rest["_c"].isna()].drop(columns="_c")
    rest["_pos"] = rest.groupby(KEY).cumcount()
    runner = rest[rest["_pos"] == 0][KEY + ["source_id", "value", "kind"]].rename(
        columns={"source_id": "runner_up_source_id", "value": "runner_up_value", "kind": "runner_up_kind"})
    panel = chosen.merge(runner, on=KEY, how="left")
    ref = chosen[KEY + ["value", "resolution", "source_id"]].rename(
        columns={"value": "chosen_value", "resolution": "chosen_resolution", "source_id": "chosen_source_id"})
    comp = e[(e["exclusion"] == "") | e["exclusion"].str.startswith("unreliable")].merge(ref, on=KEY, how="inner")
    comp = comp[comp["source_id"] != comp["chosen_source_id"]]
    comp["agrees"] = ~disagree(comp["value"], comp["chosen_value"], comp["resolution"], comp["chosen_resolution"],
                               relative_tolerance)
    n_ok = ok.groupby(KEY).size().rename("n_sources")
    n_agree = comp[comp["exclusion"] == ""].groupby(KEY)["agrees"].sum().rename("n_agreeing")
    panel = panel.merge(n_ok, on=KEY, how="left").merge(n_agree, on=KEY, how="left")
    panel["n_agreeing"] = panel["n_agreeing"].fillna(0).astype(int)
    conflicts = comp[~comp["agrees"]].copy().assign(note="")
    # keys where every source is flagged (no value chosen): a recorded contradiction is still listed, each source
    # against the lowest source id of the key, so that it is never hidden by the absence of a choice
    flagged = e[e["exclusion"].str.startswith("unreliable")]
    unchosen = flagged.merge(chosen[KEY].assign(_c=True), on=KEY, how="left")
    unchosen = unchosen[unchosen["_c"].isna()].drop(columns="_c").sort_values(KEY + ["source_id"])
    if not unchosen.empty:
        ref = unchosen.drop_duplicates(KEY)[KEY + ["value", "resolution", "source_id"]].rename(
            columns={"value": "chosen_value", "resolution": "chosen_resolution", "source_id": "chosen_source_id"})
        pairs = unchosen.merge(ref, on=KEY)
        pairs = pairs[pairs["source_id"] != pairs["chosen_source_id"]]
        pairs = pairs[disagree(pairs["value"], pairs["chosen_value"], pairs["resolution"], pairs["chosen_resolution"],
                               relative_tolerance)]
        pairs = pairs.assign(note="no value chosen (every source flagged): compared with " + pairs["chosen_source_id"])
        conflicts = pd.concat([conflicts, pairs], ignore_index=True)
    conflicts["difference"] = conflicts["value"] - conflicts["chosen_value"]
    conflicts["relative_difference"] = conflicts["difference"] / conflicts["chosen_value"].abs().replace(0, np.nan)
    n_conf = conflicts[conflicts["exclusion"] == ""].groupby(KEY).size().rename("n_conflicting")
    panel = panel.merge(n_conf, on=KEY, how="left")
    panel["n_conflicting"] = panel["n_conflicting"].fillna(0).astype(int)
    panel_cols = KEY + ["statement", "quantity", "value", "canonical_unit", "resolution", "value_printed", "unit",
                        "source_id", "kind", "document", "url", "raw_file", "raw_row", "precedence_source_id",
                        "n_sources", "n_agreeing",
                        "n_conflicting", "runner_up_source_id", "runner_up_value", "runner_up_kind"]
    other = {"value": "other_value", "source_id": "other_source_id", "kind": "other_kind",
             "reliability_flag": "other_reliability_flag", "document": "other_document"}
    conflicts = conflicts.rename(columns=other)
    conflict_cols = KEY + ["chosen_value", "chosen_source_id", "other_value", "other_source_id", "other_kind",
                           "other_reliability_flag", "difference", "relative_difference", "canonical_unit",
                           "other_document", "note"]
    status = e[KEY + ["source_id"]].copy()
    status["status"] = np.where(e["exclusion"] != "", "excluded: " + e["exclusion"], "eligible")
    is_chosen = status.merge(chosen[KEY + ["source_id"]].assign(_c=True), on=KEY + ["source_id"],
                             how="left")["_c"].fillna(False).astype(bool).to_numpy()
    status.loc[is_chosen, "status"] = "chosen"
    ev = e.drop(columns=["exclusion"]).merge(status, on=KEY + ["source_id"], how="left")
    return (panel[panel_cols].sort_values(KEY).reset_index(drop=True),
            conflicts[conflict_cols].sort_values(KEY + ["other_source_id"]).reset_index(drop=True),
            ev.sort_values(KEY + ["source_id"]).reset_index(drop=True))
