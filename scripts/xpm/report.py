"""Tables (pipe Markdown) and in-text variables of the paper, built from the pipeline's outputs.

Nothing here is typed by hand: every number comes from the processed tables. A missing value prints
as an en dash ('–'), never 'nan'; each table says in its caption where it came from.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

GAP = "–"


def num(v, digits: int = 1, thousands: bool = True) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or pd.isna(v):
        return GAP
    return f"{v:,.{digits}f}" if thousands else f"{v:.{digits}f}"


def pval(p) -> str:
    if p is None or pd.isna(p):
        return GAP
    return "<0.0001" if p < 1e-4 else f"{p:.4f}"


def esc(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") if not pd.isna(text) else GAP


def pipe_table(df: pd.DataFrame, align: str | None = None) -> str:
    cols = list(df.columns)
    align = align or ("l" + "r" * (len(cols) - 1))
    sep = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(esc(c) for c in cols) + " |", "| " + " | ".join(sep) + " |"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(esc(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


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
}


def ratio_table(ratios: pd.DataFrame, group: str, years: list[int]) -> str:
    r = ratios[ratios["group"] == group].copy()
    digits = {"percent": 1, "times": 2, "days": 1, "RMB_million": 1, "RMB_per_user": 1}
    r["label"] = [RATIO_LABELS.get(n, n.replace("_", " ")) for n in r["ratio"]]
    units = dict(zip(r["label"], r["unit"]))
    out = by_year(r.rename(columns={"label": "Ratio"}), "Ratio", years, lambda v: v)
    order = list(dict.fromkeys(r["label"]))
    out = out.set_index("Ratio").reindex(order).reset_index()
    for y in years:
        out[str(y)] = [num(v, digits.get(units[lab], 2)) for lab, v in zip(out["Ratio"], out[str(y)])]
    formulas = r.drop_duplicates("ratio").set_index("label")["formula"]
    table = pipe_table(out)
    notes = "\n".join(f"- *{lab}*: `{formulas[lab]}`" for lab in order)
    return "Formulas (line items of the cleaned panel; avg = mean of opening and closing balance):\n\n" + notes + \
        "\n\n" + table


def coverage_table(cov: pd.DataFrame, years: list[int]) -> str:
    codes = {"company_document": "C", "filing_summary": "F", "aggregator": "A", "academic": "P", "news": "N"}
    c = cov.assign(code=cov["status"].map(codes).fillna(GAP))
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
    short = {"holds": "✓", "upper bound holds": "≤", "not checkable": GAP, "violated": "✗"}
    t = t.apply(lambda col: col.map(lambda s: short.get(s, s))).reset_index()
    t.columns = ["Identity"] + [str(c) for c in t.columns[1:]]
    return pipe_table(t, "l" + "c" * (len(t.columns) - 1))


def eva_buildup_table(b: pd.DataFrame, method: str, years: list[int]) -> str:
    m = b[b["method"] == method]
    w = m.pivot_table(index=["order", "line"], columns="fiscal_year", values="value", aggfunc="first")
    w = w.reindex(columns=years).reset_index().drop(columns="order")
    w.columns = ["Line"] + [str(y) for y in years]
    for y in years:
        w[str(y)] = [num(v, 2 if "capital" in ln and "cost" in ln or ln in ("return_on_capital", "eva_spread",
                     "eva_to_revenue") else 1) for ln, v in zip(w["Line"], w[str(y)])]
    return pipe_table(w)


def eva_method_table(summary: pd.DataFrame, years: list[int]) -> str:
    rows = []
    for method in ("simple", "sasac", "stern_stewart"):
        s = summary[summary["method"] == method].set_index("fiscal_year")
        for line, label, d in (("eva", "EVA (RMB m)", 1), ("eva_spread", "EVA spread (pp)", 2)):
            rows.append([method, label] + [num(s[line].get(y, np.nan), d) for y in years])
    return pipe_table(pd.DataFrame(rows, columns=["Method", "Measure"] + [str(y) for y in years]), "ll" + "r" * len(years))


def eva_gaps_table(summary: pd.DataFrame) -> str:
    s = summary[summary["eva"].isna()][["method", "fiscal_year", "status"]]
    s = s.assign(status=s["status"].fillna(""))
    return pipe_table(s.rename(columns={"method": "Method", "fiscal_year": "FY", "status": "What is missing"}), "lrl")


def wacc_table(w: pd.DataFrame) -> str:
    out = pd.DataFrame({
        "FY": w["fiscal_year"], "rf %": [num(v, 3) for v in w["risk_free"]], "rf src": w["risk_free_source"].fillna(GAP),
        "ERP %": [num(v, 2) for v in w["equity_risk_premium"]], "ERP src": w["equity_risk_premium_source"].fillna(GAP),
        "CRP %": [num(v, 2) for v in w["country_risk_premium"]], "beta": [num(v, 2) for v in w["beta"]],
        "ke %": [num(v, 2) for v in w["cost_of_equity"]], "kd %": [num(v, 2) for v in w["cost_of_debt_pretax"]],
        "E/(D+E)": [num(v, 3) for v in w["weight_equity"]], "WACC %": [num(v, 2) for v in w["wacc"]]})
    return pipe_table(out, "r" * len(out.columns))


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


def trend_table(t: pd.DataFrame) -> str:
    out = pd.DataFrame({
        "Series": t["series"], "n": t["n"], "Years": [f"{a:.0f}–{b:.0f}" if pd.notna(a) else GAP
                                                    for a, b in zip(t["first_year"], t["last_year"])],
        "MK S": [num(v, 0) for v in t["mk_S"]], "MK p": [pval(p) for p in t["mk_p"]],
        "p (BH)": [pval(p) for p in t["mk_p_bh"]], "p (Holm)": [pval(p) for p in t["mk_p_holm"]],
        "Test": [("exact" if str(m).startswith("exact") else "normal" if str(m).startswith("normal") else GAP)
                 for m in t["mk_method"]],
        "Sen slope /yr": [num(v, 3, False) for v in t["sen_slope"]],
        "Sen 95% CI": [f"[{num(a, 3, False)}, {num(b, 3, False)}]" if pd.notna(a) else GAP
                       for a, b in zip(t["sen_low"], t["sen_high"])],
        "OLS-HAC p": [pval(p) for p in t["ols_p"]], "Verdict": t["verdict"],
        "Agreement": t["agreement"].fillna(GAP), "Note": t["note"].fillna("")})
    return pipe_table(out, "lrlrrrrlrrrlll")


def claims_table(a: pd.DataFrame) -> str:
    out = pd.DataFrame({"ID": a["claim_id"], "Claim (as printed)": a["wording"], "Quantity asserted": a["quantity"],
                        "Our value": a["our_value"].fillna("").replace("", GAP), "Verdict": a["verdict"],
                        "Why": a["reason"]})
    return pipe_table(out, "llllll")


def gap_list(coverage: pd.DataFrame, statements: list[str]) -> pd.DataFrame:
    g = coverage[(coverage["status"] == "gap") & coverage["statement"].isin(statements)]
    return g.groupby(["statement", "item"])["fiscal_year"].apply(
        lambda ys: ", ".join(str(y) for y in sorted(ys))).reset_index().rename(columns={"fiscal_year": "missing years"})


def limitations_md(coverage: pd.DataFrame, summary: pd.DataFrame, wacc: pd.DataFrame, trends: pd.DataFrame,
                   claims: pd.DataFrame, years: list[int]) -> str:
    gaps = gap_list(coverage, ["balance_sheet", "cash_flow", "income_statement", "segment", "operating_metric"])
    n_all = len(coverage)
    n_gap = int((coverage["status"] == "gap").sum())
    full_gap = gaps[gaps["missing years"].str.count(",") + 1 == len(years)]
    lines = [f"- Of {n_all} item-years in the coverage table, {n_gap} are gaps "
             f"({n_gap / n_all:.0%}); {len(full_gap)} items have no source in any year: "
             + ", ".join(f"`{i}`" for i in full_gap["item"]) + "."]
    w_missing = wacc[wacc["wacc"].isna()]
    lines.append(f"- WACC could not be computed for FY{', FY'.join(map(str, w_missing['fiscal_year']))}: "
                 + "; ".join(sorted(set(s.split(';')[0] for s in w_missing['status'].dropna()))) + ".")
    for m in ("simple", "sasac", "stern_stewart"):
        s = summary[summary["method"] == m]
        ok = s.loc[s["eva"].notna(), "fiscal_year"].tolist()
        lines.append(f"- EVA ({m}) is computable for " + (("FY" + ", FY".join(map(str, ok))) if ok else "no year")
                     + "; the build-up table names what is missing in every other year.")
    small = trends[trends["note"].fillna("") != ""]["series"].tolist()
    untested = trends[trends["verdict"] == "not tested"]["series"].tolist()
    if small:
        lines.append("- Too few points for the exact test ever to reach the significance level: " + ", ".join(small) + ".")
    if untested:
        lines.append("- Not tested (fewer points than the configured minimum): " + ", ".join(untested) + ".")
    unc = claims[claims["verdict"].str.startswith("not checkable")]
    lines.append(f"- {len(unc)} of {len(claims)} published claims cannot be checked with the sourced data "
                 f"({', '.join(unc['claim_id'])}).")
    return "\n".join(lines) + "\n\nItems still missing, by year (a to-do list for contributors; also in the README):\n\n" + pipe_table(
        gaps.rename(columns={"statement": "Statement", "item": "Item", "missing years": "Missing years"}), "lll")


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
    v["n_coverage"] = str(len(coverage))
    v["n_trend_series"] = str(len(trends))
    v["n_trend_increasing"] = str(int((trends["verdict"] == "increasing").sum()))
    v["n_trend_decreasing"] = str(int((trends["verdict"] == "decreasing").sum()))
    v["n_trend_disagree"] = str(int(trends["agreement"].fillna("").str.startswith("disagree").sum()))
    v["n_claims"] = str(len(claims))
    for verdict, key in (("supported", "n_claims_supported"), ("contradicted", "n_claims_contradicted")):
        v[key] = str(int((claims["verdict"] == verdict).sum()))
    v["n_claims_uncheckable"] = str(int(claims["verdict"].str.startswith("not checkable").sum()))
    return v
