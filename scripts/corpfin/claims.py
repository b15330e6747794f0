"""Audit of the case studies' statements against the pipeline's sourced values.

Each row of data/raw/claims/claims.csv is a claim about Xiaomi (kind `claim`) or a description of what a study
analysed (kind `description`). A description gets the verdict 'not a claim' and what this rebuild computed for it;
it never enters the tallies. A claim gets one of four verdicts:
- supported: the sourced figures show it in every year it names (or the study could see);
- partly supported: true where observed, with years unobserved, or true of a stated proxy only, or true of some of the
  measures it names and not of others (the reason says which);
- contradicted: a sourced figure shows the opposite;
- not checkable: no sourced figure decides it (the row names the figure that would).
Checks: peak, all_above, equals, growth, at_least / at_least_latest, peak_latest, decline, steady_rise, improves
(every named ratio higher at the end of a period than at its start), coverage and method (for descriptions), none.
A claim is judged on the years its study could see (`data_through`).
"""
from __future__ import annotations

import re

import pandas as pd

from .errors import InputError
from .series import series_from

SUPPORTED, PARTLY, CONTRADICTED, UNCHECKABLE, NOT_A_CLAIM = (
    "supported", "partly supported", "contradicted", "not checkable", "not a claim")
VERDICTS = (SUPPORTED, PARTLY, CONTRADICTED, UNCHECKABLE, NOT_A_CLAIM)


def series(tables: dict[str, pd.DataFrame], table: str, key: str) -> pd.Series:
    d = series_from(tables, table, key)
    return d.set_index("fiscal_year")["value"].astype(float).dropna().sort_index()


def fmt(v: float, digits: int = 1) -> str:
    from .markdown import num

    return num(v, digits)


def unit_of(tables: dict[str, pd.DataFrame], table: str, key: str) -> str:
    """The unit of a claim's series as the panel or the ratio table records it ('' where it has none)."""
    t = tables.get(table)
    if t is None:
        return ""
    if table == "panel" and "canonical_unit" in t:
        u = t.loc[t["item"] == key, "canonical_unit"].dropna()
    elif table == "ratios":
        u = t.loc[t["ratio"] == key, "unit"].dropna()
    else:
        return ""
    return str(u.iloc[0]) if len(u) else ""


def shown(v: float, unit: str, digits: int = 1) -> str:
    """A claim's value as a sentence writes it, by the unit of its series: '13.0%', 'RMB 66,811.0 million', '3'."""
    if unit == "percent":
        return f"{fmt(v, digits)}%"
    money = re.fullmatch(r"([A-Z]{3})_million", unit)
    return f"{money.group(1)} {fmt(v, digits)} million" if money else fmt(v, digits)


def _years(a: str) -> tuple[int, int]:
    y0, y1 = (int(x) for x in str(a).split("-"))
    return y0, y1


def describe(claim: pd.Series, tables: dict[str, pd.DataFrame]) -> tuple[str, str]:
    """(what this rebuild computed, why) for a description of a study's own analysis."""
    kind = claim["check"]
    if kind == "coverage":
        s = series(tables, claim["table"], claim["key"])
        run = max((len(r) for r in _runs(list(s.index))), default=0)
        years = f"FY{s.index.min()}–FY{s.index.max()}" if len(s) else "no year"
        return (f"entity EVA for {run} consecutive years ({years})",
                "the study names neither its years nor its EVA adjustments; ours: the methods section")
    if kind == "method" and pd.notna(claim["key"]) and str(claim["key"]).strip():
        r = tables["ratios"]
        y0, y1 = _years(claim["fiscal_year"])
        groups = str(claim["key"]).split(",")
        sub = r[r["group"].isin(groups) & r["fiscal_year"].between(y0, y1)]
        share = sub["value"].notna().mean() if len(sub) else 0.0
        note = claim["reason_if_unchecked"] if pd.notna(claim["reason_if_unchecked"]) else ""
        return (f"{share:.0%} of its ratio-years computable, FY{y0}–FY{y1}",
                note or "ratios missing where the sources print no balance-sheet line")
    note = claim["reason_if_unchecked"] if pd.notna(claim["reason_if_unchecked"]) else ""
    return "", note


def check(claim: pd.Series, tables: dict[str, pd.DataFrame]) -> tuple[str, str, str]:
    """(our value as text, verdict, reason) for a claim."""
    kind = claim["check"]
    if kind == "none":
        why = claim["reason_if_unchecked"] if pd.notna(claim["reason_if_unchecked"]) else "no sourced figure"
        return "", UNCHECKABLE, why
    if kind == "improves":
        y0, y1 = _years(claim["fiscal_year"])
        up, down, missing, values = [], [], [], []
        for key in str(claim["key"]).split(","):
            s, name = series(tables, "ratios", key), key.replace("_", " ")
            if y0 in s.index and y1 in s.index:
                (up if s[y1] > s[y0] else down).append(name)
                values.append(f"{name} {fmt(s[y0])}% to {fmt(s[y1])}%")
            else:
                missing.append(name)
        if not (up or down):
            return "", UNCHECKABLE, f"no FY{y0} and FY{y1} values of {', '.join(missing)}"
        verdict = SUPPORTED if up and not down and not missing else CONTRADICTED if down and not up else PARTLY
        why = f"FY{y0} to FY{y1}: rose: {', '.join(up) or 'none'}; fell: {', '.join(down) or 'none'}"
        return "; ".join(values), verdict, why + (f"; not sourced: {', '.join(missing)}" if missing else "")
    s = series(tables, claim["table"], claim["key"])
    u = unit_of(tables, claim["table"], claim["key"])
    through = claim.get("data_through")
    if through is not None and pd.notna(through) and str(through).strip():
        # judged on the years its study could see (its data end), not on later years
        s = s[s.index <= int(float(through))]
    year = int(claim["fiscal_year"]) if pd.notna(claim["fiscal_year"]) and str(claim["fiscal_year"]).isdigit() else None
    if kind == "peak":
        higher = s[(s > float(claim["asserted"]) + float(claim["tolerance"] or 0)) & (s.index != year)]
        ours = shown(s[year], u) if year in s.index else f"no FY{year} value"
        if not higher.empty:
            return ours, CONTRADICTED, "not the peak: higher in " + ", ".join(
                f"FY{y} ({shown(v, u)})" for y, v in higher.items())
        if year not in s.index:
            return ours, UNCHECKABLE, f"FY{year} not in the sources"
        return ours, SUPPORTED, f"FY{year} is the maximum of FY{s.index.min()}–FY{s.index.max()}"
    if kind == "all_above":
        thr = float(claim["threshold"])
        below = s[s <= thr]
        ours = ", ".join(f"FY{y} {shown(v, u)}" for y, v in s.items())
        if not below.empty:
            return ours, CONTRADICTED, "at or below the threshold in " + ", ".join(f"FY{y}" for y in below.index)
        if s.empty:
            return "", UNCHECKABLE, "no values"
        window = [y for y in sorted(set(tables["panel"]["fiscal_year"])) if y <= s.index.max() or not through]
        missing = [y for y in range(min(window), max(window) + 1) if y not in s.index]
        if missing:
            return ours, PARTLY, (f"above {thr:g} in each of the {len(s)} years observed; no figure for "
                                  + ", ".join(f"FY{y}" for y in missing))
        return ours, SUPPORTED, f"above {thr:g} in every year, FY{s.index.min()}–FY{s.index.max()}"
    if kind == "equals":
        if year not in s.index:
            return "", UNCHECKABLE, f"no FY{year} value"
        ok = abs(s[year] - float(claim["asserted"])) <= float(claim["tolerance"] or 0) + 1e-9
        digits = 0 if float(claim["asserted"]).is_integer() else 1
        return shown(s[year], u, digits), SUPPORTED if ok else CONTRADICTED, f"FY{year} as sourced"
    if kind in ("at_least", "at_least_latest"):
        thr = float(claim["threshold"])
        if kind == "at_least_latest" and not s.empty:
            year = int(s.index.max())
        if year not in s.index:
            have = ", ".join(f"FY{y} {fmt(v, 0)}" for y, v in s.items()) or "none"
            return "", UNCHECKABLE, f"no FY{year} value (sourced: {have})"
        v = s[year]
        return f"FY{year} {fmt(v, 0)}", SUPPORTED if v >= thr else CONTRADICTED, f"FY{year} against {thr:,.0f}"
    if kind == "peak_latest":
        if s.empty:
            return "", UNCHECKABLE, "no values"
        top = int(s.idxmax())
        ok = top >= int(s.index.max()) - 1
        return f"{shown(s.max(), u)} in FY{top}", SUPPORTED if ok else CONTRADICTED, (
            f"the highest of FY{s.index.min()}–FY{s.index.max()}" if ok else
            f"the highest of FY{s.index.min()}–FY{s.index.max()} is FY{top}, not a recent year")
    if kind == "decline":
        if year in s.index and (year - 1) in s.index:
            g = (s[year] / s[year - 1] - 1) * 100
            proxy = claim.get("proxy")
            has_proxy = proxy is not None and pd.notna(proxy) and str(proxy).strip()
            verdict = CONTRADICTED if g >= 0 else PARTLY if has_proxy else SUPPORTED
            why = f"{shown(s[year - 1], u)} in FY{year - 1} to {shown(s[year], u)} in FY{year}"
            return f"{fmt(g)}%", verdict, why + (f"; measured on {proxy}" if has_proxy else "")
        have = ", ".join(f"FY{y}" for y in s.index) or "no year"
        return "", UNCHECKABLE, f"needs FY{year - 1} and FY{year}; sourced: {have}"
    if kind == "steady_rise":
        if len(s) < 2:
            return "", UNCHECKABLE, "fewer than two years with data"
        ch = s.diff().dropna()
        falls = ch[ch < 0]
        ours = f"{shown(s.iloc[0], u)} in FY{s.index.min()} to {shown(s.iloc[-1], u)} in FY{s.index.max()}"
        if not falls.empty:
            return ours, CONTRADICTED, "fell in " + ", ".join(f"FY{y}" for y in falls.index)
        return ours, SUPPORTED, f"rose in every one of the {len(ch)} year-on-year changes"
    raise ValueError(f"claims.csv: unknown check {kind!r} for claim {claim['claim_id']}")


def _runs(years: list[int]) -> list[list[int]]:
    runs, cur = [], []
    for y in years:
        if cur and y == cur[-1] + 1:
            cur.append(y)
        else:
            if cur:
                runs.append(cur)
            cur = [y]
    if cur:
        runs.append(cur)
    return runs


AUDIT_COLUMNS = ["claim_id", "study", "kind", "wording", "claim_en", "quantity", "our_value", "verdict", "reason",
                 "decides", "check"]


def audit_claims(claims: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for _, c in claims.iterrows():
        if c["kind"] == "description":
            ours, reason = describe(c, tables)
            verdict = NOT_A_CLAIM
        else:
            ours, verdict, reason = check(c, tables)
        decides = c.get("decides") if verdict == UNCHECKABLE else ""
        rows.append({"claim_id": c["claim_id"], "study": c["study"], "kind": c["kind"], "wording": c["wording"],
                     "claim_en": c["claim_en"], "quantity": c["quantity"], "our_value": ours, "verdict": verdict,
                     "reason": reason, "decides": decides if isinstance(decides, str) else "", "check": c["check"]})
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def tallies(audit: pd.DataFrame) -> dict[str, int]:
    """Verdicts of the claims about Xiaomi (descriptions of a study's method are not counted)."""
    c = audit[audit["kind"] == "claim"]
    return {v: int((c["verdict"] == v).sum()) for v in VERDICTS if v != NOT_A_CLAIM} | {"claims": len(c)}


def check_claim_keys(claims: pd.DataFrame, tables: dict[str, pd.DataFrame], file: str, items: set[str]) -> None:
    """Refuse a claim whose kind, table or key names nothing the pipeline knows (a typo would make it 'not
    checkable'): panel keys against the item catalogue, ratio keys against the ratios computed, EVA keys against
    eva.csv."""
    known = {"panel": set(items), "ratios": set(tables["ratios"]["ratio"]), "eva": set(tables["eva"].columns)}
    groups = set(tables["ratios"]["group"])
    years = tables["panel"]["fiscal_year"].astype(int)
    first, last = int(years.min()), int(years.max())
    for k, (_, c) in enumerate(claims.iterrows(), start=2):
        for col in ("fiscal_year", "data_through"):
            text = str(c.get(col, "")).strip() if pd.notna(c.get(col)) else ""
            if not text:
                continue
            if not re.fullmatch(r"[0-9]{4}(\.0)?(-[0-9]{4})?", text):
                raise InputError(file, "not a fiscal year", row=k, column=col,
                                 expected="a year (2021) or a span (2017-2021)", found=text)
            named = [int(float(y)) for y in text.split("-")]
            if max(named) < first or min(named) > last:     # a span reaching past the panel is checked where it
                raise InputError(file, "a year outside the data", row=k, column=col,   # overlaps
                                 expected=f"a year or span within or overlapping FY{first}-FY{last}, the years the "
                                          "panel holds", found=text)
        if c["kind"] not in ("claim", "description"):
            raise InputError(file, "unknown kind", row=k, column="kind", expected="claim | description",
                             found=c["kind"])
        if c["check"] == "none" or (c["check"] == "method" and (pd.isna(c["key"]) or not str(c["key"]).strip())):
            continue
        if c["check"] == "method":
            bad = [g for g in str(c["key"]).split(",") if g not in groups]
            if bad:
                raise InputError(file, "unknown ratio group", row=k, column="key",
                                 expected=" | ".join(sorted(groups)), found=",".join(bad))
            continue
        keys = str(c["key"]).split(",") if c["check"] == "improves" else [c["key"]]
        if c["table"] not in known:
            raise InputError(file, "unknown table", row=k, column="table", expected=" | ".join(known), found=c["table"])
        for key in keys:
            if key not in known[c["table"]]:
                raise InputError(file, f"unknown key for table {c['table']}", row=k, column="key",
                                 expected=f"a name in the {c['table']} table (e.g. "
                                          f"{', '.join(sorted(known[c['table']])[:4])}, ...)", found=key)
