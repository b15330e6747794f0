"""The paper's argument in sentences generated from the data: the sourcing mix, 'the study says / we find' after
each result, the discussion, the threats to validity and the conclusion.

Every direction, sign, rank, count and verdict below is computed from the pipeline's outputs; a missing figure
turns its sentence into a statement of what is not sourced, never into a guess. Text from data (claims' wording)
goes through `md_text`, so it is shown, never interpreted.
"""
from __future__ import annotations

import pandas as pd

from .errors import ConfigError
from .markdown import GAP, _fy_years, md_text, num, pval
from .variables import _direction, _series
from .vocabulary import label

KIND_WORDS = {"company_document": "company documents (annual reports, results announcements, the prospectus)",
              "filing_summary": "filing summaries", "aggregator": "financial-data aggregators",
              "academic": "academic papers", "news": "news reports"}


def _panel(panel: pd.DataFrame) -> pd.DataFrame:
    return panel[panel["period"] == "FY"].pivot_table(index="fiscal_year", columns="item", values="value")


def _get(w: pd.DataFrame, item: str, year: int) -> float:
    return w.at[year, item] if item in w and year in w.index and pd.notna(w.at[year, item]) else float("nan")


def sourcing_mix(panel: pd.DataFrame) -> dict[str, str]:
    """How many chosen values come from each kind of source, and how many rest on a stated rule."""
    p = panel[panel["period"] == "FY"]
    rep = p[p["basis"] == "reported"]
    counts = rep["kind"].value_counts()
    parts = [f"{int(counts[k]):,} from {w}" for k, w in KIND_WORDS.items() if counts.get(k, 0)]
    n_rule = int((p["basis"] != "reported").sum())
    company = int(counts.get("company_document", 0))
    return {"mix_sentence": "; ".join(parts), "mix_n_values": f"{len(p):,}", "mix_n_rule": str(n_rule),
            "mix_company_share": num(100 * company / len(p), 0) if len(p) else GAP,
            "mix_n_documents": f"{rep['document'].nunique():,}"}


def check_findings(findings: dict[str, list[str]], claims: pd.DataFrame) -> None:
    """Every claim id the config places in a results section must be an audited claim."""
    unknown = sorted(set(sum(findings.values(), [])) - set(claims["claim_id"]))
    if unknown:
        raise ConfigError(f"workflow/config.yaml, paper.findings: claim ids {unknown} are not in "
                          f"data/raw/claims/claims.csv (expected one of {sorted(claims['claim_id'])})")


def study_findings(claims: pd.DataFrame, ids: list[str]) -> str:
    """'The study says … / We find …' for the audited claims of a section (the claims' own words, as data)."""
    c = claims.set_index("claim_id")
    lines = []
    for cid in ids:
        if cid not in c.index:
            continue
        r = c.loc[cid]
        ours = r["our_value"] if isinstance(r["our_value"], str) and r["our_value"] else "no sourced value"
        lines.append(f"- **The study says** ({cid}): “{md_text(r['wording'])}” ({md_text(r['quantity'])}). "
                     f"**We find**: {md_text(ours)}; *{md_text(r['verdict'])}*: {md_text(r['reason'])}.")
    return "\n".join(lines) if lines else "- No audited claim of the studies concerns this section."


def _pct_path(s: pd.Series, what: str) -> str:
    """'{what} went from a% (FYx) to b% (FYy), with its peak of c% in FYz' (or: is not sourced)."""
    s = s.dropna()
    if len(s) < 2:
        return f"{what} has fewer than two sourced years, so no path can be read"
    peak_year = int(s.idxmax())
    text = (f"{what} {_direction(s.iloc[0], s.iloc[-1])} from {num(s.iloc[0], 1)}% in FY{int(s.index[0])} to "
            f"{num(s.iloc[-1], 1)}% in FY{int(s.index[-1])}")
    if peak_year != int(s.index[-1]):
        text += f", below its peak of {num(s.max(), 1)}% in FY{peak_year}"
    else:
        text += ", its highest sourced value"
    return text


def discussion_md(panel: pd.DataFrame, ratios: pd.DataFrame, summary: pd.DataFrame, method: str,
                  years: list[int]) -> str:
    """What the numbers mean economically: the preferred-share years, the listing year, the trough, the sign of
    EVA, internet revenue per user and the IoT margin path. Each paragraph is conditional on what is sourced."""
    w = _panel(panel)
    paras = []
    # 1. the preferred-share years: negative book equity, and the fair-value swing in the listing year
    neg = [y for y in years if _get(w, "equity_attributable_owners", y) < 0]
    if neg:
        fv = _get(w, "fv_changes_preferred_shares", 2018)
        text = (f"**Pre-listing capital.** Book equity attributable to owners was negative in {_fy_years(neg)} "
                f"(RMB {num(_get(w, 'equity_attributable_owners', neg[-1]), 0)} million at the end of FY{neg[-1]}), "
                "because the convertible redeemable preferred shares were carried as liabilities at fair value. "
                "Returns on equity and an equity-based EVA are therefore not meaningful before the listing, and the "
                "IFRS profit of those years includes the revaluation of the preferred shares")
        ifrs, adj = _series(ratios, "net_margin"), _series(ratios, "adjusted_net_margin")
        if neg[-1] in ifrs.index and neg[-1] in adj.index:
            text += (f": in FY{neg[-1]} the IFRS net margin was {num(ifrs[neg[-1]], 1)}% against an adjusted "
                     f"margin of {num(adj[neg[-1]], 1)}%")
        if pd.notna(fv):
            text += (f". In FY2018, the listing year, the fair-value change on the preferred shares was RMB "
                     f"{num(fv, 0)} million before they converted into ordinary shares")
        paras.append(text + ".")
    # 2. share-based awards around the listing
    sbc = _get(w, "share_based_compensation", 2018)
    if pd.notna(sbc):
        rev = _get(w, "revenue", 2018)
        paras.append(f"**Listing-year share awards.** Share-based compensation was RMB {num(sbc, 0)} million in FY2018 "
                     f"({num(100 * sbc / rev, 1)}% of revenue), the main gap between IFRS and adjusted profit that year.")
    else:
        paras.append("**Listing-year share awards.** The share awards granted at the 2018 listing are one of the "
                     "items between IFRS and adjusted profit in FY2018, but no source in the ledger prints their "
                     "amount, so their weight in that year's margins is not measured here; the gap between the two "
                     "profit measures is in the profit-quality table.")
    # 3. the trough: the year after the listing with the lowest adjusted margin
    adj = _series(ratios, "adjusted_net_margin")
    after = adj[adj.index > 2018]
    if len(after) >= 2:
        ty = int(after.idxmin())
        growth = _series(ratios, "revenue_growth")
        g = growth.get(ty, float("nan"))
        text = (f"**The FY{ty} trough.** After the listing, the adjusted net margin was lowest in FY{ty} "
                f"({num(after.min(), 1)}%, against {num(after.drop(ty).median(), 1)}% in the median other year)")
        if pd.notna(g):
            text += f", a year in which revenue {'fell' if g < 0 else 'grew'} by {num(abs(g), 1)}%"
        h = summary[(summary["method"] == method)].set_index("fiscal_year")["eva"]
        if ty in h.index and pd.notna(h[ty]):
            text += (f"; the headline EVA was {'negative' if h[ty] < 0 else 'positive'} that year "
                     f"(RMB {num(h[ty], 0)} million)")
        paras.append(text + ".")
    # 4. the sign of EVA over time
    h = summary[(summary["method"] == method) & summary["eva"].notna()].sort_values("fiscal_year")
    if len(h):
        signs = (h["eva"] > 0).astype(int).to_numpy()
        changes = [int(h["fiscal_year"].iloc[i]) for i in range(1, len(h)) if signs[i] != signs[i - 1]]
        pos = h.loc[h["eva"] > 0, "fiscal_year"]
        text = (f"**Value creation.** The headline EVA ({label(method).lower()}) is positive in {len(pos)} of "
                f"{len(h)} computable years")
        if changes:
            turns = [f"to {'positive' if h.set_index('fiscal_year').at[y, 'eva'] > 0 else 'negative'} in FY{y}"
                     for y in changes]
            text += f" and changes sign {len(changes)} time{'s' if len(changes) > 1 else ''} ({', '.join(turns)})"
        else:
            text += ", with no change of sign"
        neg = h.loc[h["eva"] < 0, "fiscal_year"].astype(int).tolist()
        growth = _series(ratios, "revenue_growth")
        falling = [y for y in neg if growth.get(y, 0) < 0]
        if neg:
            text += (f"; every negative year ({_fy_years(neg)}) is a year of falling revenue, so the negative EVA "
                     "follows the cycle of sales rather than a lasting loss of value" if falling == neg else
                     f"; of the negative years ({_fy_years(neg)}), {len(falling)} had falling revenue")
        paras.append(text + ".")
    # 5. internet revenue per user
    ipu = _series(ratios, "internet_revenue_per_user")
    if len(ipu) >= 2:
        paras.append(f"**Monetising users.** Internet-services revenue per MIUI monthly active user "
                     f"{_direction(ipu.iloc[0], ipu.iloc[-1])} from RMB {num(ipu.iloc[0], 1)} in FY{int(ipu.index[0])} "
                     f"to RMB {num(ipu.iloc[-1], 1)} in FY{int(ipu.index[-1])}: the user base grew "
                     f"{'faster' if ipu.iloc[-1] < ipu.iloc[0] else 'more slowly'} than the internet revenue it brings, "
                     "so the profit object of the case studies, the user, "
                     f"{'yields less' if ipu.iloc[-1] < ipu.iloc[0] else 'yields more'} per head over the window.")
    # 6. the IoT margin path
    iot = _series(ratios, "segment_gross_margin_iot_lifestyle")
    if len(iot):
        paras.append(f"**IoT margins.** {_pct_path(iot, 'The IoT and lifestyle gross margin')}; "
                     + ("the FY2021 value is not sourced, so a peak in FY2021 can be neither confirmed nor excluded "
                        "from the series alone." if 2021 not in iot.index else
                        f"in FY2021 it was {num(iot[2021], 1)}%."))
    return "\n\n".join(paras)


def threats_md(coverage: pd.DataFrame, panel: pd.DataFrame, fx_vars: dict, trends: pd.DataFrame,
               claims: pd.DataFrame, method: str, summary: pd.DataFrame) -> str:
    """Limitations as threats to validity, with the numbers that size each."""
    n_gap = int((coverage["status"] == "gap").sum())
    p = panel[panel["period"] == "FY"]
    third = int(p["kind"].isin(["aggregator", "news", "academic"]).sum())
    n_rule = int((p["basis"] != "reported").sum())
    tested = trends[trends["verdict"] != "not tested"]
    n_min = int(tested["n"].min()) if len(tested) else 0
    unc = int(claims["verdict"].str.startswith("not checkable").sum())
    h = summary[(summary["method"] == method) & summary["eva"].notna()]
    return "\n\n".join([
        f"**Measurement.** {third:,} of the {len(p):,} panel values come from aggregators, news reports or papers "
        "rather than from Xiaomi's own documents; where a company document exists it wins, and every disagreement "
        f"beyond rounding is listed (Appendix A), but a third-party figure may follow its own definition. {n_gap} of "
        f"{len(coverage)} item-years have no source at all, and {n_rule} values rest on a stated rule (an FX "
        f"conversion measured to within {fx_vars.get('fx_max_abs_error_pct', GAP)}% on the overlap years, an "
        "accounting identity or a carried market parameter), each marked where it is used.",
        "**Method choice.** EVA depends on the cost of capital and on the accounting adjustments. The headline "
        f"method has {len(h)} computable years; the robustness table varies beta, the timing of the equity premium, "
        "the risk-free treatment, the imputation mode and the R&D life, and reports the years whose sign does not "
        "survive. The entity methods need a debt series that is sourced for few years, so their absence is a data "
        "limit, not a finding.",
        f"**Statistical power.** Annual series are short: the shortest tested series has {n_min} points, and with "
        "n points the exact two-sided Mann-Kendall test cannot reach a p-value below 2/n!. A series without a "
        "significant trend is therefore often a series too short to show one, which the trend table states per "
        "series; p-values are adjusted across the family (Holm and Benjamini-Hochberg).",
        f"**Scope.** One company, one listing and one accounting regime (IFRS): the findings do not generalise to "
        f"other platform firms. {unc} published claims could not be checked against sourced figures; the audit "
        "names the figure that would decide each."])


def conclusion_md(ratios: pd.DataFrame, summary: pd.DataFrame, claims: pd.DataFrame, trends: pd.DataFrame,
                  method: str, years: list[int]) -> str:
    """Answers to the three research questions, each computed."""
    out = []
    gm = _series(ratios, "gross_margin")
    h = summary[(summary["method"] == method) & summary["eva"].notna()]
    t = trends.set_index("series")
    trend = t.at["gross_margin", "verdict"] if "gross_margin" in t.index else "not tested"
    q1 = "**(1) Ratios and EVA.** "
    if len(gm) >= 2:
        q1 += (f"The gross margin {_direction(gm.iloc[0], gm.iloc[-1])} from {num(gm.iloc[0], 1)}% to "
               f"{num(gm.iloc[-1], 1)}% between FY{int(gm.index[0])} and FY{int(gm.index[-1])} "
               f"({'a significant ' + trend + ' trend' if trend in ('increasing', 'decreasing') else 'no significant trend'}"
               f" after adjustment, BH p = {pval(t.at['gross_margin', 'mk_p_bh']) if 'gross_margin' in t.index else GAP}). ")
    if len(h):
        q1 += (f"The EVA evaluation the first study made over five years can be made for {len(h)} years "
               f"(FY{int(h['fiscal_year'].min())}-FY{int(h['fiscal_year'].max())}) with the residual-income method, "
               f"positive in {int((h['eva'] > 0).sum())}. ")
    groups = claims[claims["check"] == "coverage_groups"]
    if len(groups):
        q1 += ("The second study's FY2017-FY2021 ratio groups can be recomputed for "
               + "; ".join(f"{md_text(q).split(' ratios')[0]}: {md_text(v)}"
                           for q, v in zip(groups["quantity"], groups["our_value"].fillna(GAP))) + ".")
    out.append(q1)
    share = {k: _series(ratios, f"segment_share_{k}")
             for k in ("smartphones", "internet_services", "iot_lifestyle", "smart_ev_new_initiatives")}
    s = share["smartphones"]
    if len(s) >= 2:
        iot, net, ev = share["iot_lifestyle"], share["internet_services"], share["smart_ev_new_initiatives"]
        text = (f"**(2) The profit model's shift.** Smartphones' share of revenue {_direction(s.iloc[0], s.iloc[-1])} "
                f"from {num(s.iloc[0], 1)}% (FY{int(s.index[0])}) to {num(s.iloc[-1], 1)}% (FY{int(s.index[-1])})")
        if len(iot) >= 2:
            text += (f"; IoT and lifestyle products' share {_direction(iot.iloc[0], iot.iloc[-1])} from "
                     f"{num(iot.iloc[0], 1)}% to {num(iot.iloc[-1], 1)}%")
        if len(net) >= 2:
            text += (f"; internet services' share {_direction(net.iloc[0], net.iloc[-1])} from {num(net.iloc[0], 1)}% "
                     f"to {num(net.iloc[-1], 1)}%, within a range of {num(net.min(), 1)}% to {num(net.max(), 1)}%")
        if len(ev):
            text += (f"; smart EVs and other new initiatives reached {num(ev.iloc[-1], 1)}% in FY{int(ev.index[-1])}, "
                     f"the first year they are sourced" if len(ev) == 1 else
                     f"; smart EVs and other new initiatives reached {num(ev.iloc[-1], 1)}% in FY{int(ev.index[-1])}")
        margins = {k: _series(ratios, f"segment_gross_margin_{k}") for k in ("smartphones", "iot_lifestyle",
                                                                              "internet_services")}
        last = {k: m.iloc[-1] for k, m in margins.items() if len(m) and int(m.index[-1]) == int(s.index[-1])}
        if last:
            top = max(last, key=last.get)
            text += (f". In FY{int(s.index[-1])} the segment with the highest gross margin was "
                     f"{label('segment_gross_margin_' + top).replace(' gross margin %', '').lower()} "
                     f"({num(last[top], 1)}%)")
        out.append(text + ".")
    c = claims[~claims["verdict"].str.startswith("not a claim")]
    out.append(f"**(3) Published claims.** Of {len(c)} quantitative claims, {int((c['verdict'] == 'supported').sum())} "
               f"survive the audit, {int((c['verdict'] == 'contradicted').sum())} are contradicted and "
               f"{int(c['verdict'].str.startswith('not checkable').sum())} cannot be checked with what the sources print.")
    return "\n\n".join(out)
