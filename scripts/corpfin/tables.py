"""The paper's tables (pipe Markdown), built from the pipeline's outputs.

Nothing here is typed by hand: every number comes from the processed tables; each table says in its caption where
it came from.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .markdown import (EST_NOTE, GAP, TIER_MARKS, by_year, esc, imputed_points, mark, marks_of,
                       md_text, num, pipe_table, pval, with_title)
from .eva import METHODS
from .series import ratio_values
from .vocabulary import LINE_LABELS, METHOD_LABELS, formula_text, label


def sentence_case(words: str) -> str:
    """'NOPAT from operating profit' stays, 'market weights' -> 'Market weights' (str.capitalize would lower the rest)."""
    return words[:1].upper() + words[1:]


def in_sentence(words: str) -> str:
    """A label inside a sentence: lower-case first letter unless its first word is an acronym (ROE, R&D, IoT)."""
    return words if not words.split(" ")[0][1:].islower() else words[0].lower() + words[1:]


def reads_foreign(ratio: str, formula: dict[str, str], foreign: frozenset[str]) -> bool:
    """Whether a ratio's formula reads a line item of another company's statements, directly or through a ratio
    it is computed from (Apple's products share of gross profit reads the products segment's gross profit)."""
    seen, todo = set(), [ratio]
    while todo:
        name = todo.pop()
        seen.add(name)
        words = set(re.findall(r"[a-z][a-z0-9_]*", formula.get(name, "")))
        if foreign & words:
            return True
        todo += [w for w in words if w in formula and w not in seen]
    return False


def ratio_table(ratios: pd.DataFrame, group: str, years: list[int], vocab: dict[str, str] | None = None,
                titles: dict | None = None, foreign: frozenset[str] = frozenset()) -> tuple[str, str]:
    """A ratio group by year: decimals by unit, tier marks, each value's inputs on hover (`titles`), and below the
    table the formulas in the reader's words and what the marks mean. A ratio without a value in any year is left
    out of the table and named below it, unless its formula reads a line item of another company's statements
    (`foreign`: Apple's products segment in Xiaomi's paper), which is left out without a word."""
    vocab = vocab or {}
    titles = titles or {}
    r = ratios[ratios["group"] == group].copy()
    in_window = r[r["fiscal_year"].isin(years)]
    empty = sorted(set(r["ratio"]) - set(in_window.loc[in_window["value"].notna(), "ratio"]), key=label)
    r = r[~r["ratio"].isin(empty)]
    formula = dict(zip(ratios["ratio"], ratios["formula"].fillna("")))
    empty = [n for n in empty if not reads_foreign(n, formula, foreign)]
    digits = {"percent": 1, "times": 2, "days": 1, "RMB_million": 1, "RMB_per_user": 1, "money": 1}
    r["label"] = [label(n) for n in r["ratio"]]
    units = dict(zip(r["label"], r["unit"]))
    keys = dict(zip(r["label"], r["ratio"]))
    out = by_year(r.rename(columns={"label": "Ratio"}), "Ratio", years, lambda v: v)
    # amounts before shares, each set in the reader's alphabetical order
    order = sorted(dict.fromkeys(r["label"]), key=lambda lab: (units[lab] != "money", lab))
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
    missing = (f"\n\nNot computable in any year, for want of a sourced input: "
               f"{md_text(', '.join(in_sentence(label(n)) for n in empty))}."
               if empty else "")
    return table, ("Formulas (line items of the cleaned panel; avg = mean of opening and closing balance; – no "
                   "value):\n\n" + notes + flagged + missing + "\n")


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
    w["Line"] = [label(ln) if ln in LINE_LABELS else (ln[:1].upper() + ln[1:]).replace(" x ", " × ").replace(
        " - ", " − ") for ln in w["Line"]]
    return pipe_table(w)


def eva_method_table(summary: pd.DataFrame, years: list[int], titles: dict | None = None) -> str:
    """EVA and spread by method and year; a value shows on hover the panel figures it rests on (`titles`:
    (method, year) -> text)."""
    titles = titles or {}
    rows, vis = [], []
    for method in METHODS:
        s = summary[summary["method"] == method].set_index("fiscal_year")
        if s["eva"].reindex(years).isna().all():
            continue
        est = marks_of(s)
        for line, head, d in (("eva", "Value (RMB m)", 1), ("eva_spread", "Spread (pp)", 2)):
            cells = [mark(num(s[line].get(y, np.nan), d), est.get(y, "")) for y in years]
            vis.append([METHOD_LABELS[method], head] + cells)
            rows.append([METHOD_LABELS[method], head] + [with_title(c, titles.get((method, y)))
                                                         for c, y in zip(cells, years)])
    columns = ["Method", "Measure"] + [str(y) for y in years]
    return pipe_table(pd.DataFrame(rows, columns=columns), "ll" + "r" * len(years), raw={str(y) for y in years},
                      visible=pd.DataFrame(vis, columns=columns))


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


def sig2(v) -> str:
    """Two significant digits, never in scientific notation: 1234.5 -> '1,200', 0.01234 -> '0.012', -3.4 -> '−3.4'."""
    if v is None or pd.isna(v):
        return GAP
    if v == 0:
        return "0"
    digits = max(0, 1 - int(np.floor(np.log10(abs(v)))))
    text = num(round(float(v), digits), digits)
    return "\u2212" + text[1:] if text.startswith("-") else text


def trend_table(t: pd.DataFrame, vocab: dict[str, str], units: dict[str, str]) -> str:
    """The tested family: n and years, Mann-Kendall S and its exact p raw, Holm- and BH-adjusted, Sen's slope per year
    (two significant digits, in the series' unit) with its 95% interval, the OLS-HAC p and the verdict."""
    tt = t[t["verdict"] != "not tested"]
    out = pd.DataFrame({
        "Series": [vocab.get(n, n) for n in tt["series"]], "n": tt["n"].astype(int),
        "Years": [f"{a:.0f}–{b:.0f}" for a, b in zip(tt["first_year"], tt["last_year"])],
        "S": [num(v, 0) for v in tt["mk_S"]], "p": [pval(p) for p in tt["mk_p"]],
        "p Holm": [pval(p) for p in tt["mk_p_holm"]], "p BH": [pval(p) for p in tt["mk_p_bh"]],
        "Sen slope a year": [f"{sig2(v)} {units.get(n, '')}".strip() for v, n in zip(tt["sen_slope"], tt["series"])],
        "95% CI": [f"{sig2(a)} to {sig2(b)}" for a, b in zip(tt["sen_low"], tt["sen_high"])],
        "OLS-HAC p": [pval(p) for p in tt["ols_p"]], "Verdict": tt["verdict"]})
    return pipe_table(out, "lrlrrrrrrrl")


def trend_notes(t: pd.DataFrame, vocab: dict[str, str]) -> str:
    """Below the trend table: the series whose points rest on an imputed input, each point with its tier mark
    (none: a sentence saying so)."""
    tt = t[(t["verdict"] != "not tested") & t["estimate_years"].fillna("").astype(str).str.strip().ne("")]
    if tt.empty:
        return "No tested point rests on an imputed input.\n"
    parts = [f"{md_text(vocab.get(r.series, r.series))} {imputed_points(r.estimate_years)}" for r in tt.itertuples()]
    return "Points resting on an imputed input (marks as in the ratio tables): " + "; ".join(parts) + ".\n"


def chow_table(t: pd.DataFrame, vocab: dict[str, str], break_years: list[int]) -> str:
    """Chow tests at the named break years: F with its degrees of freedom and p, for every tested series with at
    least three points on each side."""
    rows = []
    for r in t[t["verdict"] != "not tested"].itertuples(index=False):
        cells = []
        for by in break_years:
            f = getattr(r, f"chow_{by}_f", np.nan)
            if pd.isna(f):
                cells.append("too few points")
            else:
                cells.append(f"F({int(getattr(r, f'chow_{by}_df1'))}, {int(getattr(r, f'chow_{by}_df2'))}) = "
                             f"{num(f, 2)}, p = {pval(getattr(r, f'chow_{by}_p'))}")
        rows.append([vocab.get(r.series, r.series)] + cells)
    return pipe_table(pd.DataFrame(rows, columns=["Series"] + [f"Break at FY{y}" for y in break_years]),
                      "l" + "l" * len(break_years))


def claims_tables(audit: pd.DataFrame) -> tuple[str, str, str]:
    """(the claims about the company: ID, the claim's operative clause in English, our value, verdict, why, each
    printed wording as a footnote; the footnotes; what each study analysed and what this rebuild computed)."""
    c = audit[audit["kind"] == "claim"]
    notes = []
    claim_cells = []
    for k, r in enumerate(c.itertuples(index=False), start=1):
        notes.append(f"[^claim{k}]: {r.claim_id}, as printed: “{md_text(r.wording)}”")
        claim_cells.append(f"{md_text(r.claim_en)}[^claim{k}]")
    why = [md_text(w) + (f"; decided by {md_text(d)}" if isinstance(d, str) and d else "")
           for w, d in zip(c["reason"].fillna(""), c["decides"].fillna(""))]
    table = pd.DataFrame({"ID": c["claim_id"], "Claim": claim_cells, "Our value": [
        md_text(v) if isinstance(v, str) and v else GAP for v in c["our_value"]],
                          "Verdict": [md_text(v) for v in c["verdict"]], "Why": why})
    d = audit[audit["kind"] == "description"]
    studies = pd.DataFrame({"ID": d["claim_id"], "The study analysed": d["claim_en"],
                            "This rebuild": [v if isinstance(v, str) and v else r
                                             for v, r in zip(d["our_value"].fillna(""), d["reason"].fillna(""))]})
    visible = table.assign(Claim=c["claim_en"].to_numpy())
    return (pipe_table(table, "lllll", raw={"Claim", "Our value", "Verdict", "Why"}, visible=visible),
            "\n".join(notes) + "\n", pipe_table(studies, "lll"))


def eva_change_table(change: pd.DataFrame, method: str) -> str:
    """The change of EVA from year to year split into spread and capital (money in millions)."""
    c = change[change["method"] == method]
    if c.empty:
        return pipe_table(pd.DataFrame({"Note": ["no two consecutive years of EVA"]}))
    out = pd.DataFrame({"FY": c["fiscal_year"].astype(int), "Change of EVA": [num(v, 0) for v in c["eva_change"]],
                        "From the spread": [num(v, 0) for v in c["from_spread"]],
                        "From capital": [num(v, 0) for v in c["from_capital"]]})
    return pipe_table(out, "rrrr")


def debt_check_table(checks: pd.DataFrame, vocab: dict[str, str]) -> str:
    """Each derivation of debt against the printed figure of the same definition, and whether it is used."""
    if checks.empty:
        return pipe_table(pd.DataFrame({"Note": ["no derivation of debt is configured"]}))
    c = checks.dropna(subset=["fiscal_year"])

    def name(d: str) -> str:
        ratio, _, base = d.partition(" x ")
        return f"{vocab.get(ratio, ratio)} × {vocab.get(base.split(' / ')[0], base)}".replace("_", " ")
    out = pd.DataFrame({"Derivation": [name(d) for d in c["derivation"]], "FY": c["fiscal_year"].astype(int),
                        "Printed": [num(v, 0) for v in c["printed"]], "Derived": [num(v, 0) for v in c["derived"]],
                        "Error %": [num(v * 100, 2) for v in c["relative_error"]],
                        "Allowed": [num(v, 0) for v in c["allowance"]],
                        "Agrees": ["yes" if a else "no" for a in c["agrees"]],
                        "Used": ["yes" if u else "no" for u in c["used"]]})
    return pipe_table(out, "lrrrrrll")


PEER_METRICS = [("gross_margin", "Gross margin %", 1), ("operating_margin", "Operating margin %", 1),
                ("net_margin", "Net margin %", 1), ("rd_intensity", "R&D intensity %", 1),
                ("revenue_growth", "Revenue growth %", 1), ("roe", "ROE %", 1),
                ("services_revenue_share", "Services share of revenue %", 1),
                ("services_gross_profit_share", "Services share of gross profit %", 1)]


def peer_table(peers: dict[str, dict], year: int) -> str:
    """Each company (a column) in its own fiscal year `year` (the year its fiscal year ends in; its latest earlier
    year where that one is not sourced, named in brackets): margins, R&D intensity, growth, ROE, the services shares,
    the entity EVA spread. Ratios only: no currency is mixed."""
    columns: dict[str, list[str]] = {"": ["Fiscal year ends"] + [h for _, h, _ in PEER_METRICS]
                                     + ["Entity EVA spread (pp)"]}
    for c, p in peers.items():
        r = p["ratios"].dropna(subset=["value"])
        cells = [md_text(p["fiscal_year_end"])]
        for name, _, d in PEER_METRICS:
            s = ratio_values(r, name)
            s = s[s.index <= year]
            cells.append(GAP if s.empty else num(s.iloc[-1], d) + ("" if s.index[-1] == year
                                                                   else f" ({int(s.index[-1])})"))
        e = p["eva"]
        e = e[(e["method"] == "simple") & e["eva_spread"].notna() & (e["fiscal_year"] <= year)].sort_values(
            "fiscal_year")
        cells.append(GAP if e.empty else num(e["eva_spread"].iloc[-1], 1) + (
            "" if int(e["fiscal_year"].iloc[-1]) == year else f" ({int(e['fiscal_year'].iloc[-1])})"))
        columns[p["name"]] = cells
    out = pd.DataFrame(columns)
    return pipe_table(out, "l" + "r" * (len(out.columns) - 1), raw=set(out.columns[1:]))


def scenario_effect_table(effects: pd.DataFrame, words: dict[str, str]) -> str:
    """What each alternative of the robustness grid does to entity EVA (`effects`: corpfin.narrative.scenario_effects;
    `words`: the reader's name of each scenario): the largest move and its year, the years whose sign it flips."""
    if effects.empty:
        return pipe_table(pd.DataFrame({"Note": ["no scenario of the robustness grid applies"]}))
    out = pd.DataFrame({
        "Alternative": [sentence_case(words.get(n, n.replace("_", " "))) for n in effects["scenario"]],
        "Largest move": [num(v, 0) for v in effects["largest_move"]],
        "In FY": effects["year"].astype(int),
        "Flips the sign in": [", ".join(f"FY{y}" for y in f) if f else "no year" for f in effects["flips"]],
        "Years it moves": effects["years"].astype(int)})
    return pipe_table(out, "lrrlr")
