"""The paper's argument in sentences generated from the data: one paragraph per result, the discussion, the threats
to validity and the conclusion.

Every direction, sign, rank, count and verdict below is computed from the pipeline's outputs (corpfin.prose keeps
the house style); a missing figure turns its sentence into a statement of what is not sourced, never into a guess.
Each module-level function returns Markdown for one include file of reports/paper.qmd. Text from data (the claims'
wording, company names) goes through `md_text`, so it is shown, never interpreted.

It passes 400 lines on purpose: the functions follow the paper's order, so the argument reads here as it reads
in the paper; the sentence machinery they share lives in corpfin.prose and corpfin.variables.
"""
from __future__ import annotations

import pandas as pd

from .markdown import md_text, pval
from .prose import (MONEY_STEP, and_list, count, direction, fy, fy_list, money, number_word, ordinal_rank, path, pct,
                    possessive, pp, sentence, trend_clause, verdict_counts)
from .series import ratio_values


def _panel(panel: pd.DataFrame, item: str) -> pd.Series:
    p = panel[(panel["period"] == "FY") & (panel["item"] == item)]
    return p.set_index("fiscal_year")["value"].sort_index()


def _eva(summary: pd.DataFrame, method: str, col: str = "eva") -> pd.Series:
    s = summary[(summary["method"] == method) & summary[col].notna()]
    return s.set_index("fiscal_year")[col].sort_index()


# --- results ---------------------------------------------------------------------------------------------------
def performance_md(ratios: pd.DataFrame, panel: pd.DataFrame, trends: pd.DataFrame, currency: str,
                   preferred_until: int | None = None) -> str:
    """Profitability, growth, solvency and operating capacity: what changed and what it means. `preferred_until`:
    the last year-end at which pre-listing preferred shares were carried as liabilities (companies.<c>.
    preferred_shares), whose years the leverage sentence sets apart."""
    out = []
    gm, adj, net = ratio_values(ratios, "gross_margin"), ratio_values(ratios, "adjusted_net_margin"), ratio_values(ratios, "net_margin")
    if len(gm) >= 2:
        out.append(sentence(path(gm, "the gross margin") + trend_clause(trends, "gross_margin")))
    if len(adj) >= 2:
        text = path(adj, "the adjusted net margin, which leaves out the revaluation of investments and share-based "
                         "compensation,")
        if len(net) >= 2:
            lo = int(net.idxmin())
            text += (f", while the reported net margin swung with those items, down to {pct(net[lo])} in {fy(lo)}")
        out.append(sentence(text))
    rev = _panel(panel, "revenue")
    if len(rev) >= 2:
        falls = [int(y) for y, d in rev.diff().dropna().items() if d < 0]
        text = (f"revenue {direction(rev.iloc[0], rev.iloc[-1], 'grew', 'shrank')} from "
                f"{money(rev.iloc[0], currency)} in {fy(rev.index[0])} to {money(rev.iloc[-1], currency)} in "
                f"{fy(rev.index[-1])}")
        text += f" and fell in {fy_list(falls)}" if falls else " and grew in every year"
        out.append(sentence(text))
    tat = ratio_values(ratios, "total_asset_turnover")
    if len(tat) >= 2:
        out.append(sentence(
            path(tat, "total asset turnover", lambda v: f"{v:.2f} times") + trend_clause(trends, "total_asset_turnover")
            + ": the margin gains came with a balance sheet that grew faster than sales"
            if tat.iloc[-1] < tat.iloc[0] else path(tat, "total asset turnover", lambda v: f"{v:.2f} times")))
    out.append(_solvency(ratios, preferred_until))
    return " ".join(x for x in out if x) + "\n"


def _solvency(ratios: pd.DataFrame, preferred_until: int | None) -> str:
    """Leverage over the years it is sourced (the years of preferred shares carried as liabilities apart), and the
    liquidity ratios over theirs."""
    parts = []
    da = ratio_values(ratios, "debt_to_assets")
    before = da[da.index <= preferred_until] if preferred_until is not None else da.iloc[:0]
    after = da[~da.index.isin(before.index)]
    if len(after) >= 2:
        parts.append(f"debt to assets stayed between {pct(after.min())} and {pct(after.max())} from "
                     f"{fy(after.index[0])} to {fy(after.index[-1])}")
        if len(before):
            levels = (and_list([f"{pct(v)} in {fy(y)}" for y, v in before.items()]) if len(before) <= 3 else
                      f"between {pct(before.min())} and {pct(before.max())} in {fy_list(before.index)}")
            parts[-1] += f", after {levels}, when the preferred shares issued before the listing were carried as liabilities"
    elif len(da) >= 2:
        parts.append(path(da, "debt to assets"))
    cr = ratio_values(ratios, "current_ratio")
    years = ratio_values(ratios, "gross_margin").index
    if len(cr) and len(cr) < len(years):
        parts.append(f"the current ratio needs current assets and liabilities, which the sources print for "
                     f"{fy_list(cr.index)} only ({cr.iloc[-1]:.2f} in {fy(cr.index[-1])})")
    elif len(cr) >= 2:
        parts.append(path(cr, "the current ratio", lambda v: f"{v:.2f}"))
    return sentence("; ".join(parts)) if parts else ""


def costs_md(ratios: pd.DataFrame) -> str:
    """The value-chain reading: which cost lines moved the margin."""
    parts = []
    for name, what in (("cost_of_sales_to_revenue", "cost of sales"), ("rd_expenses_to_revenue", "R&D"),
                       ("selling_marketing_expenses_to_revenue", "selling and marketing")):
        s = ratio_values(ratios, name)
        if len(s) >= 2:
            parts.append(f"{what} {direction(s.iloc[0], s.iloc[-1])} from {pct(s.iloc[0])} of revenue in "
                         f"{fy(s.index[0])} to {pct(s.iloc[-1])} in {fy(s.index[-1])}")
    if not parts:
        return "The cost lines are not sourced for two years of the window.\n"
    text = sentence(and_list(parts[:1]) + (f"; {and_list(parts[1:])}" if len(parts) > 1 else ""))
    cos, rd = ratio_values(ratios, "cost_of_sales_to_revenue"), ratio_values(ratios, "rd_expenses_to_revenue")
    if len(cos) >= 2 and len(rd) >= 2:
        saved, spent = cos.iloc[0] - cos.iloc[-1], rd.iloc[-1] - rd.iloc[0]
        text += " " + sentence(
            f"along the value chain, the company kept {pp(saved)} of revenue more after the cost of goods and put "
            f"{pp(spent)} more into research" if saved > 0 and spent > 0 else
            "the cost of goods and research moved together rather than one funding the other")
    return text + "\n"


def segments_md(ratios: pd.DataFrame, currency: str) -> str:
    """Research question 2: where the gross profit is earned, segment by segment."""
    out = []
    svc_gp, svc_rev = ratio_values(ratios, "segment_gross_profit_share_internet_services"), ratio_values(
        ratios, "segment_share_internet_services")
    if len(svc_gp) >= 2:
        text = path(svc_gp, "internet services' share of group gross profit")
        if len(svc_rev):
            text += (f", while their share of revenue stayed between {pct(svc_rev.min())} and {pct(svc_rev.max())}")
        out.append(sentence(text))
    phone, iot = ratio_values(ratios, "segment_gross_margin_smartphones"), ratio_values(ratios, "segment_gross_margin_iot_lifestyle")
    if len(phone) >= 2 and len(iot) >= 2:
        out.append(sentence(f"the hardware earned more of its own margin: {path(phone, 'the smartphone gross margin')}"
                            f" and {path(iot, 'the IoT and lifestyle gross margin')}"))
    ev = ratio_values(ratios, "segment_gross_profit_share_smart_ev_new_initiatives")
    if len(ev):
        out.append(sentence(f"smart EVs, in {fy(ev.index[-1])} their first year with a sourced margin, earned "
                            f"{pct(ev.iloc[-1])} of group gross profit"))
    ipu = ratio_values(ratios, "internet_revenue_per_user")
    if len(ipu) >= 2:
        out.append(sentence(path(ipu, "internet revenue per MIUI monthly active user",
                                 lambda v: f"{currency} {num_plain(v)}")))
    if len(svc_gp) >= 2:
        out.append(sentence(
            "the profit model therefore moved from hardware sold near cost and carried by internet services to "
            "hardware that earns its own margin, with services a large but shrinking part of gross profit"
            if svc_gp.iloc[-1] < svc_gp.iloc[0] and len(phone) >= 2 and phone.iloc[-1] > phone.iloc[0] else
            "internet services kept their weight in gross profit over the window"))
    return " ".join(out) + "\n" if out else "The segment figures are not sourced for two years.\n"


def num_plain(v: float) -> str:
    from .markdown import num

    return num(v, 1)


def eva_md(summary: pd.DataFrame, robust: pd.DataFrame, change: pd.DataFrame, panel: pd.DataFrame, method: str,
           currency: str) -> str:
    """Value creation: entity EVA, residual income on adjusted and on reported profit, the revaluation gap, the
    drivers of the change and what the robustness grid says."""
    out = []
    e = _eva(summary, method)
    if e.empty:
        return "Entity EVA is not computable in any year: the inputs it lacks are in the EVA appendix.\n"
    neg, pos = e[e < 0], e[e > 0]
    text = (f"entity EVA is computable for {fy_list(e.index)} and positive in {number_word(len(pos))} of its "
            f"{count(len(e), 'year')}")
    if len(neg) == 1:
        text += f"; {fy(neg.index[0])} is the only negative year ({money(neg.iloc[0], currency)})"
    elif len(neg):
        text += f"; it is negative in {fy_list(neg.index)}"
    spread, rate = _eva(summary, method, "eva_spread"), _eva(summary, method, "cost_of_capital")
    last = int(e.index[-1])
    text += (f". In {fy(last)} it was {money(e.iloc[-1], currency)}, a return on capital {pp(spread[last])} above a "
             f"WACC of {pct(rate[last])}" if last in spread.index else "")
    out.append(sentence(text))
    adj = _eva(summary, "residual_income_adjusted")
    if len(adj):
        out.append(sentence(f"residual income on adjusted profit, the owners' measure, is positive in "
                            f"{number_word(int((adj > 0).sum()))} of its {count(len(adj), 'year')} "
                            f"({fy_list(adj.index)}); the discussion takes up how revaluation moves it on reported "
                            "profit"))
    ch = change[change["method"] == method].set_index("fiscal_year")
    if last in ch.index:
        c = ch.loc[last]
        main = "a wider spread" if abs(c["from_spread"]) >= abs(c["from_capital"]) else "more capital"
        out.append(sentence(
            f"from {fy(last - 1)} to {fy(last)} entity EVA changed by {money(c['eva_change'], currency)}, "
            f"{money(c['from_spread'], currency)} of it from the spread and {money(c['from_capital'], currency)} from "
            f"capital: {main} did most of it"))
    r = robust[(robust["method"] == method) & robust["base"].notna()]
    if len(r):
        rob = r[r["verdict"] == "robust"]
        flip = r[r["verdict"] != "robust"]
        text = (f"across the robustness grid the sign holds under every scenario in {fy_list(rob['fiscal_year'])}"
                if len(rob) else "no year keeps its sign under every scenario of the robustness grid")
        if len(flip):
            causes: dict[str, list[int]] = {}
            for y, f in zip(flip["fiscal_year"], flip["flips"].fillna("")):
                for name in str(f).split():
                    causes.setdefault(name, []).append(int(y))
            text += "; " + and_list([f"{scenario_word(k)} flips {fy_list(v)}"
                                      for k, v in sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0]))])
            thin = flip["spread_pp"].abs().max()
            text += f", years whose spread is at most {pp(thin)}"
        out.append(sentence(text))
    return " ".join(out) + "\n"


SCENARIO_WORDS = {"nopat_route": "NOPAT from operating profit", "ke_+2": "a cost of equity 2 points higher",
                  "ke_+1": "a cost of equity 1 point higher", "ke_-2": "a cost of equity 2 points lower",
                  "ke_-1": "a cost of equity 1 point lower", "erp_timing": "the other timing of the equity premium",
                  "risk_free": "the other risk-free treatment", "market_weights": "market weights",
                  "credit_spread": "a credit spread on debt", "tax_effective": "the effective tax rate",
                  "revaluation_in": "counting the revaluation", "portfolio_out": "taking the portfolio out of capital",
                  "imputation": "strict imputation", "beta_low": "the lowest beta", "beta_high": "the highest beta",
                  "beta_by_year": "betas only where sourced", "rd_life_3": "a three-year R&D life",
                  "rd_life_7": "a seven-year R&D life"}


def scenario_word(name: str) -> str:
    """The reader's name of a scenario of the robustness grid."""
    return SCENARIO_WORDS.get(name, name.replace("_", " "))


def peers_md(peers: dict[str, dict], focus: str, words: dict) -> str:
    """Xiaomi beside its peers: where it differs, where it moves with them. `words`: the config's thresholds for
    'similar' services shares (similar_share_pp) and for book equity too small to measure capital
    (book_equity_roe_bound, % ROE)."""
    def latest(name: str, c: str) -> tuple[int | None, float]:
        s = ratio_values(peers[c]["ratios"], name)
        return (int(s.index[-1]), s.iloc[-1]) if len(s) else (None, float("nan"))

    out = []
    names = {c: md_text(p["name"]) for c, p in peers.items()}
    gm = {c: latest("gross_margin", c) for c in peers}
    have = {c: v for c, v in gm.items() if v[0] is not None}
    if focus in have and len(have) > 1:
        above = [names[c] for c, (_, v) in have.items() if c != focus and v > have[focus][1]]
        below = [names[c] for c, (_, v) in have.items() if c != focus and v <= have[focus][1]]
        text = (f"{possessive(names[focus])} gross margin ({pct(have[focus][1])} in {fy(have[focus][0])}) is below "
                f"those of {and_list(above)}" if above else
                f"{possessive(names[focus])} gross margin is the highest of the companies")
        if below:
            text += f" and at or above those of {and_list(below)}"
        out.append(sentence(text + ", each in its own latest fiscal year"))
    svc_x, svc_a = ratio_values(peers[focus]["ratios"], "services_gross_profit_share"), (
        ratio_values(peers["apple"]["ratios"], "services_gross_profit_share") if "apple" in peers else pd.Series())
    if len(svc_x) >= 2 and len(svc_a) >= 2:
        out.append(sentence(
            f"the services share of gross profit moved in opposite directions: "
            f"{path(svc_x, possessive(names[focus]))}, {path(svc_a, possessive(names['apple']))}; "
            + ("the two now earn a similar part of their gross profit from services"
               if abs(svc_x.iloc[-1] - svc_a.iloc[-1]) < words["similar_share_pp"] else "they remain far apart")
            if direction(svc_x.iloc[0], svc_x.iloc[-1]) != direction(svc_a.iloc[0], svc_a.iloc[-1]) else
            f"the services share of gross profit moved the same way for {names[focus]} and {names['apple']}"))
    rd = {c: latest("rd_intensity", c) for c in peers}
    rd = {c: v for c, v in rd.items() if v[0] is not None}
    if focus in rd and len(rd) > 1:
        rank = sorted(rd, key=lambda c: -rd[c][1]).index(focus) + 1
        out.append(sentence(f"{names[focus]} spends {pct(rd[focus][1])} of revenue on R&D, "
                            f"{ordinal_rank(rank, len(rd))} of the {number_word(len(rd))} companies with a sourced "
                            "figure"))
    g = {c: ratio_values(p["ratios"], "gross_margin") for c, p in peers.items()}
    moved = [c for c in peers if c != focus and 2022 in g[c].index and 2021 in g[c].index]
    if focus in g and {2021, 2022} <= set(g[focus].index) and moved:
        fell = [names[c] for c in moved if g[c][2022] < g[c][2021]]
        went = direction(g[focus][2021], g[focus][2022])
        if went == "fell":
            text = (f"in FY2022 {possessive(names[focus])} gross margin fell, and so did "
                    + (and_list([possessive(n) for n in fell]) if fell else "no peer’s"))
            out.append(sentence(text + (": the fall was shared across the industry, not the company’s alone"
                                        if fell else "")))
    if "apple" in peers:
        ea = _eva(peers["apple"]["eva"], "simple", "eva_spread")
        ex = _eva(peers[focus]["eva"], "simple", "eva_spread")
        roe = ratio_values(peers["apple"]["ratios"], "roe")
        if len(ea) and len(ex):
            text = (f"{possessive(names['apple'])} entity EVA spread was {pp(ea.iloc[-1])} in {fy(ea.index[-1])} "
                    f"against {possessive(names[focus])} {pp(ex.iloc[-1])} in {fy(ex.index[-1])}, and its entity EVA "
                    f"is positive in {number_word(int((ea > 0).sum()))} of its {count(len(ea), 'year')}")
            if len(roe) and roe.iloc[-1] > words["book_equity_roe_bound"]:
                text += (f"; its book equity, reduced by share buybacks, is small (ROE {pct(roe.iloc[-1])} in "
                         f"{fy(roe.index[-1])}), so a spread on book capital overstates the return on what its owners "
                         "invested")
            out.append(sentence(text))
    return " ".join(out) + "\n" if out else "No peer has two sourced years to compare.\n"


def trends_md(trends: pd.DataFrame, alpha: float) -> str:
    """The family of tests: how many series, how many trends, what short series can and cannot show."""
    tested = trends[trends["verdict"] != "not tested"]
    inc, dec = tested[tested["verdict"] == "increasing"], tested[tested["verdict"] == "decreasing"]
    text = (f"the tested family holds {count(len(tested), 'series', 'series')} (a series needs at least four years); "
            f"after the Benjamini-Hochberg adjustment {count(len(inc), 'series', 'series')} "
            f"{'shows' if len(inc) == 1 else 'show'} an increasing and {count(len(dec), 'series', 'series')} a "
            f"decreasing trend at the {pct(alpha * 100, 0)} level")
    ev = trends.set_index("series")
    short = [n for n in ("eva", "residual_income_adjusted") if n in ev.index and ev.at[n, "verdict"] == "no evidence"]
    if short:
        n = int(ev.at[short[0], "n"])
        text += (f". Entity EVA and residual income, with {number_word(n)} points or fewer, show no trend the exact "
                 f"test can separate from noise: with {number_word(n)} points its smallest attainable p-value is "
                 f"{pval(ev.at[short[0], 'mk_min_attainable_p'])}, so a trend would have to be monotone to show")
    return sentence(text) + "\n"


def claims_md(audit: pd.DataFrame, company: str) -> str:
    """The opening of the claims audit: how many statements are claims about the company, their verdicts, and what
    the other statements are."""
    c, d = audit[audit["kind"] == "claim"], audit[audit["kind"] == "description"]
    if audit.empty:
        return (f"The three case studies are about another company: none of their statements is audited against "
                f"{company}'s figures.\n")
    n = {v: int((c["verdict"] == v).sum()) for v in ("supported", "partly supported", "contradicted", "not checkable")}
    text = (sentence(f"of the studies' statements, {count(len(c), 'claim')} about the company "
                     f"{'is' if len(c) == 1 else 'are'} judged here: {verdict_counts(n)}; a claim is judged on the "
                     "years its study could see") if len(c) else "None of the studies' statements is a claim about "
                                                                   "the company.")
    if len(d) == 1:
        text += " " + sentence("the other item describes what a study analysed; it is not a claim, and the second "
                               "table lists it with what this rebuild computed")
    elif len(d):
        text += " " + sentence(f"the other {count(len(d), 'item')} describe what a study analysed; they are not "
                               "claims, and the second table lists them with what this rebuild computed")
    return text + "\n"


# --- discussion, threats, conclusion ---------------------------------------------------------------------------
def discussion_md(summary: pd.DataFrame, panel: pd.DataFrame, ratios: pd.DataFrame, method: str,
                  currency: str) -> str:
    """What the numbers mean: where revaluation moves the owners' measure, the negative years of entity EVA, the
    capital before the listing."""
    paras = []
    adj, rep = _eva(summary, "residual_income_adjusted"), _eva(summary, "residual_income")
    reval = _panel(panel, "fv_changes_investments_fvtpl")
    years = adj.index.intersection(rep.index)
    if len(years):
        gap = rep[years] - adj[years]
        up, down = gap[gap > 0], gap[gap < 0]
        parts = []
        if len(up):
            gains = [y for y in up.index if reval.get(y, 0) > 0]
            added = (money(reval[gains[0]], currency) if len(gains) == 1 else
                     and_list([f"{money(reval[y], currency)} ({fy(y)})" for y in gains]))
            parts.append(f"residual income on reported profit is above that on adjusted profit in {fy_list(up.index)}"
                         + (f", when the revaluation of investments added {added} before tax" if gains else ""))
        if len(down):
            low = int(down.idxmin())
            parts.append(f"below it in {fy_list(down.index)}, by up to {money(-down[low], currency)} ({fy(low)}): "
                         "there the other adjustments, share-based compensation and the preferred shares' fair-value "
                         "changes, weigh more than any revaluation")
        text = sentence("; ".join(parts))
        top_rep, top_adj = int(rep.idxmax()), int(adj.idxmax())
        if top_rep != top_adj and top_rep in up.index and reval.get(top_rep, 0) > 0:
            text += " " + sentence(
                f"read on reported profit, the best year for the owners is {fy(top_rep)}, a year of revaluation; read "
                f"on adjusted profit it is {fy(top_adj)}. Entity EVA, built on adjusted profit, does not count the "
                "revaluation as value created")
        paras.append("**Revaluation is not value creation.** " + text)
    e = _eva(summary, method)
    growth, gm = ratio_values(ratios, "revenue_growth"), ratio_values(ratios, "gross_margin")
    neg = [int(y) for y in e.index if e[y] < 0]
    if neg:
        parts = []
        for y in neg:
            t = f"entity EVA is negative in {fy(y)}"
            if y in growth.index:
                t += f", the year revenue {'fell' if growth[y] < 0 else 'grew'} by {pct(abs(growth[y]))}"
            if y in gm.index and y - 1 in gm.index:
                t += f" and the gross margin {direction(gm[y - 1], gm[y])} to {pct(gm[y])}"
            if y + 1 in e.index and e[y + 1] > 0:
                t += f"; it is positive again in {fy(y + 1)}"
                if y + 1 in growth.index and y + 1 in gm.index:
                    t += (f", with revenue {'still falling' if growth[y + 1] < 0 and growth[y] < 0 else 'falling' if growth[y + 1] < 0 else 'growing'} "
                          f"({pct(growth[y + 1])}) and the gross margin at {pct(gm[y + 1])}")
            parts.append(sentence(t))
        heading = f"The negative year{'s' if len(neg) > 1 else ''}"
        paras.append(f"**{heading}.** " + " ".join(parts))
    eq = _panel(panel, "equity_attributable_owners")
    neg_eq = [int(y) for y in eq.index if eq[y] < 0]
    if neg_eq:
        paras.append("**Capital before the listing.** " + sentence(
            f"book equity attributable to owners was negative in {fy_list(neg_eq)}, because the convertible "
            "redeemable preferred shares were carried as liabilities at fair value. The entity measure counts them "
            "as capital, through the debt they were carried in; the owners' residual income is not meaningful "
            "before the listing"))
    return "\n\n".join(paras) + "\n"


def scenario_effects(long: pd.DataFrame, method: str) -> pd.DataFrame:
    """What each scenario of the robustness grid does to `method`'s EVA: its largest move from the base (in the
    year of that move), the years where it flips the sign, and how many years it can move; largest move first."""
    base = long[(long["scenario"] == "base") & (long["method"] == method)].set_index("fiscal_year")["eva"].dropna()
    rows = []
    for sc, g in long[(long["method"] == method) & (long["scenario"] != "base")].groupby("scenario", sort=False):
        g = g.set_index("fiscal_year")["eva"].dropna()
        common = g.index.intersection(base.index)
        if not len(common):
            continue
        delta = (g[common] - base[common]).abs()
        flips = [int(y) for y in common if (g[y] > 0) != (base[y] > 0)]
        rows.append({"scenario": sc, "largest_move": float(delta.max()), "year": int(delta.idxmax()),
                     "flips": flips, "years": len(common)})
    out = pd.DataFrame(rows, columns=["scenario", "largest_move", "year", "flips", "years"])
    return out.sort_values(["largest_move", "scenario"], ascending=[False, True], kind="stable").reset_index(drop=True)


def threats_choices_md(effects: pd.DataFrame, currency: str) -> str:
    """The paragraph before the table of scenario effects: which choices flip the sign, and which barely matter."""
    if effects.empty:
        return "**The cost of capital and the value measures.** No scenario of the robustness grid applies.\n"
    flipping = effects[effects["flips"].map(len) > 0]
    # a move below half the text's step of an amount does not show in the text
    still = effects[effects["largest_move"] < MONEY_STEP / 2]
    text = ("**The cost of capital and the value measures.** Each choice behind entity EVA has an alternative; the "
            "table below shows what each does, largest effect first. ")
    if len(flipping):
        text += sentence(f"only {and_list([scenario_word(n) for n in flipping['scenario']])} "
                         f"{'flips' if len(flipping) == 1 else 'flip'} the sign of any year")
    else:
        text += sentence("no alternative flips the sign of any year")
    if len(still):
        text += " " + sentence(f"{and_list([scenario_word(n) for n in still['scenario']])} "
                               f"{'moves' if len(still) == 1 else 'move'} entity EVA by less than "
                               f"{money(MONEY_STEP / 2, currency, 'million', 0)} in every year")
    return text + "\n"


def threats_md(panel: pd.DataFrame, coverage: pd.DataFrame, trends: pd.DataFrame, audit: pd.DataFrame,
               n_peers: int) -> str:
    """After the scenario table: data, statistical power and scope."""
    paras = []
    p = panel[panel["period"] == "FY"]
    third = int(p["kind"].isin(["aggregator", "news", "academic"]).sum())
    derived = p[p["basis"] == "derived"]
    paras.append("**Measurement.** " + sentence(
        f"of the {len(p):,} panel values, {third:,} come from aggregators, news reports or papers rather than from "
        f"the company's documents, and {count(len(derived), 'value')} rest on a stated derivation (an accounting "
        f"identity, or a third party's ratio checked against a printed figure, as for debt in "
        f"{fy_list(derived.loc[derived['item'] == 'interest_bearing_debt', 'fiscal_year'])})"
        if len(derived) else f"of the {len(p):,} panel values, {third:,} come from third parties")
        + " " + sentence(f"of the {len(coverage):,} item-years, {int((coverage['status'] == 'gap').sum()):,} have no "
                         "source at all; the supplement lists them"))
    tested = trends[trends["verdict"] != "not tested"]
    if len(tested):
        short = tested.sort_values("n").iloc[0]
        paras.append("**Statistical power.** " + sentence(
            f"the shortest tested series has {count(int(short['n']), 'point')}, and its exact test cannot go below "
            f"p = {pval(short['mk_min_attainable_p'])} whatever the data; after the adjustment for the "
            f"{count(len(tested), 'series', 'series')} of the family, a short series without a significant trend is "
            "more often too short to show one than free of one"))
    unc = audit[(audit["kind"] == "claim") & (audit["verdict"] == "not checkable")]
    paras.append("**Scope.** " + sentence(
        f"one company with {count(n_peers, 'peer')}, each on its own accounting standard and in its own currency; "
        f"{count(len(unc), 'published claim')} cannot be checked against sourced figures, and the audit names the "
        "figure that would decide each"))
    return "\n\n".join(paras) + "\n"


def peer_mix_sentence(peers: dict[str, dict], focus: str, words: dict) -> str:
    """Research question 2 beside the peer with a services segment: where its services share of gross profit ended
    against the focus company's ('' without such a peer)."""
    if "apple" not in peers or focus not in peers:
        return ""
    a = ratio_values(peers["apple"]["ratios"], "services_gross_profit_share")
    x = ratio_values(peers[focus]["ratios"], "services_gross_profit_share")
    if len(a) < 2 or len(x) < 2:
        return ""
    close = abs(a.iloc[-1] - x.iloc[-1]) < words["similar_share_pp"]
    return sentence(f"{possessive(md_text(peers['apple']['name']))} services share of gross profit "
                    f"{direction(a.iloc[0], a.iloc[-1])} from {pct(a.iloc[0])} to {pct(a.iloc[-1])} over "
                    f"{fy(a.index[0])}–{fy(a.index[-1])}, so the two companies "
                    + ("now earn a similar part of their gross profit from services, having come from opposite ends"
                       if close and direction(a.iloc[0], a.iloc[-1]) != direction(x.iloc[0], x.iloc[-1]) else
                       "still differ in how much of their gross profit services earn" if not close else
                       "moved together towards a similar mix"))


def conclusion_md(ratios: pd.DataFrame, summary: pd.DataFrame, robust: pd.DataFrame, audit: pd.DataFrame,
                  trends: pd.DataFrame, method: str, peer_sentence: str = "") -> str:
    """Answers to the three research questions, each computed; `peer_sentence` (peer_mix_sentence) sets research
    question 2 beside the peers."""
    out = []
    gm = ratio_values(ratios, "gross_margin")
    e = _eva(summary, method)
    text = "**(1) The studies' ratio and EVA findings.** "
    if len(gm) >= 2:
        text += sentence(path(gm, "the gross margin") + trend_clause(trends, "gross_margin"))
    if len(e):
        rob = robust[(robust["method"] == method) & (robust["verdict"] == "robust")]
        text += " " + sentence(
            f"the EVA the first study computed over five years is computable on sourced data for "
            f"{count(len(e), 'year')} ({fy_list(e.index)}), positive in {number_word(int((e > 0).sum()))}; the sign "
            f"survives every choice of the robustness grid in {fy_list(rob['fiscal_year']) or 'no year'}")
    out.append(text)
    s = ratio_values(ratios, "segment_gross_profit_share_internet_services")
    if len(s) >= 2:
        out.append("**(2) Where value is created.** " + sentence(
            path(s, "the share of gross profit earned by internet services")
            + (f"; the hardware segments now earn the other {pct(100 - s.iloc[-1])}" if s.iloc[-1] < 50 else
               "; internet services still earn most of it")) + (f" {peer_sentence}" if peer_sentence else ""))
    c = audit[audit["kind"] == "claim"]
    n = {v: int((c["verdict"] == v).sum()) for v in ("supported", "partly supported", "contradicted",
                                                       "not checkable")}
    out.append("**(3) The published claims.** " + (sentence(
        f"of {count(len(c), 'claim')} about the company, {verdict_counts(n)}"
        + (" with what the sources print" if n["not checkable"] else "")) if len(c) else
        "The case studies make no claim about this company."))
    return "\n\n".join(out) + "\n"


def sourcing_mix(panel: pd.DataFrame) -> dict[str, str]:
    """How many chosen values come from each kind of source, and how many rest on a stated rule."""
    words = {"company_document": "company documents (annual reports, results announcements, the prospectus)",
             "filing_summary": "filing summaries", "aggregator": "financial-data aggregators",
             "academic": "academic papers", "news": "news reports"}
    p = panel[panel["period"] == "FY"]
    rep = p[p["basis"] == "reported"]
    counts = rep["kind"].value_counts()
    parts = [f"{int(counts[k]):,} from {w}" for k, w in words.items() if counts.get(k, 0)]
    if parts:
        parts[0] = parts[0].replace(" from ", " come from ", 1)
    return {"mix_sentence": and_list(parts), "mix_n_values": f"{len(p):,}",
            "mix_n_rule": count(int((p["basis"] != "reported").sum()), "value"),
            "mix_n_documents": f"{rep['document'].nunique():,}"}

