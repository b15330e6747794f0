"""The paper's tables (pipe Markdown), built from the pipeline's outputs.

Nothing here is typed by hand: every number comes from the processed tables; each table says in its caption where
it came from.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .coverage import KIND_CODES
from .markdown import (EST, EST_NOTE, GAP, TIER_MARKS, _years, by_year, esc, imputed_points, mark, marks_of,
                       md_text, num, pipe_table, pval, tier_marks, with_title, year_ranges)
from .eva import METHODS
from .vocabulary import LINE_LABELS, METHOD_LABELS, formula_text, label


def ratio_table(ratios: pd.DataFrame, group: str, years: list[int], vocab: dict[str, str] | None = None,
                titles: dict | None = None) -> tuple[str, str]:
    """A ratio group by year: decimals by unit, tier marks, each value's inputs on hover (`titles`), and below the
    table the formulas in the reader's words and what the marks mean."""
    vocab = vocab or {}
    titles = titles or {}
    r = ratios[ratios["group"] == group].copy()
    digits = {"percent": 1, "times": 2, "days": 1, "RMB_million": 1, "RMB_per_user": 1}
    r["label"] = [label(n) for n in r["ratio"]]
    units = dict(zip(r["label"], r["unit"]))
    keys = dict(zip(r["label"], r["ratio"]))
    out = by_year(r.rename(columns={"label": "Ratio"}), "Ratio", years, lambda v: v)
    order = list(dict.fromkeys(r["label"]))
    out = out.set_index("Ratio").reindex(order).reset_index()
    est = r.assign(e=marks_of(r)).pivot_table(index="label", columns="fiscal_year", values="e", aggfunc="first")
    est = est.reindex(index=order, columns=years).fillna("")
    visible = out.copy()
    for y in years:
        visible[str(y)] = [mark(num(v, digits.get(units[lab], 2)), est.at[lab, y])
                           for lab, v in zip(out["Ratio"], out[str(y)])]
        out[str(y)] = [with_title(cell, titles.get((keys[lab], y))) for lab, cell in zip(out["Ratio"], visible[str(y)])]
    formulas = r.drop_duplicates("ratio").set_index("label")["formula"]
    table = pipe_table(out, raw={str(y) for y in years}, visible=visible)
    notes = "\n".join(f"- *{md_text(lab)}* = {md_text(formula_text(formulas[lab], vocab))}" for lab in order)
    flagged = f"\n- {EST_NOTE}" if (est != "").to_numpy().any() else ""
    return table, ("Formulas (line items of the cleaned panel; avg = mean of opening and closing balance; – no "
                   "value):\n\n" + notes + flagged + "\n")


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


def identity_table(checks: pd.DataFrame) -> str:
    t = checks.pivot_table(index="identity", columns="fiscal_year", values="status", aggfunc="first")
    short = {"holds": "✓", "upper bound holds": "≤", "not checkable": GAP, "violated": "✗",
             "holds (estimate)": "✓" + EST, "upper bound holds (estimate)": "≤" + EST, "not met (estimate)": "✗" + EST,
             "derived (not a check)": "‡"}
    t = t.apply(lambda col: col.map(lambda s: short.get(s, s))).reset_index()
    t.columns = ["Identity"] + [str(c) for c in t.columns[1:]]
    return pipe_table(t, "l" + "c" * (len(t.columns) - 1))


def eva_buildup_table(b: pd.DataFrame, method: str, years: list[int]) -> str:
    m = b[b["method"] == method]
    w = m.pivot_table(index=["order", "line"], columns="fiscal_year", values="value", aggfunc="first")
    w = w.reindex(columns=years).reset_index().drop(columns="order")
    e = m.assign(e=marks_of(m)).pivot_table(index="line", columns="fiscal_year", values="e", aggfunc="first")
    e = e.reindex(index=w["line"], columns=years).fillna("")
    w.columns = ["Line"] + [str(y) for y in years]
    for y in years:
        w[str(y)] = [mark(num(v, 2 if "capital" in ln and "cost" in ln or ln in ("return_on_capital", "eva_spread",
                     "eva_to_revenue") else 1), e.at[ln, y]) for ln, v in zip(w["Line"], w[str(y)])]
    w["Line"] = [label(ln) if ln in LINE_LABELS else ln[:1].upper() + ln[1:] for ln in w["Line"]]
    return pipe_table(w)


def eva_method_table(summary: pd.DataFrame, years: list[int], titles: dict | None = None) -> str:
    """EVA and spread by method and year; a value shows on hover the panel figures it rests on (`titles`:
    (method, year) -> text)."""
    titles = titles or {}
    rows, vis = [], []
    for method in METHODS:
        s = summary[summary["method"] == method].set_index("fiscal_year")
        est = marks_of(s)
        for line, head, d in (("eva", "EVA (RMB m)", 1), ("eva_spread", "EVA spread (pp)", 2)):
            cells = [mark(num(s[line].get(y, np.nan), d), est.get(y, "")) for y in years]
            vis.append([METHOD_LABELS[method], head] + cells)
            rows.append([METHOD_LABELS[method], head] + [with_title(c, titles.get((method, y)))
                                                         for c, y in zip(cells, years)])
    columns = ["Method", "Measure"] + [str(y) for y in years]
    return pipe_table(pd.DataFrame(rows, columns=columns), "ll" + "r" * len(years), raw={str(y) for y in years},
                      visible=pd.DataFrame(vis, columns=columns))


def eva_gaps_table(summary: pd.DataFrame) -> str:
    s = summary[summary["eva"].isna()][["method", "fiscal_year", "status"]]
    s = s.assign(status=s["status"].fillna(""))
    return pipe_table(s.rename(columns={"method": "Method", "fiscal_year": "FY", "status": "What is missing"}), "lrl")


def capm_cell(value, digits: int, tier, vintage, fiscal_year) -> str:
    """A CAPM input with its tier mark, and its vintage where it is not the fiscal year's own."""
    text = mark(num(value, digits), TIER_MARKS.get(str(tier), ""))
    if text != GAP and pd.notna(vintage) and int(vintage) != int(fiscal_year):
        text += f" ({int(vintage)})"
    return text


def wacc_table(w: pd.DataFrame, sources: dict[str, str] | None = None) -> str:
    """Each CAPM input with its tier mark and vintage (year in brackets where it is not the fiscal year); in the
    HTML each input shows its source row, URL and quote on hover (`sources`: market source id -> text)."""
    sources = sources or {}
    cols, vis = {"FY": w["fiscal_year"]}, {"FY": w["fiscal_year"]}
    inputs = (("risk_free", "rf %", 3), ("default_spread", "DS %", 2), ("equity_risk_premium", "ERP %", 2),
              ("country_risk_premium", "CRP %", 2), ("beta", "beta", 2), ("cost_of_debt", "kd %", 2))
    for key, head, d in inputs:
        vis[head] = [capm_cell(v, d, t, vin, y) for v, t, vin, y in
                     zip(w[key], w[f"{key}_tier"], w[f"{key}_vintage"], w["fiscal_year"])]
        cols[head] = [with_title(cell, sources.get(str(src))) for cell, src in zip(vis[head], w[f"{key}_source"])]
    rest = {"ke %": [num(v, 2) for v in w["cost_of_equity"]], "E/(D+E)": [num(v, 3) for v in w["weight_equity"]],
            "WACC %": [mark(num(v, 2), m) for v, m in zip(w["wacc"], marks_of(w))]}
    out, visible = pd.DataFrame({**cols, **rest}), pd.DataFrame({**vis, **rest})
    return pipe_table(out, "r" * len(out.columns), raw={h for _, h, _ in inputs}, visible=visible)


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


def trend_table(t: pd.DataFrame, vocab: dict[str, str] | None = None) -> str:
    """The main-text trend table: the exact Mann-Kendall p (raw and BH-adjusted), Sen's slope with its interval, the
    OLS-HAC p and the verdict; Holm p, the agreement of the tests and the imputed points are in the note below."""
    out = pd.DataFrame({
        "Series": [(vocab or {}).get(n, n) for n in t["series"]], "n": t["n"],
        "Years": [f"{a:.0f}–{b:.0f}" if pd.notna(a) else GAP for a, b in zip(t["first_year"], t["last_year"])],
        "MK S": [num(v, 0) for v in t["mk_S"]], "MK p": [pval(p) for p in t["mk_p"]],
        "p (BH)": [pval(p) for p in t["mk_p_bh"]],
        "Sen slope per year": [num(v, 3, False) for v in t["sen_slope"]],
        "Sen 95% CI": [f"[{num(a, 3, False)}, {num(b, 3, False)}]" if pd.notna(a) else GAP
                       for a, b in zip(t["sen_low"], t["sen_high"])],
        "OLS-HAC p": [pval(p) for p in t["ols_p"]], "Verdict": t["verdict"]})
    return pipe_table(out, "lrlrrrrrrl")


def trend_notes(t: pd.DataFrame, vocab: dict[str, str] | None = None) -> str:
    """Below the trend table: per series, Holm p, whether the three tests agree, imputed points and notes."""
    lines = []
    for r in t.itertuples(index=False):
        extra = [f"Holm p {pval(r.mk_p_holm)}"]
        if isinstance(r.agreement, str) and r.agreement:
            extra.append(r.agreement)
        pts = imputed_points(r.estimate_years)
        if pts != GAP:
            extra.append(f"imputed points {pts}")
        if isinstance(r.note, str) and r.note:
            extra.append(r.note)
        lines.append(f"- *{esc((vocab or {}).get(r.series, r.series))}*: " + "; ".join(esc(x) for x in extra) + ".")
    return ("Per series: the Holm-adjusted p, the agreement of the three tests, the points resting on an imputed "
            "input and notes.\n\n" + "\n".join(lines) + "\n")


def claims_table(a: pd.DataFrame) -> str:
    out = pd.DataFrame({"ID": a["claim_id"], "Claim (as printed)": a["wording"], "Quantity asserted": a["quantity"],
                        "Our value": a["our_value"].fillna("").replace("", GAP), "Verdict": a["verdict"],
                        "Why": a["reason"]})
    return pipe_table(out, "llllll")


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


def robustness_table(summary: pd.DataFrame, scenarios: pd.DataFrame) -> tuple[str, str]:
    """Per method and year with a base EVA: the base and its spread (the margin of safety, pp), the range of the cost
    of capital and of EVA over the scenarios that can move the method, how many keep the sign, the verdict."""
    s = summary[summary["base"].notna()]
    if s.empty:
        return pipe_table(pd.DataFrame({"Note": ["no method has an EVA in any year"]})), ""
    desc = scenarios.drop_duplicates("scenario")
    out = pd.DataFrame({"Method": s["method"].map(label), "FY": s["fiscal_year"],
                        "EVA RMB m": [num(v, 0) for v in s["base"]],
                        "Spread pp": [num(v, 2) for v in s["spread_pp"]],
                        "Rate % (range)": [f"{num(r, 2)} ({num(a, 2)}–{num(b, 2)})" for r, a, b in
                                           zip(s["rate"], s["rate_min"], s["rate_max"])],
                        "Lowest": [num(v, 0) for v in s["min"]], "Highest": [num(v, 0) for v in s["max"]],
                        "Sign kept": [f"{a} of {b}" for a, b in zip(s["n_keep"], s["n_scenarios"])],
                        "Verdict": s["verdict"]})
    notes = "Scenarios: " + "; ".join(esc(d) for d in desc["description"] if d != "as configured") + ".\n"
    return pipe_table(out, "lrrrrrrll"), notes
