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
    """(reason a row may not be chosen, '' when it may, as a categorical; mask of the rows excluded only for a
    flagged source). The reason texts are built once per distinct currency or flag, not per row."""
    money = evidence["quantity"].isin(["money", "per_share", "per_unit"]).to_numpy()
    ccy = evidence["currency"]
    bad_ccy = money & (ccy != currency).to_numpy()
    bad_period = ~evidence["period"].isin(periods).to_numpy()
    flag = evidence["reliability_flag"]
    flagged = (flag.notna() & (flag != "")).to_numpy()
    unreliable = flagged & ~bad_ccy & ~bad_period
    texts = ["", "period not configured"]
    codes = np.where(bad_period, 1, 0).astype(np.int32)
    for mask, column, prefix, suffix in ((bad_ccy, ccy, "currency ", f" is never mixed with {currency}"),
                                         (unreliable, flag, "unreliable source: ", "")):
        if mask.any():
            c, uniques = pd.factorize(column[mask].astype(object), use_na_sentinel=False)
            codes[mask] = len(texts) + c
            texts += [f"{prefix}{u if isinstance(u, str) else ''}{suffix}" for u in uniques]
    return pd.Series(categorical_of(codes, texts), index=evidence.index), unreliable


def categorical_of(codes: np.ndarray, texts: list[str]) -> pd.Categorical:
    """A categorical whose row i reads texts[codes[i]]; equal texts share one category, categories in sort order."""
    uniq, inv = np.unique(np.array(texts, dtype=object), return_inverse=True)
    small = np.int8 if len(uniq) < 127 else np.int32
    return pd.Categorical.from_codes(inv.astype(small)[codes], categories=pd.Index(uniq, dtype=object))


def codes_of(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(an integer code per row, -1 where the value is missing; the distinct values the codes point to): a
    categorical's own codes and categories, another column's factorize."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(), s.cat.categories
    codes, uniques = pd.factorize(s)
    return codes, pd.Index(uniques)


def text_rank(s: pd.Series) -> np.ndarray:
    """Integer ranks of a text column in sort order, missing values after every text, by sorting its distinct
    values only (codes_of)."""
    codes, cats = codes_of(s)
    # only the values in use are sorted (a batch of rows may use few of a categorical's many categories)
    used = np.zeros(len(cats), dtype=bool)
    used[codes[codes >= 0]] = True
    if not used.all():
        keep = np.flatnonzero(used)
        remap = np.full(len(cats) + 1, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        codes, cats = remap[codes], cats[keep]                    # code -1 picks the appended -1
    uniques = np.asarray(cats, dtype=object)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order) + 1, dtype=np.int32 if len(order) < 2**31 - 1 else np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = len(order)                    # code -1 (missing) picks the last entry: after every text
    return rank[codes]


def column_rank(s: pd.Series) -> np.ndarray:
    """Integer ranks of any column in sort order, missing values last: text by text_rank, integers by their
    offset from the smallest, other numbers by a sorted factorize."""
    if pd.api.types.is_integer_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype) and not s.hasnans:
        x = s.to_numpy(dtype=np.int64)
        return x - x.min() if len(x) else x
    if pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(s.to_numpy(), sort=True)
        return np.where(codes < 0, len(uniques), codes).astype(np.int64)
    return text_rank(s)


def combined_rank(frame: pd.DataFrame, columns: list[str], dense: bool = True) -> np.ndarray:
    """One integer per distinct combination of `columns`, in their joint sort order: each column is ranked once
    (column_rank) and the ranks combined by mixed radix into one int64 (re-densified before it could overflow);
    `dense` numbers the combinations 0, 1, 2, ... (a sorted factorize), else the order is all that is kept."""
    out = np.zeros(len(frame), dtype=np.int64)
    for c in columns:
        r = column_rank(frame[c])
        base = int(r.max()) + 1 if len(r) else 1
        if len(out) and int(out.max()) >= (2**62) // base:
            out = pd.factorize(out, sort=True)[0].astype(np.int64)
        out = out * base + r
    return pd.factorize(out, sort=True)[0].astype(np.int64) if dense else out


def sort_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The frame sorted by `columns` (ascending, missing last, ties in the original order): the same order as
    DataFrame.sort_values on several columns, computed on integer ranks instead of sorting text (issue 16)."""
    order = np.argsort(combined_rank(frame, columns, dense=False), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def key_codes(frame: pd.DataFrame) -> np.ndarray:
    """One integer per (company, fiscal_year, period, item), in the sort order of the four columns: every later
    join, sort and group works on this integer instead of four text columns (issue 16)."""
    return _narrow(combined_rank(frame, KEY))


def _narrow(a: np.ndarray) -> np.ndarray:
    """An integer array as int32 when its values fit (half the memory of int64 at 48 million rows)."""
    if a.dtype != np.int32 and (not len(a) or (a.min() >= -2**31 and a.max() < 2**31)):
        return a.astype(np.int32)
    return a


BLOCK = 1 << 20        # rows per block of the element-wise comparisons: bounds their temporaries (issue 16)


def agreeing_others(k: np.ndarray, value: np.ndarray, resolution: np.ndarray, url: np.ndarray,
                    relative: float) -> np.ndarray:
    """For each row, how many rows of the same key *from another URL* agree with its value within the rounding of
    both printings plus the relative tolerance (two pages of one site repeating a number are one witness, not two).
    Sorted-group operation: rows sorted by key, each row compared with the rows 1, 2, ... places after it while
    they share its key, so the work is the sum of the group sizes squared, with no join; the comparisons run in
    blocks of BLOCK rows, so that their temporaries stay small."""
    order = np.argsort(k, kind="stable")
    ks = k[order]
    n = len(ks)
    counts = np.zeros(n, dtype=np.int32)
    d = 1
    while d < n:
        found = False
        for s0 in range(0, n - d, BLOCK):
            s1 = min(s0 + BLOCK, n - d)
            same = ks[s0:s1] == ks[s0 + d:s1 + d]
            if not same.any():
                continue
            found = True
            i = s0 + np.flatnonzero(same)
            oi, oj = order[i], order[i + d]
            vi, vj = value[oi], value[oj]
            allow = resolution[oi] + resolution[oj] + relative * np.maximum(np.abs(vi), np.abs(vj))
            agree = (np.abs(vi - vj) <= allow + 1e-9) & (url[oi] != url[oj])
            counts[i[agree]] += 1            # within one distance every row appears once: no repeated index
            counts[i[agree] + d] += 1
        if not found:
            break
        d += 1
    out = np.zeros(n, dtype=np.int32)
    out[order] = counts
    return out


def url_codes(url: pd.Series) -> np.ndarray:
    """One integer per URL; a missing URL differs from every other (as NaN != NaN), never one shared witness."""
    codes = codes_of(url)[0].astype(np.int32)          # a copy: the missing rows are renumbered below
    missing = np.flatnonzero(codes < 0)
    codes[missing] = -1 - np.arange(len(missing))
    return codes


def precedence_order(e: pd.DataFrame, k: np.ndarray, kinds: list[str], doc_types: list[str],
                     relative: float, sid_rank: np.ndarray | None = None) -> np.ndarray:
    """Positions of the rows of `e` sorted best-first within each key: kind, newest company document, document
    type, corroboration, precision, source id (the precedence of the module doc), by one stable lexsort on
    numeric arrays."""
    return precedence_lexsort(k, precedence_ranks(e, kinds, doc_types),
                              text_rank(e["source_id"]) if sid_rank is None else sid_rank, relative)


def precedence_ranks(e: pd.DataFrame, kinds: list[str], doc_types: list[str]) -> dict[str, np.ndarray]:
    """The numeric arrays the precedence sorts on, one entry per row of `e`: kind rank, minus the age of a
    company document, document-type rank, value, rounding resolution and URL code."""
    kind_rank = per_distinct(e["kind"], lambda x: kinds.index(x) if x in kinds else len(kinds), np.int16)
    # newest first: ascending on minus the days since 1970 (0 for rows that are not company documents)
    days = per_distinct(e["doc_period_end"], lambda x: (pd.to_datetime(x, errors="coerce")
                                                        - pd.Timestamp("1970-01-01")).days
                        if isinstance(x, str) and pd.notna(pd.to_datetime(x, errors="coerce")) else 0, np.int32)
    company_doc = per_distinct(e["kind"], lambda x: x == "company_document", bool)
    type_rank = per_distinct(e["doc_type"], lambda x: doc_types.index(x) if x in doc_types else len(doc_types),
                             np.int16)
    return {"kind": kind_rank, "age": np.where(company_doc, -days, 0).astype(np.int32), "type": type_rank,
            "value": e["value"].to_numpy(float), "resolution": e["resolution"].to_numpy(float),
            "url": url_codes(e["url"])}


def precedence_lexsort(k: np.ndarray, ranks: dict[str, np.ndarray], sid_rank: np.ndarray,
                       relative: float) -> np.ndarray:
    """The lexsort of precedence_order on arrays already taken for the rows to rank."""
    support = agreeing_others(k, ranks["value"], ranks["resolution"], ranks["url"], relative)
    return np.lexsort((sid_rank, ranks["resolution"], -support, ranks["type"], ranks["age"], ranks["kind"], k))


def per_distinct(s: pd.Series, fn, dtype=float) -> np.ndarray:
    """fn applied once per distinct value of a text column (a missing value passed as None), spread to the rows
    as `dtype`."""
    codes, uniques = codes_of(s)
    table = np.array([fn(u) for u in uniques] + [fn(None)], dtype=dtype)
    return table[codes]                      # code -1 (missing) picks the last entry


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
    k = key_codes(e)
    value, resolution = e["value"].to_numpy(float), e["resolution"].to_numpy(float)
    eligible = (reasons == "").to_numpy(dtype=bool)
    sid_rank = text_rank(e["source_id"])

    # precedence among the eligible rows: `ranked` holds row numbers of e, best first within each key
    if eligible.all():                                   # no subset to take: the arrays as they are
        ranked = precedence_lexsort(k, precedence_ranks(e, kinds, doc_types), sid_rank, relative_tolerance)
    else:
        ok = np.flatnonzero(eligible)
        ranks = {name: a[ok] for name, a in precedence_ranks(e, kinds, doc_types).items()}
        ranked = ok[precedence_lexsort(k[ok], ranks, sid_rank[ok], relative_tolerance)]
        del ranks, ok
    ranked = _narrow(ranked)
    rk = k[ranked]
    first = group_starts(rk)
    start = np.flatnonzero(first)
    keys, winner = rk[first], ranked[first]
    del rk, first
    n_sources = np.diff(np.r_[start, len(ranked)])
    grp = _narrow(np.repeat(np.arange(len(keys)), n_sources))
    pos = _narrow(np.arange(len(ranked)) - np.repeat(start, n_sources))
    del start

    # precision first: the most precise eligible printing of the same figure replaces the precedence winner
    better = np.zeros(len(ranked), dtype=bool)
    for s0 in range(0, len(ranked), BLOCK):
        rows, g = ranked[s0:s0 + BLOCK], grp[s0:s0 + BLOCK]
        wv, wr = value[winner[g]], resolution[winner[g]]
        better[s0:s0 + BLOCK] = (np.abs(value[rows] - wv) <= resolution[rows] + wr + 1e-9) & (resolution[rows] < wr)
    chosen = winner.copy()
    if better.any():
        b = np.flatnonzero(better)
        b = b[np.lexsort((pos[b], resolution[ranked][b], grp[b]))]          # by key, precision, precedence
        b = b[group_starts(grp[b])]
        chosen[grp[b]] = ranked[b]
    del better, pos
    # runner-up: the first row in precedence order that is not the chosen one
    rest = np.flatnonzero(ranked != chosen[grp])
    rest = rest[group_starts(grp[rest])]
    runner = np.full(len(keys), -1, dtype=ranked.dtype)
    runner[grp[rest]] = ranked[rest]
    del rest, grp, ranked

    # every other eligible or flagged source of a chosen key, against the chosen value
    slot = np.full(len(k), -1, dtype=np.int32)      # the chosen key's position, -1 for a key without a choice
    if len(keys):
        at = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
        slot = _narrow(np.where(keys[at] == k, at, -1))
        del at
    n_agreeing = np.zeros(len(keys), dtype=np.int64)
    n_conflicting = np.zeros(len(keys), dtype=np.int64)
    clash_parts = []
    considered = eligible | unreliable
    for s0 in range(0, len(k), BLOCK):
        cand = s0 + np.flatnonzero(considered[s0:s0 + BLOCK] & (slot[s0:s0 + BLOCK] >= 0))
        cs = slot[cand]
        other = sid_rank[cand] != sid_rank[chosen[cs]]          # another source id (same id, same rank)
        cand, cs = cand[other], cs[other]
        agrees = ~disagree_arrays(value[cand], value[chosen[cs]], resolution[cand], resolution[chosen[cs]],
                                  relative_tolerance)
        n_agreeing += np.bincount(cs[agrees & eligible[cand]], minlength=len(keys))
        clash = cand[~agrees]
        n_conflicting += np.bincount(slot[clash][eligible[clash]], minlength=len(keys))
        clash_parts.append(clash)
    clash = np.concatenate(clash_parts) if clash_parts else np.zeros(0, dtype=np.int64)
    del considered, clash_parts

    panel = e.iloc[chosen].reset_index(drop=True)
    sid = e["source_id"]
    panel["precedence_source_id"] = sid.take(winner).array
    panel["n_sources"], panel["n_agreeing"], panel["n_conflicting"] = n_sources, n_agreeing, n_conflicting
    has_runner = runner >= 0
    r = np.where(has_runner, runner, 0)
    panel["runner_up_source_id"] = sid.take(r).reset_index(drop=True).where(has_runner).array
    panel["runner_up_value"] = np.where(has_runner, value[r], np.nan)
    panel["runner_up_kind"] = e["kind"].take(r).reset_index(drop=True).where(has_runner).array

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
    # the status of every row as a categorical: 'chosen', 'eligible' or 'excluded: <reason>'
    why = reasons.cat
    labels = ["eligible" if t == "" else f"excluded: {t}" for t in why.categories] + ["chosen"]
    codes = why.codes.to_numpy().astype(np.int32)
    codes[chosen] = len(labels) - 1
    status = categorical_of(codes, labels)
    if _in_order(k, sid_rank):                     # already in key and source order: no copy
        ev = e.assign(status=status)
    else:
        order = np.lexsort((sid_rank, k))
        ev = e.iloc[order].assign(status=status.take(order))
    return (panel[panel_cols].reset_index(drop=True), conflicts[conflict_cols].reset_index(drop=True),
            ev.reset_index(drop=True))


def _in_order(k: np.ndarray, sid_rank: np.ndarray) -> bool:
    """True when the rows are sorted by key, then source id (ties of both in any order, as a stable sort keeps)."""
    dk = np.diff(k)
    return bool(((dk > 0) | ((dk == 0) & (np.diff(sid_rank) >= 0))).all())


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
