"""Audit of the case studies' quantitative claims against the pipeline's sourced values.

Each claim (data/raw/claims/claims.csv) names a check; the verdict is one of
'supported', 'contradicted', 'not checkable with our data', with the reason and our value.
Checks: peak (the year's value is the series maximum), all_above (every available year above a
threshold), growth (year-on-year growth of a panel item), at_least / at_least_latest (a lower bound),
peak_latest (the maximum lies in the last two years), decline (the year's value below the prior year's),
coverage / coverage_groups (how many years the pipeline can compute), none (stated reason).
"""
from __future__ import annotations

import pandas as pd

from .errors import InputError
from .series import series_from

SUPPORTED, CONTRADICTED, UNCHECKABLE = "supported", "contradicted", "not checkable with our data"
# an item that describes what a study analysed, not a statement about Xiaomi: listed with what we computed
METHOD = "not a claim (the study's method)"


def series(tables: dict[str, pd.DataFrame], table: str, key: str) -> pd.Series:
    d = series_from(tables, table, key)
    return d.set_index("fiscal_year")["value"].astype(float).dropna().sort_index()


def fmt(v: float) -> str:
    from .markdown import num

    return num(v, 1)


def check(claim: pd.Series, tables: dict[str, pd.DataFrame]) -> tuple[str, str, str]:
    """(our value as text, verdict, reason)."""
    kind = claim["check"]
    if kind == "none":
        return "", UNCHECKABLE, claim["reason_if_unchecked"]
    if kind == "method":
        if pd.isna(claim["key"]) or not str(claim["key"]).strip():
            return "", METHOD, claim["reason_if_unchecked"]
        r = tables["ratios"]
        y0, y1 = (int(x) for x in str(claim["fiscal_year"]).split("-"))
        groups = str(claim["key"]).split(",")
        sub = r[r["group"].isin(groups) & r["fiscal_year"].between(y0, y1)]
        per = sub.groupby("group")["value"].apply(lambda v: f"{v.notna().sum()}/{len(v)}")
        text = "; ".join(f"{g.replace('_', ' ')}: {per.get(g, '0/0')}" for g in groups)
        return f"{sub['value'].notna().mean():.0%} of ratio-years computable", METHOD, (
            f"computable ratio-years FY{y0}-FY{y1}: {text}" + (f"; {claim['reason_if_unchecked']}"
                                                                if pd.notna(claim["reason_if_unchecked"]) else ""))
    if kind == "coverage_groups":
        r = tables["ratios"]
        y0, y1 = (int(x) for x in str(claim["fiscal_year"]).split("-"))
        groups = str(claim["key"]).split(",")
        sub = r[r["group"].isin(groups) & r["fiscal_year"].between(y0, y1)]
        share = sub["value"].notna().mean() if len(sub) else 0.0
        per = sub.groupby("group")["value"].apply(lambda v: f"{v.notna().sum()}/{len(v)}")
        text = "; ".join(f"{g}: {per.get(g, '0/0')}" for g in groups)
        verdict = SUPPORTED if share == 1 else UNCHECKABLE
        return f"{share:.0%} of ratio-years computable", verdict, (
            f"computable ratio-years by group, FY{y0}-FY{y1}: {text}; the rest lack sourced balance-sheet items")
    s = series(tables, claim["table"], claim["key"])
    through = claim.get("data_through")
    if through is not None and pd.notna(through) and str(through).strip():
        # judge the claim on the years its study could see (its data end), not on later years
        s = s[s.index <= int(float(through))]
    year = int(claim["fiscal_year"]) if pd.notna(claim["fiscal_year"]) and str(claim["fiscal_year"]).isdigit() else None
    if kind == "coverage":
        n = int(claim["asserted"])
        years = list(s.index)
        run = max((len(r) for r in _runs(years)), default=0)
        verdict = SUPPORTED if run >= n else UNCHECKABLE
        return (f"computable for {', '.join(map(str, years)) or 'no year'}", verdict,
                f"longest run of consecutive EVA years: {run} (needs {n}); gaps: see the EVA build-up")
    if kind == "peak":
        if s.empty:
            return "", UNCHECKABLE, "no values"
        higher = s[s > float(claim["asserted"]) + float(claim["tolerance"])]
        later_higher = higher[higher.index != year]
        ours = fmt(s[year]) if year in s.index else "no FY%d value" % year
        if not later_higher.empty:
            return ours, CONTRADICTED, "higher values in " + ", ".join(f"FY{y} ({fmt(v)})" for y, v in later_higher.items())
        if year not in s.index:
            return ours, UNCHECKABLE, f"FY{year} not in the sources"
        return ours, SUPPORTED, f"FY{year} is the maximum of FY{s.index.min()}-FY{s.index.max()}"
    if kind == "all_above":
        thr = float(claim["threshold"])
        below = s[s <= thr]
        ours = "; ".join(f"FY{y} {fmt(v)}" for y, v in s.items())
        if not below.empty:
            return ours, CONTRADICTED, "at or below the threshold in " + ", ".join(f"FY{y}" for y in below.index)
        if s.empty:
            return "", UNCHECKABLE, "no values"
        tables_years = sorted(set(tables["panel"]["fiscal_year"]))
        missing = [y for y in tables_years if y not in s.index]
        return ours, SUPPORTED, (
            f"above {thr:g} in all {len(s)} years with data" + (f"; no data for FY{', FY'.join(map(str, missing))}"
                                                               if missing else ""))
    if kind == "growth":
        if year in s.index and (year - 1) in s.index and s[year - 1] > 0:
            g = (s[year] / s[year - 1] - 1) * 100
            ok = abs(g - float(claim["asserted"])) <= float(claim["tolerance"])
            return f"{g:.1f}%", SUPPORTED if ok else CONTRADICTED, f"{claim['key']} FY{year - 1} {fmt(s[year - 1])} -> FY{year} {fmt(s[year])}"
        have = ", ".join(f"FY{y}" for y in s.index) or "no year"
        return "", UNCHECKABLE, f"{claim['key']} needs FY{year - 1} and FY{year}; sourced: {have}"
    if kind in ("at_least", "at_least_latest"):
        thr = float(claim["threshold"])
        if kind == "at_least_latest" and not s.empty:
            year = int(s.index.max())
        if year not in s.index:
            have = ", ".join(f"FY{y} {fmt(v)}" for y, v in s.items()) or "none"
            return "", UNCHECKABLE, f"no FY{year} value; sourced values: {have}"
        v = s[year]
        return f"FY{year} {fmt(v)}", SUPPORTED if v >= thr else CONTRADICTED, f"FY{year} value {fmt(v)} vs {thr:,.0f}"
    if kind == "peak_latest":
        if s.empty:
            return "", UNCHECKABLE, "no values"
        top = int(s.idxmax())
        ok = top >= int(s.index.max()) - 1
        return f"max {fmt(s.max())} in FY{top}", SUPPORTED if ok else CONTRADICTED, (
            f"series FY{s.index.min()}-FY{s.index.max()}; maximum in FY{top}")
    if kind == "decline":
        if year in s.index and (year - 1) in s.index:
            g = (s[year] / s[year - 1] - 1) * 100
            return f"{g:.1f}%", SUPPORTED if g < 0 else CONTRADICTED, f"FY{year - 1} {fmt(s[year - 1])} -> FY{year} {fmt(s[year])}"
        have = ", ".join(f"FY{y}" for y in s.index) or "no year"
        return "", UNCHECKABLE, f"needs FY{year - 1} and FY{year}; sourced: {have}"
    if kind == "steady_rise":
        if len(s) < 2:
            return "", UNCHECKABLE, "fewer than two years with data"
        ch = s.diff().dropna()
        falls = ch[ch < 0]
        ours = f"FY{s.index.min()} {fmt(s.iloc[0])} -> FY{s.index.max()} {fmt(s.iloc[-1])}"
        if not falls.empty:
            return ours, CONTRADICTED, "fell in " + ", ".join(
                f"FY{y} ({fmt(s[y - 1]) if (y - 1) in s.index else '?'} -> {fmt(s[y])})" for y in falls.index)
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


def audit_claims(claims: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for _, c in claims.iterrows():
        ours, verdict, reason = check(c, tables)
        rows.append({"claim_id": c["claim_id"], "study": c["study"], "wording": c["wording"], "quantity": c["quantity"],
                     "our_value": ours, "verdict": verdict, "reason": reason, "check": c["check"]})
    return pd.DataFrame(rows)


def check_claim_keys(claims: pd.DataFrame, tables: dict[str, pd.DataFrame], file: str, items: set[str]) -> None:
    """Refuse a claim whose table or key names nothing the pipeline knows (a typo would make it 'not checkable'):
    panel keys against the item catalogue, ratio keys against the ratios computed, EVA keys against eva.csv."""
    known = {"panel": set(items), "ratios": set(tables["ratios"]["ratio"]), "eva": set(tables["eva"].columns)}
    groups = set(tables["ratios"]["group"])
    for k, (_, c) in enumerate(claims.iterrows(), start=2):
        if c["check"] == "none" or (c["check"] == "method" and (pd.isna(c["key"]) or not str(c["key"]).strip())):
            continue
        if c["check"] in ("coverage_groups", "method"):
            bad = [g for g in str(c["key"]).split(",") if g not in groups]
            if bad:
                raise InputError(file, "unknown ratio group", row=k, column="key",
                                 expected=" | ".join(sorted(groups)), found=",".join(bad))
            continue
        if c["table"] not in known:
            raise InputError(file, "unknown table", row=k, column="table", expected=" | ".join(known), found=c["table"])
        if c["key"] not in known[c["table"]]:
            raise InputError(file, f"unknown key for table {c['table']}", row=k, column="key",
                             expected=f"a name in the {c['table']} table (e.g. "
                                      f"{', '.join(sorted(known[c['table']])[:4])}, ...)", found=c["key"])
