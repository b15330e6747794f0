"""Tables (pipe Markdown) and in-text variables of the paper, built from the pipeline's outputs.

Nothing here is typed by hand: every number comes from the processed tables. A missing value prints
as an en dash ('–'), never 'nan'; each table says in its caption where it came from.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .coverage import KIND_CODES
from .estimates import tiers_in

GAP = "–"
# one mark per imputation tier (corpfin.derive): every table that can show an imputed value says which tier it rests on
EST = "†"
TIER_MARKS = {"fx_estimate": "†", "derived": "‡", "carried": "§"}
EST_NOTE = ("† rests on a flagged FX estimate (a figure printed only in HKD, converted at the SAFE central parity "
            "or the ECB rate of the year); ‡ rests on a derived value (the one unknown of an accounting identity "
            "whose other terms are reported); § rests on a carried market parameter (the nearest sourced vintage, "
            "named in the WACC table).")


def tier_marks(labels) -> str:
    """The marks of the tiers named in an `estimate_inputs` string or a panel `basis` ('' for reported)."""
    words = tiers_in(labels)
    return "".join(m for t, m in TIER_MARKS.items() if t in words)


def marks_of(frame: pd.DataFrame) -> pd.Series:
    """Tier marks per row: from `basis` (panel rows) or `estimate_inputs` (ratios, WACC, EVA lines)."""
    col = "basis" if "basis" in frame else "estimate_inputs" if "estimate_inputs" in frame else None
    return frame[col].map(tier_marks) if col else pd.Series("", index=frame.index)


def mark(text: str, marks) -> str:
    """Append the tier marks (a string of marks; True stands for the FX mark) to a formatted value."""
    if text == GAP or not marks or (isinstance(marks, float) and pd.isna(marks)):
        return text
    return f"{text}{EST if marks is True else marks}"




def num(v, digits: int = 1, thousands: bool = True) -> str:
    """Round half up on the shortest decimal representation (365906.35 -> '365,906.4', as a printed figure
    would be rounded; binary floats and round-half-even would give .3)."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or pd.isna(v):
        return GAP
    q = Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{q:,.{digits}f}" if thousands else f"{q:.{digits}f}"


def pval(p) -> str:
    if p is None or pd.isna(p):
        return GAP
    return "<0.0001" if p < 1e-4 else f"{p:.4f}"


# Markdown, HTML and shortcode syntax a data value could carry. Every such character is backslash-escaped, so that
# text from a CSV is shown as text by pandoc and Quarto alike: `{{< include ... >}}` never includes, `<img src=..>`
# never becomes HTML or fetches a URL, `![x](url)` never becomes an image, `@key` never a citation.
# (Intraword underscores, as in snake_case, and parentheses outside a link are literal in pandoc Markdown.)
MD_SPECIAL = set("\\`*{}[]<>!#|~^$@&")


def md_text(text) -> str:
    """A data value as literal Markdown text: special characters backslash-escaped, line breaks folded."""
    s = " ".join(str(text).split())
    return "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in s)


def esc(text) -> str:
    return md_text(text) if not pd.isna(text) else GAP


def _widths(df: pd.DataFrame, visible: pd.DataFrame | None) -> list[int]:
    """Dashes per column in proportion to its longest visible text (header or cell, capped): pandoc sets relative
    column widths from them, so a label column is wide and a year column narrow in HTML, DOCX and PDF alike."""
    v = df if visible is None else visible
    out = []
    for c in v.columns:
        texts = [str(c)] + [str(x) for x in v[c]]
        longest = max(len(t) for t in texts)
        # a column is never narrower than its longest unbreakable word (an id, a number)
        word = max(len(w) for t in texts for w in (t.split() or [""]))
        out.append(max(3, min(word, 24), min(longest, 32)))
    return out


def pipe_table(df: pd.DataFrame, align: str | None = None, raw: set[str] | frozenset = frozenset(),
               visible: pd.DataFrame | None = None) -> str:
    """A pipe table; every cell escaped as data except in the `raw` columns, which hold Markdown this module built
    (values wrapped in a provenance span). `visible`, the same frame without the markup, sizes the columns."""
    cols = list(df.columns)
    align = align or ("l" + "r" * (len(cols) - 1))
    sep = [("-" * w + ":") if a == "r" else ":" + "-" * w + (":" if a == "c" else "")
           for a, w in zip(align, _widths(df, visible))]
    lines = ["| " + " | ".join(esc(c) for c in cols) + " |", "| " + " | ".join(sep) + " |"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) if c in raw else esc(v) for c, v in zip(cols, row)) + " |")
    return "\n".join(lines) + "\n"


def attr_text(text: str) -> str:
    """Data text as the value of a quoted Markdown attribute: quotes, backslashes and pipes escaped (pandoc then
    writes it HTML-escaped into title=\"...\"; it never becomes markup)."""
    s = " ".join(str(text).split())
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("|", "\\|")


def with_title(cell: str, title: str | None) -> str:
    """A formatted value with its provenance shown on hover in HTML (a span title; dropped by DOCX and Typst)."""
    if not title or cell == GAP:
        return cell
    return f'[{cell}]{{title="{attr_text(title)}"}}'


def by_year(df: pd.DataFrame, index: str, years: list[int], fmt) -> pd.DataFrame:
    w = df.pivot_table(index=index, columns="fiscal_year", values="value", aggfunc="first")
    w = w.reindex(columns=years)
    out = pd.DataFrame({index: w.index})
    for y in years:
        out[str(y)] = [fmt(v) for v in w[y]]
    return out


RATIO_LABELS = {
    "gross_margin": "Gross margin %", "operating_margin": "Operating margin %", "net_margin": "Net margin %",
    "adjusted_net_margin": "Adjusted net margin %", "roa": "ROA %", "roe": "ROE %", "roic": "ROIC %",
    "current_ratio": "Current ratio", "quick_ratio": "Quick ratio", "cash_ratio": "Cash ratio",
    "debt_to_assets": "Debt to assets %", "debt_to_equity": "Debt to equity", "equity_multiplier": "Equity multiplier",
    "interest_coverage": "Interest coverage", "inventory_turnover": "Inventory turnover",
    "inventory_days": "Inventory days", "receivables_turnover": "Receivables turnover",
    "receivable_days": "Receivable days", "payable_days": "Payable days",
    "cash_conversion_cycle": "Cash conversion cycle (days)", "total_asset_turnover": "Total asset turnover",
    "revenue_growth": "Revenue growth %", "gross_profit_growth": "Gross profit growth %",
    "operating_profit_growth": "Operating profit growth %", "profit_for_year_growth": "Profit for the year growth %",
    "adjusted_net_profit_growth": "Adjusted net profit growth %", "total_assets_growth": "Total assets growth %",
    "total_equity_growth": "Total equity growth %", "cfo_to_net_profit": "Operating cash flow / profit",
    "accruals_ratio": "Accruals / average total assets %", "non_operating_share_of_pbt": "Non-operating share of profit before tax %",
    "fair_value_share_of_pbt": "Fair-value gains share of profit before tax %",
    "adjusted_minus_ifrs_profit": "Adjusted minus IFRS profit (RMB m)",
    "adjusted_gap_to_revenue": "Adjusted-IFRS profit gap / revenue %",
    "cost_of_sales_to_revenue": "Cost of sales / revenue %", "rd_expenses_to_revenue": "R&D expenses / revenue %",
    "selling_marketing_expenses_to_revenue": "Selling and marketing expenses / revenue %",
    "administrative_expenses_to_revenue": "Administrative expenses / revenue %",
    "segment_share_smartphones": "Smartphones share of revenue %", "segment_share_iot_lifestyle": "IoT and lifestyle share of revenue %",
    "segment_share_internet_services": "Internet services share of revenue %", "segment_share_others": "Others share of revenue %",
    "segment_share_smart_ev_new_initiatives": "Smart EV and new initiatives share of revenue %",
    "segment_share_smartphone_x_aiot": "Smartphone x AIoT share of revenue %",
    "segment_gross_margin_smartphones": "Smartphones gross margin %",
    "segment_gross_margin_iot_lifestyle": "IoT and lifestyle gross margin %",
    "segment_gross_margin_internet_services": "Internet services gross margin %",
    "segment_gross_margin_smart_ev_new_initiatives": "Smart EV and new initiatives gross margin %",
    "internet_revenue_per_user": "Internet revenue per MIUI user (RMB)", "rd_intensity": "R&D intensity %",
    "overseas_revenue_share": "Overseas share of revenue %",
    "wacc": "WACC %",
}
# the EVA methods by name, as the paper writes them
METHOD_LABELS = {"residual_income": "Residual income", "simple": "Simple EVA", "sasac": "SASAC EVA",
                 "stern_stewart": "Stern Stewart EVA"}
GROUP_LABELS = {"profitability": "Profitability", "solvency": "Solvency", "operating_capacity": "Operating capacity",
                "growth": "Growth", "profit_quality": "Profit quality", "cost_structure": "Cost structure",
                "profit_model": "Profit model", "cost of capital": "Cost of capital", "eva": "EVA"}


# the paper's tables by file name, in the order the paper shows them (the provenance appendix lists them so)
TABLE_TITLES = {
    "ratios_profitability": "Profitability", "ratios_solvency": "Solvency", "ratios_operating_capacity": "Operating capacity",
    "ratios_growth": "Growth", "ratios_cost_structure": "Cost structure", "ratios_profit_model": "Profit model indicators",
    "wacc": "Cost of capital inputs", "eva_buildup": "EVA build-up", "eva_methods": "EVA by method",
    "eva_robustness": "Robustness of the sign of EVA", "ratios_profit_quality": "Profit quality",
    "mva": "Market value added and enterprise value", "trends": "Trend tests", "claims": "Claims audit",
    "coverage": "Coverage of the cleaned panel", "fx_estimates": "FX estimates", "coverage_change": "Coverage change",
    "conflicts": "Conflicting sources", "identities": "Accounting identities", "eva_gaps": "What each missing EVA needs",
    "eva_sensitivity": "Sensitivity of EVA", "todo": "To-do list", "documents": "Source documents"}

# the lines of the EVA build-up and the sensitivity parameters, as the paper writes them
LINE_LABELS = {"nopat": "NOPAT", "invested_capital": "Invested capital", "cost_of_capital": "Cost of capital %",
               "capital_charge": "Capital charge", "eva": "EVA", "return_on_capital": "Return on capital %",
               "eva_spread": "EVA spread (pp)", "eva_to_revenue": "EVA / revenue %",
               "wacc_shift_pp": "Shift of the rate (pp)", "rd_life_years": "R&D amortisation life (years)",
               "less_default_spread": "less the default spread", "local_no_crp": "local yield, no country premium",
               "start_of_next_year": "start of the next year", "start_of_year": "start of the year",
               "income_statement": "Income statement", "balance_sheet": "Balance sheet", "cash_flow": "Cash flow",
               "operating_metric": "Operating metric", "third_party_definition": "Third-party definition",
               "company_ratio": "Company ratio", "segment": "Segment"}


def label(name: str) -> str:
    """The reader's name of a ratio, method or group (the code name only where no label exists)."""
    return (RATIO_LABELS.get(name) or METHOD_LABELS.get(name) or GROUP_LABELS.get(name) or LINE_LABELS.get(name)
            or name.replace("_", " "))


def vocabulary(catalogue: pd.DataFrame, series: dict | None = None) -> dict[str, str]:
    """Every code name a table, caption or sentence can carry, mapped to the reader's words: the item catalogue's
    labels, the ratios, EVA methods, ratio groups and build-up lines, and the trend series of the config (a series
    takes the label of the item, ratio or line it reads)."""
    v = dict(zip(catalogue["item"], catalogue["label"]))
    v.update(LINE_LABELS)
    v.update(GROUP_LABELS)
    v.update(METHOD_LABELS)
    v.update(RATIO_LABELS)
    for name, spec in (series or {}).items():
        v.setdefault(name, v.get(spec.get("key", ""), name.replace("_", " ")))
    return v


def named(frame: pd.DataFrame, vocab: dict[str, str]) -> pd.DataFrame:
    """Item keys and statements of a table in the reader's words (tables that list line items)."""
    out = frame.copy()
    for col in ("item", "statement"):
        if col in out:
            out[col] = out[col].map(lambda k: vocab.get(k, k))
    return out


SNAKE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-]|\.\w)")
WORD = re.compile(r"(?<![\w/.-])[a-z][a-z0-9_]*(?![\w/-]|\.\w)")
SENTENCE_START = set("|.\n-*:;")


def _reader_case(words: str, text: str, start: int) -> str:
    """A label as it reads at this place: capitalised at the start of a cell or sentence, else with a lower-case
    first letter unless the first word is an acronym (EPS, R&D, IoT, MIUI)."""
    before = text[:start].rstrip(" ")
    first = words.split(" ")[0]
    if not before or before[-1] in SENTENCE_START or not first[1:].islower():
        return words
    return words[0].lower() + words[1:]


def humanize(text: str, vocab: dict[str, str], escape: bool = True, every_word: bool = False) -> str:
    """Replace every code name of `vocab` in Markdown `text` by its label (escaped as data when `escape`).
    By default only snake_case tokens are replaced (so that 'revenue' in a sentence stays a word); `every_word`
    also replaces single words (in a formula, 'cfo' is a code name)."""
    pattern = WORD if every_word else SNAKE

    def sub(m: re.Match) -> str:
        key = m.group(0)
        if key not in vocab:
            return key
        words = _reader_case(vocab[key], m.string, m.start())
        return md_text(words) if escape else words
    return pattern.sub(sub, text)


def formula_text(formula: str, vocab: dict[str, str]) -> str:
    """A formula of line items in the reader's words: 'gross_profit / revenue x 100' -> 'gross profit / revenue
    × 100' (every token a label, lower case, as in a sentence)."""
    def sub(m: re.Match) -> str:
        key = m.group(0)
        if key == "x":
            return "×"
        if key not in vocab:
            return key
        words = vocab[key]
        return words if not words.split(" ")[0][1:].islower() else words[0].lower() + words[1:]
    text = " ".join(str(formula).split()).replace("[t-1]", " of the prior year").replace("NaN", "no value")
    return WORD.sub(sub, text)



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
    for method in ("residual_income", "simple", "sasac", "stern_stewart"):
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


def imputed_points(text) -> str:
    """'2019:fx_estimate 2023:carried+derived' -> '2019†, 2023‡§' (a tier mark per point); '' -> '–'."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
        return GAP
    out = []
    for tok in str(text).split():
        year, _, tiers = tok.partition(":")
        out.append(year + (tier_marks("; ".join(tiers.split("+"))) if tiers else EST))
    return ", ".join(out)


def claims_table(a: pd.DataFrame) -> str:
    out = pd.DataFrame({"ID": a["claim_id"], "Claim (as printed)": a["wording"], "Quantity asserted": a["quantity"],
                        "Our value": a["our_value"].fillna("").replace("", GAP), "Verdict": a["verdict"],
                        "Why": a["reason"]})
    return pipe_table(out, "llllll")


def year_ranges(years, prefix: str = "") -> str:
    """[2015, 2016, 2017, 2020] -> '2015-2017, 2020' (with prefix 'FY': 'FY2015-FY2017, FY2020'); [] -> ''."""
    ys = sorted({int(y) for y in years})
    out, start = [], None
    for k, y in enumerate(ys):
        if start is None:
            start = y
        if k == len(ys) - 1 or ys[k + 1] != y + 1:
            out.append(f"{prefix}{start}" if start == y else f"{prefix}{start}-{prefix}{y}")
            start = None
    return ", ".join(out)


def _years(ys) -> str:
    return ", ".join(str(int(y)) for y in sorted(ys))


def _fy_years(ys) -> str:
    return ", ".join(f"FY{int(y)}" for y in sorted(ys))


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


def variables(panel: pd.DataFrame, ratios: pd.DataFrame, summary: pd.DataFrame, wacc: pd.DataFrame,
              trends: pd.DataFrame, conflicts: pd.DataFrame, coverage: pd.DataFrame, claims: pd.DataFrame,
              evidence_rows: int, company_name: str, method: str, years: list[int]) -> dict:
    """Flat-ish dict for _variables.yml: every number the prose uses, formatted as printed."""
    p = panel[panel["period"] == "FY"].set_index(["fiscal_year", "item"])["value"]
    r = ratios.set_index(["ratio", "fiscal_year"])["value"]
    first, last = years[0], years[-1]
    v: dict = {"company": company_name, "first_year": str(first), "last_year": str(last), "eva_method": method}
    # every headline metric for every year (fy<year>) and as first/last of the window; a gap prints as '–'
    metrics = {"revenue": ("panel", 1), "gross_margin": ("ratio", 1), "net_margin": ("ratio", 1),
               "adjusted_net_margin": ("ratio", 1), "rd_intensity": ("ratio", 1), "roe": ("ratio", 1)}
    for name, (kind, d) in metrics.items():
        for y in years:
            val = p.get((y, name), np.nan) if kind == "panel" else r.get((name, y), np.nan)
            v[f"{name}_fy{y}"] = num(val, d)
        v[f"{name}_first"], v[f"{name}_last"] = v[f"{name}_fy{first}"], v[f"{name}_fy{last}"]
    h = summary[summary["method"] == method].dropna(subset=["eva"])
    if not h.empty:
        lastrow = h.sort_values("fiscal_year").iloc[-1]
        v["eva_last_year"] = str(int(lastrow["fiscal_year"]))
        v["eva_last"] = num(lastrow["eva"], 1)
        v["eva_spread_last"] = num(lastrow["eva_spread"], 2)
        v["eva_years"] = ", ".join(f"FY{int(y)}" for y in h["fiscal_year"])
    else:
        v["eva_last_year"], v["eva_last"], v["eva_spread_last"], v["eva_years"] = GAP, GAP, GAP, "no year"
    wl = wacc.dropna(subset=["wacc"]).sort_values("fiscal_year")
    if not wl.empty:
        v["wacc_last_year"] = str(int(wl.iloc[-1]["fiscal_year"]))
        v["wacc_last"] = num(wl.iloc[-1]["wacc"], 2)
        v["wacc_years"] = ", ".join(f"FY{int(y)}" for y in wl["fiscal_year"])
    v["n_panel_values"] = f"{int((panel['period'] == 'FY').sum()):,}"
    v["n_raw_rows"] = f"{evidence_rows:,}"
    v["n_conflicts"] = str(int((conflicts["period"] == "FY").sum()))
    v["n_gaps"] = str(int((coverage["status"] == "gap").sum()))
    v["n_fx_estimates"] = str(int((coverage["status"] == "fx_estimate").sum()))
    v["n_coverage"] = str(len(coverage))
    v["n_trend_series"] = str(len(trends))
    v["n_trend_increasing"] = str(int((trends["verdict"] == "increasing").sum()))
    v["n_trend_decreasing"] = str(int((trends["verdict"] == "decreasing").sum()))
    v["n_trend_disagree"] = str(int(trends["agreement"].fillna("").str.startswith("disagree").sum()))
    v["n_claims"] = str(len(claims))
    for verdict, key in (("supported", "n_claims_supported"), ("contradicted", "n_claims_contradicted")):
        v[key] = str(int((claims["verdict"] == verdict).sum()))
    v["n_claims_uncheckable"] = str(int(claims["verdict"].str.startswith("not checkable").sum()))
    v["n_claims_methods"] = str(int(claims["verdict"].str.startswith("not a claim").sum()))
    return v


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
    """Per method and year with a base EVA: base, the range over the scenarios and the verdict on the sign."""
    s = summary[summary["base"].notna()]
    if s.empty:
        return pipe_table(pd.DataFrame({"Note": ["no method has an EVA in any year"]})), ""
    desc = scenarios.drop_duplicates("scenario")
    out = pd.DataFrame({"Method": s["method"].map(label), "FY": s["fiscal_year"],
                        "EVA RMB m": [num(v, 0) for v in s["base"]],
                        "Lowest": [num(v, 0) for v in s["min"]], "Highest": [num(v, 0) for v in s["max"]],
                        "Scenarios with a value": [f"{a} of {b}" for a, b in zip(s["n_scenarios"], s["n_total"])],
                        "Sign": s["sign"]})
    notes = "Scenarios: " + "; ".join(esc(d) for d in desc["description"]) + ".\n"
    return pipe_table(out, "lrrrrll"), notes


def robustness_variables(summary: pd.DataFrame, method: str) -> dict:
    """The sentence on the sign of the headline EVA across the robustness scenarios, generated from the data."""
    s = summary[(summary["method"] == method) & summary["base"].notna()]
    if s.empty:
        return {"eva_sign_sentence": "has no year with a value, so no statement on its sign can be made"}
    parts = []
    for verdict, text in (("robust positive", "is positive under every scenario in"),
                          ("robust negative", "is negative under every scenario in"),
                          ("not robust", "changes sign between scenarios in")):
        ys = s.loc[s["sign"] == verdict, "fiscal_year"]
        if len(ys):
            parts.append(f"{text} {_fy_years(ys)}")
    return {"eva_sign_sentence": "; ".join(parts)}


def mva_variables(m: pd.DataFrame) -> dict:
    ok = m.dropna(subset=["mva"]).sort_values("fiscal_year")
    ev = m.loc[m["enterprise_value"].notna(), "fiscal_year"] if "enterprise_value" in m else []
    ev_years = _fy_years(ev) if len(ev) else "no year"
    if ok.empty:
        return {"mva_years": "no year", "mva_last": GAP, "mva_last_year": GAP, "mtb_last": GAP, "ev_years": ev_years}
    last = ok.iloc[-1]
    return {"mva_years": _fy_years(ok["fiscal_year"]), "mva_last": num(last["mva"], 0),
            "mva_last_year": str(int(last["fiscal_year"])), "mtb_last": num(last["market_to_book"], 2),
            "ev_years": ev_years}


def fx_variables(fx: pd.DataFrame, change: pd.DataFrame) -> dict:
    """In-text numbers of the estimates and coverage paragraphs."""
    chk = fx.dropna(subset=["relative_error"])
    used = fx[fx["used"].astype(bool)]
    return {
        "fx_n_used": str(len(used)),
        "fx_used_list": "; ".join(f"{it} {_fy_years(d['fiscal_year'])}"
                                  for it, d in used.groupby("item")) or "none",
        "fx_n_checks": str(len(chk)),
        "fx_check_years": _fy_years(chk["fiscal_year"].unique()) if len(chk) else GAP,
        "fx_max_abs_error_pct": num(chk["relative_error"].abs().max() * 100, 2) if len(chk) else GAP,
        "fx_median_abs_error_pct": num(chk["relative_error"].abs().median() * 100, 2) if len(chk) else GAP,
        "fx_rate_years": _years(fx.dropna(subset=["rate"])["fiscal_year"].unique()) if len(fx) else GAP,
        "cov_reported_before": str(int(change["years_before"].sum())),
        "cov_reported_after": str(int(change["years_after"].sum())),
        "cov_reported_gain": f"{int(change['years_after'].sum() - change['years_before'].sum()):+d}",
        "cov_estimated": str(int(change["n_estimated"].sum())),
        "cov_lost": str(int(change["n_lost"].sum())),
    }


# --- the abstract and the answers to the research questions: every direction, sign and count from the data ----
def _direction(first: float, last: float, rise: str = "rose", fall: str = "fell", flat: str = "was unchanged") -> str:
    return rise if last > first else fall if last < first else flat


def _series(ratios: pd.DataFrame, name: str) -> pd.Series:
    r = ratios[ratios["ratio"] == name].dropna(subset=["value"])
    return r.set_index("fiscal_year")["value"].sort_index()


def _trend_phrase(trends: pd.DataFrame, name: str) -> str:
    t = trends.set_index("series")
    if name not in t.index or t.at[name, "verdict"] == "not tested":
        return "too short a series to test"
    verdict, p = t.at[name, "verdict"], t.at[name, "mk_p_bh"]
    if verdict in ("increasing", "decreasing"):
        article = "an" if verdict[0] in "aeiou" else "a"
        return f"{article} {verdict} trend by the exact Mann-Kendall test (BH-adjusted p = {pval(p)})"
    return f"no trend the exact Mann-Kendall test can separate from noise (BH-adjusted p = {pval(p)})"


def abstract_md(ratios: pd.DataFrame, trends: pd.DataFrame, summary: pd.DataFrame, robust: pd.DataFrame,
                claims: pd.DataFrame, coverage: pd.DataFrame, method: str, n_raw: int, company: str) -> str:
    """Three or four findings with numbers; each direction, sign and count is computed here from the outputs."""
    parts = []
    gm = _series(ratios, "gross_margin")
    if len(gm) >= 2:
        parts.append(f"{company}'s gross margin {_direction(gm.iloc[0], gm.iloc[-1])} from {num(gm.iloc[0], 1)}% in "
                     f"FY{gm.index[0]} to {num(gm.iloc[-1], 1)}% in FY{gm.index[-1]}, "
                     f"{_trend_phrase(trends, 'gross_margin')}.")
    h = summary[(summary["method"] == method) & summary["eva"].notna()].sort_values("fiscal_year")
    if not h.empty:
        pos = h.loc[h["eva"] > 0, "fiscal_year"]
        neg = h.loc[h["eva"] < 0, "fiscal_year"]
        rb = robust[(robust["method"] == method) & robust["base"].notna()]
        n_rob = int(rb["sign"].str.startswith("robust").sum())
        sent = (f"The headline EVA ({method.replace('_', ' ')}) is computable for {len(h)} years "
                f"(FY{int(h['fiscal_year'].min())}-FY{int(h['fiscal_year'].max())}): positive in {len(pos)}")
        sent += f" and negative in {len(neg)} ({_fy_years(neg)})" if len(neg) else ""
        sent += (f"; its sign holds under every alternative method choice in {n_rob} of {len(rb)} years; "
                 f"in FY{int(h['fiscal_year'].iloc[-1])} it was RMB {num(h['eva'].iloc[-1], 0)} million.")
        parts.append(sent)
    claims = claims[~claims["verdict"].str.startswith("not a claim")]
    if len(claims):
        n_sup = int((claims["verdict"] == "supported").sum())
        n_con = int((claims["verdict"] == "contradicted").sum())
        n_unc = int(claims["verdict"].str.startswith("not checkable").sum())
        parts.append(f"Of the {len(claims)} quantitative claims of the three case studies audited, {n_sup} are "
                     f"supported by the sourced data, {n_con} contradicted and {n_unc} not checkable with what the "
                     "sources print.")
    rep = coverage[~coverage["status"].isin(["gap"])]
    parts.append(f"The analysis rests on {n_raw:,} transcribed figures, each with its source and a verbatim quote; "
                 f"{len(rep):,} of {len(coverage):,} item-years have a value, of which "
                 f"{int(coverage['status'].isin(['fx_estimate', 'derived']).sum())} are flagged imputations.")
    return " ".join(parts)
