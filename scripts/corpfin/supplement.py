"""Tables of the HTML supplement and of the paper's short appendix: coverage, conflicts, identities, FX estimates,
the coverage change, the to-do list, the gaps, the sensitivity of EVA, market value added.

These inventories document the data; the paper's argument is in corpfin.tables and corpfin.narrative.
"""
from __future__ import annotations

import pandas as pd

from .coverage import KIND_CODES
from .markdown import EST, EST_NOTE, GAP, _years, marks_of, mark, md_text, num, pipe_table, tier_marks, year_ranges
from .vocabulary import label


def coverage_table(cov: pd.DataFrame, years: list[int]) -> str:
    c = cov.assign(code=cov["status"].map(KIND_CODES).fillna(GAP))
    w = c.pivot_table(index=["statement", "item"], columns="fiscal_year", values="code", aggfunc="first")
    w = w.reindex(columns=years).fillna(GAP).reset_index()
    w.columns = ["Statement", "Item"] + [str(y) for y in years]
    return pipe_table(w, "ll" + "c" * len(years))


def conflicts_table(conf: pd.DataFrame) -> str:
    c = conf[conf["period"] == "FY"].copy()
    c = c.assign(flag=c["other_reliability_flag"].fillna("").map(lambda s: "flagged" if s else "eligible"))
    out = pd.DataFrame({"FY": c["fiscal_year"], "Item": c["item"], "Chosen": [num(v, 1) for v in c["chosen_value"]],
                        "Chosen source": c["chosen_source_id"], "Other": [num(v, 1) for v in c["other_value"]],
                        "Other source": c["other_source_id"], "Other kind": c["other_kind"], "Status": c["flag"],
                        "Diff %": [num(v * 100, 1) for v in c["relative_difference"]]})
    return pipe_table(out, "rlrlrlllr")


def identity_equation(spec: dict, vocab: dict[str, str]) -> str:
    """An identity of the config in the reader's words: 'revenue − cost of sales = gross profit'."""
    def words(item: str) -> str:
        w = vocab.get(item, item.replace("_", " "))
        return w if not w.split(" ")[0][1:].islower() else w[0].lower() + w[1:]
    text = ""
    for k, (item, sign) in enumerate(spec["terms"].items()):
        text += (("" if sign > 0 else "− ") if k == 0 else (" + " if sign > 0 else " − ")) + words(item)
    text += f" = {words(spec['equals'])}"
    return text[0].upper() + text[1:]


def identity_table(checks: pd.DataFrame, identities: list[dict], vocab: dict[str, str],
                   foreign: frozenset[str] = frozenset()) -> tuple[str, str]:
    """Each accounting identity of the config by fiscal year (marks as in the caption), written as its equation;
    identities that no year of the company can check are named below the table instead, unless they tie lines the
    catalogue reserves for other companies (`foreign`: Apple's products and services in Xiaomi's paper)."""
    t = checks.pivot_table(index="identity", columns="fiscal_year", values="status", aggfunc="first")
    checkable = t.apply(lambda row: (row.dropna() != "not checkable").any(), axis=1)
    specs = {i["name"]: i for i in identities}

    def own(name: str) -> bool:
        spec = specs.get(name)
        return spec is None or not foreign & ({spec["equals"]} | set(spec["terms"]))
    never = [identity_equation(specs[n], vocab) if n in specs else n for n in t.index[~checkable] if own(n)]
    t = t[checkable]
    short = {"holds": "✓", "upper bound holds": "≤", "not checkable": GAP, "violated": "✗",
             "holds (estimate)": "✓" + EST, "upper bound holds (estimate)": "≤" + EST, "not met (estimate)": "✗" + EST,
             "derived (not a check)": "‡"}
    t = t.apply(lambda col: col.map(lambda s: short.get(s, s))).reset_index()
    t["identity"] = [identity_equation(specs[n], vocab) if n in specs else n for n in t["identity"]]
    t.columns = ["Identity"] + [str(c) for c in t.columns[1:]]
    note = ("Not checkable in any year, for want of the company's lines: " + "; ".join(md_text(n) for n in never)
            + ".\n") if never else ""
    return pipe_table(t, "l" + "c" * (len(t.columns) - 1)), note


def eva_gaps_table(summary: pd.DataFrame) -> str:
    s = summary[summary["eva"].isna()][["method", "fiscal_year", "status"]]
    s = s.assign(status=s["status"].fillna(""))
    return pipe_table(s.rename(columns={"method": "Method", "fiscal_year": "FY", "status": "What is missing"}), "lrl")


def sensitivity_table(sens: pd.DataFrame) -> str:
    s = sens.dropna(subset=["eva"])
    if s.empty:
        return pipe_table(pd.DataFrame({"Note": ["no year has an EVA under any setting"]}))
    s = s.assign(col=s["fiscal_year"].astype(str))
    w = s.pivot_table(index=["method", "parameter", "setting"], columns="col", values="eva", aggfunc="first").reset_index()
    for c in w.columns[3:]:
        w[c] = [num(v, 1) for v in w[c]]
    w["setting"] = [f"{v:+g}" if p == "wacc_shift_pp" else f"{v:g}" for p, v in zip(w["parameter"], w["setting"])]
    w.columns = ["Method", "Parameter", "Setting"] + [f"EVA FY{c}" for c in w.columns[3:]]
    return pipe_table(w, "lll" + "r" * (len(w.columns) - 3))


def gap_list(coverage: pd.DataFrame, statements: list[str]) -> pd.DataFrame:
    """Items still without a *reported* value, by year: gaps, and years held only as a flagged estimate."""
    c = coverage[coverage["statement"].isin(statements)]
    todo = c[c["status"].isin(["gap", "fx_estimate"])]
    key = ["statement", "item"]
    out = pd.DataFrame(index=pd.MultiIndex.from_frame(todo[key].drop_duplicates().sort_values(key)))
    for column, status in (("missing years", "gap"), ("estimate only", "fx_estimate")):
        out[column] = _years_where(todo, todo["status"] == status, key, out.index)
    return out.reset_index()


def _years_where(frame: pd.DataFrame, mask: pd.Series, key: list[str], groups: pd.MultiIndex) -> pd.Series:
    """For each group of `groups` (by `key`), the fiscal years of its rows where `mask` holds (_years), '' where
    there are none; grouped only over those rows."""
    return frame[mask].groupby(key)["fiscal_year"].agg(_years).reindex(groups).fillna("")


def fx_estimates_table(fx: pd.DataFrame) -> str:
    """Every HKD printing of a configured balance, its conversion, and what became of it."""
    if fx.empty:
        return pipe_table(pd.DataFrame({"Note": ["no HKD printing of a configured item"]}))
    out = pd.DataFrame({
        "FY": fx["fiscal_year"], "Item": fx["item"], "HKD m": [num(v, 1) for v in fx["hkd_value"]],
        "Source": fx["hkd_source_id"], "RMB per 100 HKD": [num(v, 3) for v in fx["rate"]],
        "Rate source": fx["rate_source_id"].fillna(GAP).replace("", GAP),
        "Estimate RMB m": [num(v, 1) for v in fx["estimate"]],
        "Reported RMB m": [num(v, 1) for v in fx["reported_value"]],
        "Error %": [num(v * 100, 2) for v in fx["relative_error"]],
        "Use": [("estimate" + EST if u else "no sourced rate" if pd.isna(rt) else "check only" if pd.notna(r)
                 else "gap stays") for u, rt, r in zip(fx["used"].astype(bool), fx["rate"], fx["reported_value"])]})
    return pipe_table(out, "rlrlrlrrrl")


def coverage_change(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per item: reported years before and after, years gained (reported), years filled by an estimate, and
    years lost (a reported value that disappeared: should never happen)."""
    key = ["statement", "item"]
    b = before.assign(ok=before["status"] != "gap")
    a = after.assign(ok=~after["status"].isin(["gap", "fx_estimate"]), est=after["status"] == "fx_estimate")
    m = a.merge(b[key + ["fiscal_year", "ok"]].rename(columns={"ok": "ok_before"}), on=key + ["fiscal_year"],
                how="outer")
    m["ok_before"] = m["ok_before"].fillna(False).astype(bool)
    m["ok"] = m["ok"].fillna(False).astype(bool)
    m["est"] = m["est"].fillna(False).astype(bool)
    m["gained"], m["lost"] = m["ok"] & ~m["ok_before"], ~m["ok"] & m["ok_before"]
    g = m.groupby(key, sort=True)
    out = g[["ok_before", "ok", "est", "lost"]].sum().astype(int).reset_index()
    out = out.rename(columns={"ok_before": "years_before", "ok": "years_after", "est": "n_estimated", "lost": "n_lost"})
    groups = pd.MultiIndex.from_frame(out[key])
    for flag, col in (("gained", "gained"), ("est", "estimated"), ("lost", "lost")):
        out[col] = _years_where(m, m[flag], key, groups).to_numpy()
    return out[["statement", "item", "years_before", "years_after", "gained", "estimated", "n_estimated", "lost",
                "n_lost"]]


def coverage_change_md(change: pd.DataFrame, label: str) -> str:
    n_before, n_after = int(change["years_before"].sum()), int(change["years_after"].sum())
    n_est = int(change["n_estimated"].sum())
    moved = change[(change["gained"] != "") | (change["estimated"] != "") | (change["lost"] != "")]
    head = (f"Item-years with a reported value: {n_before} before ({label}), {n_after} now "
            f"({n_after - n_before:+d}); {n_est} further item-years are held as flagged FX estimates. "
            f"Items whose coverage changed:\n\n")
    if moved.empty:
        return head + pipe_table(pd.DataFrame({"Note": ["no item changed"]}))
    out = moved.drop(columns=["n_estimated", "n_lost"]).rename(columns={
                                "statement": "Statement", "item": "Item", "years_before": "Years before",
                                "years_after": "Years now", "gained": "Gained (reported)",
                                "estimated": "Estimate only", "lost": "Lost"})
    out = out.replace("", GAP)
    return head + pipe_table(out, "llrrlll")


def blocking_figures(ratios: pd.DataFrame, summary: pd.DataFrame, top: int) -> pd.DataFrame:
    """The missing figures that block the most results: each 'missing <item> FY<year>' named in a ratio's or an
    EVA line's status counts once per result it blocks; per item, its missing years and the results they block,
    the `top` items first."""
    texts = pd.concat([ratios["status"], summary["status"]]).dropna().astype(str)
    found = texts.str.findall(r"missing ([a-z0-9_]+) FY(\d{4})").explode().dropna()
    if found.empty:
        return pd.DataFrame(columns=["item", "years", "results"])
    pairs = pd.DataFrame(found.tolist(), columns=["item", "fiscal_year"])
    g = pairs.groupby("item").agg(years=("fiscal_year", lambda y: year_ranges(map(int, y), "FY")),
                                  results=("fiscal_year", "size")).reset_index()
    return g.sort_values(["results", "item"], ascending=[False, True]).head(top)


def gaps_md(coverage: pd.DataFrame, ratios: pd.DataFrame, summary: pd.DataFrame, top: int,
            vocab: dict[str, str] | None = None) -> tuple[str, str]:
    """The short statement of the gaps (README and paper): counts by statement, and the figures that would unlock
    most of the analysis. The full list is todo.md."""
    c = coverage.assign(gap=coverage["status"] == "gap", est=coverage["status"] == "fx_estimate")
    by = c.groupby("statement").agg(items=("item", "nunique"), item_years=("item", "size"), gaps=("gap", "sum"),
                                    est=("est", "sum")).reset_index()
    t = pd.DataFrame({"Statement": by["statement"].map(label), "Items": by["items"],
                      "Item-years": by["item_years"], "Gaps": by["gaps"].astype(int),
                      "FX estimate only": by["est"].astype(int)})
    b = blocking_figures(ratios, summary, top)
    lines = [f"- {md_text((vocab or {}).get(it, it))} {y}: blocks {n} results"
             for it, y, n in zip(b["item"], b["years"], b["results"])]
    return pipe_table(t, "lrrrr"), (f"The {len(b)} items whose missing figures block the most ratios and EVA lines "
                                    "(a result blocked by two missing figures counts for each):\n\n"
                                    + "\n".join(lines) + "\n")


def market_todo(wacc: pd.DataFrame) -> pd.DataFrame:
    """Cost-of-capital inputs by fiscal year: the fiscal years whose WACC lacks each sourced input."""
    inputs = {"risk-free rate (China 10Y at 31 Dec)": "risk_free", "equity risk premium": "equity_risk_premium",
              "country risk premium": "country_risk_premium", "beta": "beta",
              "pre-tax cost of debt": "cost_of_debt_pretax"}
    rows = [{"Input": label, "Missing for FY": _years(wacc.loc[wacc[col].isna(), "fiscal_year"]) or GAP}
            for label, col in inputs.items()]
    return pd.DataFrame(rows)


def todo_md(gaps: pd.DataFrame, wacc: pd.DataFrame | None = None) -> str:
    """The contributors' to-do list: items without a reported value, by year (also in the README)."""
    t = gaps.rename(columns={"statement": "Statement", "item": "Item", "missing years": "Missing years",
                             "estimate only": "Only an FX estimate"}).replace("", GAP)
    out = ("Items still without a reported value, by year (a to-do list for contributors; also in the README). "
           "Years held only as a flagged FX estimate still need a reported RMB figure:\n\n" + pipe_table(t, "llll"))
    if wacc is not None:
        out += ("\nCost-of-capital inputs without a source, by fiscal year (the FY t equity risk premium is the one "
                "published at the start of t+1; see config `wacc`):\n\n" + pipe_table(market_todo(wacc), "ll"))
    return out


def mva_table(m: pd.DataFrame) -> tuple[str, str]:
    """The MVA and EV table and its note (book-equity definition, source rows of capitalisation and rate)."""
    d = m[m["market_cap_hkd_million"].notna() | m["mva"].notna()]
    if d.empty:
        return pipe_table(pd.DataFrame({"Note": ["no year has a sourced market capitalisation"]})), ""
    est = marks_of(d)
    ev_marks = d["ev_estimate_inputs"].map(tier_marks)
    out = pd.DataFrame({
        "FY": d["fiscal_year"], "Market cap HKD m": [num(v, 0) for v in d["market_cap_hkd_million"]],
        "RMB per HKD": [num(v, 5) for v in d["rate_rmb_per_hkd"]],
        "Market cap RMB m": [mark(num(v, 0), e) for v, e in zip(d["market_cap_rmb_million"], est)],
        "Book equity RMB m": [num(v, 0) for v in d["book_equity"]],
        "MVA RMB m": [mark(num(v, 0), e) for v, e in zip(d["mva"], est)],
        "Market / book": [mark(num(v, 2), e) for v, e in zip(d["market_to_book"], est)],
        "EV RMB m": [mark(num(v, 0), m) for v, m in zip(d["enterprise_value"], ev_marks)],
        "EV / EBITDA": [mark(num(v, 1), m) for v, m in zip(d["ev_to_ebitda"], ev_marks)],
        "EV / revenue": [mark(num(v, 2), m) for v, m in zip(d["ev_to_revenue"], ev_marks)]})
    items = sorted(set(d["book_equity_item"].dropna()))
    srcs = "; ".join(f"FY{int(y)}: capitalisation {a}, rate {b if isinstance(b, str) and b else GAP}"
                     for y, a, b in zip(d["fiscal_year"], d["market_cap_source"].fillna(GAP), d["rate_source"]))
    note = (f"Book equity: {', '.join(items) or GAP}. Source rows: {srcs}. {EST_NOTE}\n")
    return pipe_table(out, "r" * 10), note
