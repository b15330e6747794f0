"""The paper's in-text values (_variables.yml) and the abstract: every number, direction, sign and count the prose
uses, computed from the pipeline's outputs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .markdown import GAP, _fy_years, _years, num
from .prose import (and_list, count, direction, fy, fy_list, money, number_word, path, pct, possessive, pp,
                    sentence, trend_clause, verdict_counts)
from .series import ratio_values


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
    c = claims[claims["kind"] == "claim"]
    v["n_claims"] = str(len(c))
    v["n_trend_series_tested"] = str(int((trends["verdict"] != "not tested").sum()))
    v["n_trend_series_tested_words"] = count(int((trends["verdict"] != "not tested").sum()), "series", "series")
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
def abstract_md(ratios: pd.DataFrame, trends: pd.DataFrame, summary: pd.DataFrame, robust: pd.DataFrame,
                claims: pd.DataFrame, peers: dict, method: str, currency: str, company: str, key: str) -> str:
    """The findings with numbers, one sentence each: margins, where the gross profit comes from (research question
    2), entity EVA and its robustness, the peers, the audit. Every direction, sign and count is computed here."""
    parts = []
    gm = ratio_values(ratios, "gross_margin")
    if len(gm) >= 2:
        parts.append(sentence(f"{possessive(company)} {path(gm, 'gross margin')}"
                              + trend_clause(trends, "gross_margin", test_in_sentence=True)))
    svc = ratio_values(ratios, "segment_gross_profit_share_internet_services")
    phone = ratio_values(ratios, "segment_gross_margin_smartphones")
    if len(svc) >= 2:
        text = (f"the share of its gross profit earned by internet services {direction(svc.iloc[0], svc.iloc[-1])} "
                f"from {pct(svc.iloc[0])} in {fy(svc.index[0])} to {pct(svc.iloc[-1])} in {fy(svc.index[-1])}")
        if len(phone) >= 2:
            text += (f", while the smartphone gross margin {direction(phone.iloc[0], phone.iloc[-1])} from "
                     f"{pct(phone.iloc[0])} in {fy(phone.index[0])} to {pct(phone.iloc[-1])}")
        parts.append(sentence(text))
    h = summary[(summary["method"] == method) & summary["eva"].notna()].sort_values("fiscal_year")
    if not h.empty:
        pos = h[h["eva"] > 0]
        neg = h[h["eva"] < 0]
        rb = robust[(robust["method"] == method) & robust["base"].notna()]
        rob = rb[rb["verdict"] == "robust"]
        text = (f"entity EVA, on profit cleaned of the revaluation of investments, is positive in "
                f"{count(len(pos), 'year')} of {number_word(len(h))} ({fy_list(h['fiscal_year'])})")
        if len(neg):
            text += f" and negative in {fy_list(neg['fiscal_year'])}"
        others = rb[rb["verdict"] != "robust"]
        text += (f"; its sign survives every choice of the cost of capital and of the accounting in "
                 f"{fy_list(rob['fiscal_year'])}" + (f", while in {fy_list(others['fiscal_year'])} a thin spread "
                                                     "makes it depend on the choice" if len(others) else "")
                 if len(rob) else "; no year keeps its sign under every choice of the robustness grid")
        last = h.iloc[-1]
        text += f"; in {fy(last['fiscal_year'])} it was {money(last['eva'], currency)}"
        parts.append(sentence(text))
    if "apple" in peers and key in peers:
        a = ratio_values(peers["apple"]["ratios"], "services_gross_profit_share")
        if len(a) >= 2 and len(svc) >= 2:
            same = direction(a.iloc[0], a.iloc[-1]) == direction(svc.iloc[0], svc.iloc[-1])
            parts.append(sentence(
                f"{possessive(peers['apple']['name'])} services share of gross profit "
                f"{direction(a.iloc[0], a.iloc[-1])} from {pct(a.iloc[0])} in {fy(a.index[0])} to {pct(a.iloc[-1])} "
                f"in {fy(a.index[-1])}, {'the same way' if same else 'the other way'}"))
    c = claims[claims["kind"] == "claim"]
    if len(c):
        n = {v: int((c["verdict"] == v).sum()) for v in ("supported", "partly supported", "contradicted",
                                                           "not checkable")}
        parts.append(sentence(f"of the {count(len(c), 'claim')} the three case studies make about the company, "
                              + verdict_counts(n, "supported by the sourced figures")))
    return " ".join(parts)


def front_matter(evidence: pd.DataFrame, peers: list[str]) -> dict:
    """The date of the paper: the end of the latest reporting period any source covers (from the data, not the
    clock, so that rebuilds stay byte-identical); and the peers named in the text."""
    ends = pd.to_datetime(evidence["doc_period_end"].dropna().astype(str), errors="coerce").dropna()
    return {"data_date": ends.max().strftime("%-d %B %Y") if len(ends) else "",
            "peer_names": and_list(list(peers))}


def cost_of_capital_choices(wacc: pd.DataFrame, wacc_cfg: dict, nopat_cfg: dict) -> dict:
    """The choices behind the cost of capital that the sources leave open, stated from what the WACC table used: the
    dates of the default spread and the country premium, the beta's dates and the years it is carried to, the cost
    of debt's spread, the weights and the tax rate."""
    w = wacc[wacc["wacc"].notna()]
    parts = []
    ds = sorted({int(v) for v in w["default_spread_vintage"].dropna()})
    crp = sorted({int(v) for v in w["country_risk_premium_vintage"].dropna()})
    if ds or crp:
        parts.append(f"the default spread of {and_list([str(y) for y in ds]) or 'no date'} and the country premium of "
                     f"{and_list([str(y) for y in crp]) or 'no date'} for every year")
    betas = sorted({int(v) for v in w["beta_vintage"].dropna()})
    carried = w.loc[w["beta_tier"] == "carried", "fiscal_year"]
    if betas:
        parts.append(f"the beta of {and_list([str(y) for y in betas])}" +
                     (f", carried to {fy_list(carried)}" if len(carried) else ""))
    spread = float((wacc_cfg.get("cost_of_debt") or {}).get("spread_pp", 0.0))
    parts.append("the benchmark lending rate as the cost of debt, " +
                 ("without a credit spread" if spread == 0 else f"plus {pp(spread)}"))
    parts.append(f"{wacc_cfg['weights']} weights")
    tax = w["tax_rate"].dropna().unique()
    parts.append(f"the {'statutory' if nopat_cfg.get('tax') == 'statutory' else 'effective'} tax rate" +
                 (f" of {num(tax[0], 0)}%" if len(tax) == 1 else ""))
    return {"coc_choices": sentence(f"{number_word(len(parts))} choices are made where the sources leave no other: "
                                    + "; ".join(parts)),
            "interest_bound": f"{num(float(nopat_cfg['max_interest_rate_percent']), 0)}%"}
