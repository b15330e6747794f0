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
    return eligibility_reasons(evidence, periods, currency)[0]


def eligibility_reasons(evidence: pd.DataFrame, periods: list[str], currency: str) -> tuple[pd.Series, np.ndarray]:
    """(reason a row may not be chosen, '' when it may; mask of the rows excluded only for a flagged source).
    The reason texts are built for the excluded rows only."""
    money = evidence["quantity"].isin(["money", "per_share", "per_unit"]).to_numpy()
    bad_ccy = money & (evidence["currency"] != currency).to_numpy()
    bad_period = ~evidence["period"].isin(periods).to_numpy()
    flag = evidence["reliability_flag"]
    flagged = (flag.notna() & (flag != "")).to_numpy()
    unreliable = flagged & ~bad_ccy & ~bad_period
    reason = np.full(len(evidence), "", dtype=object)
    reason[bad_period] = "period not configured"
    if bad_ccy.any():
        reason[bad_ccy] = ("currency " + evidence.loc[bad_ccy, "currency"] + " is never mixed with " + currency).to_numpy()
    if unreliable.any():
        reason[unreliable] = ("unreliable source: " + flag[unreliable]).to_numpy()
    return pd.Series(reason, index=evidence.index, dtype=object), unreliable


def key_codes(frame: pd.DataFrame) -> np.ndarray:
    """One integer per (company, fiscal_year, period, item), in the sort order of the four columns: every later
    join, sort and group works on this integer instead of four text columns (issue 16)."""
    return frame.groupby(KEY, sort=True, dropna=False).ngroup().to_numpy()


def agreeing_others(k: np.ndarray, value: np.ndarray, resolution: np.ndarray, url: np.ndarray,
                    relative: float) -> np.ndarray:
    """For each row, how many rows of the same key *from another URL* agree with its value within the rounding of
    both printings plus the relative tolerance (two pages of one site repeating a number are one witness, not two).
    Sorted-group operation: rows sorted by key, each row compared with the rows 1, 2, ... places after it while
    they share its key, so the work is the sum of the group sizes squared, with no join."""
    order = np.argsort(k, kind="stable")
    ks, v, r, u = k[order], value[order], resolution[order], url[order]
    counts = np.zeros(len(k), dtype=np.int64)
    d = 1
    while d < len(ks):
        same = ks[:-d] == ks[d:]
        if not same.any():
            break
        i = np.flatnonzero(same)
        j = i + d
        allow = r[i] + r[j] + relative * np.maximum(np.abs(v[i]), np.abs(v[j]))
        agree = (np.abs(v[i] - v[j]) <= allow + 1e-9) & (u[i] != u[j])
        np.add.at(counts, i[agree], 1)
        np.add.at(counts, j[agree], 1)
        d += 1
    out = np.zeros(len(k), dtype=np.int64)
    out[order] = counts
    return out


def url_codes(url: pd.Series) -> np.ndarray:
    """One integer per URL; a missing URL differs from every other (as NaN != NaN), never one shared witness."""
    codes = pd.factorize(url.astype(object).to_numpy())[0]
    missing = np.flatnonzero(codes < 0)
    codes[missing] = -1 - np.arange(len(missing))
    return codes


def precedence_order(e: pd.DataFrame, k: np.ndarray, kinds: list[str], doc_types: list[str],
                     relative: float, sid_rank: np.ndarray | None = None) -> np.ndarray:
    """Positions of the rows of `e` sorted best-first within each key: kind, newest company document, document
    type, corroboration, precision, source id (the precedence of the module doc), by one stable lexsort on
    numeric arrays."""
    kind_rank = per_distinct(e["kind"], lambda x: float(kinds.index(x)) if x in kinds else float(len(kinds)))
    # newest first: ascending on minus the days since 1970 (0 for rows that are not company documents)
    days = per_distinct(e["doc_period_end"], lambda x: float((pd.to_datetime(x, errors="coerce")
                                                               - pd.Timestamp("1970-01-01")).days)
                        if isinstance(x, str) and pd.notna(pd.to_datetime(x, errors="coerce")) else 0.0)
    doc_age = -np.where((e["kind"] == "company_document").to_numpy(dtype=bool), days, 0.0)
    type_rank = per_distinct(e["doc_type"], lambda x: float(doc_types.index(x)) if x in doc_types
                             else float(len(doc_types)))
    value, resolution = e["value"].to_numpy(float), e["resolution"].to_numpy(float)
    support = agreeing_others(k, value, resolution, url_codes(e["url"]), relative)
    if sid_rank is None:
        sid_rank = text_rank(e["source_id"])
    return np.lexsort((sid_rank, resolution, -support, type_rank, doc_age, kind_rank, k))


def per_distinct(s: pd.Series, fn) -> np.ndarray:
    """fn applied once per distinct value of a text column (a missing value passed as None), spread to the rows."""
    codes, uniques = pd.factorize(s)
    table = np.array([fn(u) for u in uniques] + [fn(None)], dtype=float)
    return table[codes]                      # code -1 (missing) picks the last entry


def text_rank(s: pd.Series) -> np.ndarray:
    """Integer ranks of a text column in sort order (one string sort, then integer work)."""
    codes, uniques = pd.factorize(s)
    order = np.argsort(np.asarray(uniques, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes]


def rank_evidence(evidence: pd.DataFrame, kinds: list[str], doc_types: list[str], relative: float) -> pd.DataFrame:
    """The frame sorted best-first within each key (precedence_order), with its integer key `_k`."""
    e = evidence.copy()
    if "_k" not in e:
        e["_k"] = key_codes(e)
    return e.iloc[precedence_order(e, e["_k"].to_numpy(), kinds, doc_types, relative)]


def group_starts(ks: np.ndarray) -> np.ndarray:
    """Boolean mask of the first row of each run of equal keys in a key-sorted array."""
    return np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, dtype=bool)


def choose_values(evidence: pd.DataFrame, *, periods: list[str], currency: str, kinds: list[str],
                  doc_types: list[str], relative_tolerance: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (panel, conflicts, evidence with status).

    panel: one row per company, fiscal_year, period, item with the chosen value, its source, the runner-up
    (next eligible source by precedence) and how many eligible sources agree with the choice.
    conflicts: every other source (eligible or not, same currency) whose value disagrees with the chosen
    one beyond rounding + relative_tolerance, with both values.
    The choice runs on numeric arrays: one integer key per (company, fiscal_year, period, item), the precedence as
    one lexsort, the precision swap, the runner-up and the agreement counts as sorted-group operations; the text
    columns are taken once, for the rows that are written (issue 16).
    """
    e = evidence.reset_index(drop=True)
    reasons, unreliable = eligibility_reasons(e, periods, currency)
    exclusion = reasons.to_numpy(dtype=object)
    k = key_codes(e)
    value, resolution = e["value"].to_numpy(float), e["resolution"].to_numpy(float)
    sid = e["source_id"].to_numpy(object)
    eligible = exclusion == ""
    sid_rank = text_rank(e["source_id"])

    # precedence among the eligible rows: `ranked` holds row numbers of e, best first within each key
    ok = np.flatnonzero(eligible)
    ranked = ok[precedence_order(e.iloc[ok], k[ok], kinds, doc_types, relative_tolerance, sid_rank[ok])]
    rk = k[ranked]
    first = group_starts(rk)
    start = np.flatnonzero(first)
    pos = np.arange(len(ranked)) - np.repeat(start, np.diff(np.r_[start, len(ranked)]))
    keys, winner = rk[first], ranked[first]
    n_sources = np.diff(np.r_[start, len(ranked)])

    # precision first: the most precise eligible printing of the same figure replaces the precedence winner
    grp = np.repeat(np.arange(len(keys)), n_sources)
    wv, wr = value[winner][grp], resolution[winner][grp]
    better = (np.abs(value[ranked] - wv) <= resolution[ranked] + wr + 1e-9) & (resolution[ranked] < wr)
    chosen = winner.copy()
    if better.any():
        b = np.flatnonzero(better)
        b = b[np.lexsort((pos[b], resolution[ranked][b], grp[b]))]          # by key, precision, precedence
        b = b[group_starts(grp[b])]
        chosen[grp[b]] = ranked[b]
    # runner-up: the first row in precedence order that is not the chosen one
    not_chosen = ranked != chosen[grp]
    rest = np.flatnonzero(not_chosen)
    rest = rest[group_starts(grp[rest])]
    runner = np.full(len(keys), -1)
    runner[grp[rest]] = ranked[rest]

    # every other eligible or flagged source of a chosen key, against the chosen value
    slot = np.full(len(k), -1)                      # the chosen key's position, -1 for a key without a choice
    if len(keys):
        at = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
        slot = np.where(keys[at] == k, at, -1)
    cand = np.flatnonzero((eligible | unreliable) & (slot >= 0))
    cs = slot[cand]
    other = sid_rank[cand] != sid_rank[chosen][cs]          # another source id (same id, same rank)
    cand, cs = cand[other], cs[other]
    agrees = ~disagree_arrays(value[cand], value[chosen][cs], resolution[cand], resolution[chosen][cs],
                              relative_tolerance)
    n_agreeing = np.bincount(cs[agrees & eligible[cand]], minlength=len(keys))
    clash = cand[~agrees]
    n_conflicting = np.bincount(slot[clash][eligible[clash]], minlength=len(keys))

    panel = e.iloc[chosen].reset_index(drop=True)
    panel["precedence_source_id"] = sid[winner]
    panel["n_sources"], panel["n_agreeing"], panel["n_conflicting"] = n_sources, n_agreeing, n_conflicting
    has_runner = runner >= 0
    r = np.where(has_runner, runner, 0)
    panel["runner_up_source_id"] = np.where(has_runner, sid[r], np.nan).astype(object)
    panel["runner_up_value"] = np.where(has_runner, value[r], np.nan)
    panel["runner_up_kind"] = np.where(has_runner, e["kind"].to_numpy(object)[r], np.nan).astype(object)

    conflicts = conflict_rows(e, clash, chosen[slot[clash]], note="")
    conflicts["_k"] = k[clash]
    # keys where every source is flagged (no value chosen): a recorded contradiction is still listed, each source
    # against the lowest source id of the key, so that it is never hidden by the absence of a choice
    flagged = np.flatnonzero(unreliable & (slot < 0))
    if len(flagged):
        flagged = flagged[np.lexsort((sid_rank[flagged], k[flagged]))]
        ref = flagged[group_starts(k[flagged])]
        ref_of = np.repeat(ref, np.diff(np.r_[np.flatnonzero(group_starts(k[flagged])), len(flagged)]))
        differs = disagree_arrays(value[flagged], value[ref_of], resolution[flagged], resolution[ref_of],
                                  relative_tolerance)
        keep = (sid_rank[flagged] != sid_rank[ref_of]) & differs
        rows, refs = flagged[keep], ref_of[keep]
        more = conflict_rows(e, rows, refs, note=None)
        more["_k"] = k[rows]
        conflicts = pd.concat([conflicts, more], ignore_index=True)
    conflicts["difference"] = conflicts["other_value"] - conflicts["chosen_value"]
    conflicts["relative_difference"] = conflicts["difference"] / conflicts["chosen_value"].abs().replace(0, np.nan)
    if len(conflicts):
        o = np.lexsort((text_rank(conflicts["other_source_id"]), conflicts["_k"].to_numpy()))
        conflicts = conflicts.iloc[o]
    panel_cols = KEY + ["statement", "quantity", "value", "canonical_unit", "resolution", "value_printed", "unit",
                        "source_id", "kind", "document", "url", "raw_file", "raw_row", "precedence_source_id",
                        "n_sources", "n_agreeing",
                        "n_conflicting", "runner_up_source_id", "runner_up_value", "runner_up_kind"]
    conflict_cols = KEY + ["chosen_value", "chosen_source_id", "other_value", "other_source_id", "other_kind",
                           "other_reliability_flag", "difference", "relative_difference", "canonical_unit",
                           "other_document", "note"]
    status = np.full(len(e), "eligible", dtype=object)
    status[~eligible] = "excluded: " + exclusion[~eligible].astype(object)
    status[chosen] = "chosen"
    order = np.lexsort((sid_rank, k))
    ev = e.iloc[order].assign(status=status[order])
    return (panel[panel_cols].reset_index(drop=True), conflicts[conflict_cols].reset_index(drop=True),
            ev.reset_index(drop=True))


def disagree_arrays(a: np.ndarray, b: np.ndarray, res_a: np.ndarray, res_b: np.ndarray, relative: float) -> np.ndarray:
    """True where two printed values differ by more than their rounding plus a relative tolerance."""
    return np.abs(a - b) > res_a + res_b + relative * np.maximum(np.abs(a), np.abs(b)) + 1e-9


def conflict_rows(e: pd.DataFrame, rows: np.ndarray, against: np.ndarray, note: str | None) -> pd.DataFrame:
    """Conflict records: the rows `rows` of e (the other source) against the rows `against` (the chosen value or,
    for a key with every source flagged, its lowest source id; then `note` names it)."""
    o = e.iloc[rows].reset_index(drop=True)
    c = e.iloc[against].reset_index(drop=True)
    out = o[KEY + ["canonical_unit"]].copy()
    out["chosen_value"], out["chosen_source_id"] = c["value"].to_numpy(float), c["source_id"].to_numpy(object)
    out["other_value"], out["other_source_id"] = o["value"].to_numpy(float), o["source_id"].to_numpy(object)
    out["other_kind"], out["other_reliability_flag"] = o["kind"].to_numpy(object), o["reliability_flag"].to_numpy(object)
    out["other_document"] = o["document"].to_numpy(object)
    out["note"] = note if note is not None else \
        ("no value chosen (every source flagged): compared with " + c["source_id"].astype(str)).to_numpy(object)
    return out
