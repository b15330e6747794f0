"""The paper's in-text values (_variables.yml) and the abstract: every number, direction, sign and count the prose
uses, computed from the pipeline's outputs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .markdown import GAP, _fy_years, _years, num, pval


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
    else:
        v["wacc_last_year"], v["wacc_last"], v["wacc_years"] = GAP, GAP, "no year"
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


def robustness_variables(summary: pd.DataFrame, method: str) -> dict:
    """The sentence on the sign of the headline EVA across the robustness grid, generated from the data: robust only
    where every scenario that can move the method keeps the sign; otherwise the choices that flip it."""
    s = summary[(summary["method"] == method) & summary["base"].notna()]
    if s.empty:
        return {"eva_sign_sentence": "has no year with a value, so no statement on its sign can be made"}
    parts = []
    for sign in ("positive", "negative"):
        ys = s.loc[(s["verdict"] == "robust") & (s["sign"] == sign), "fiscal_year"]
        if len(ys):
            parts.append(f"is {sign} under every scenario in {_fy_years(ys)}")
    flips = s[s["verdict"] == "not robust"]
    for r in flips.itertuples(index=False):
        parts.append(f"changes sign in FY{int(r.fiscal_year)} under {r.flips.replace('_', ' ')}")
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
        n_rob = int((rb["verdict"] == "robust").sum())
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
