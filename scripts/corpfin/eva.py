"""EVA by five methods, each with its full build-up (the cost of capital is corpfin.cost_of_capital).

EVA = NOPAT - capital charge, capital charge = invested capital x cost of capital,
return on capital = NOPAT / invested capital, EVA spread = return on capital - cost of capital,
so EVA = spread x capital holds for every method and year (tested).

Entity methods (the studies' measure: EVA of the enterprise, Stewart 1991):
- simple: NOPAT = adjusted net profit + interest expense x (1 - t) (eva.nopat, route `adjusted`): the company's
  adjusted (non-IFRS) net profit excludes the revaluation of its investments, share-based compensation and the
  fair-value changes of the pre-listing preferred shares; adding back the after-tax interest makes it the profit of
  the whole enterprise before its financing. Route `operating` (a scenario): (operating profit - removed items) x
  (1 - t). Capital = avg total equity + avg interest-bearing debt (corpfin.debt: as the year's balance sheet states
  it, leases from FY2019, the preferred shares before the listing); rate = WACC.
- stern_stewart: the simple NOPAT and capital with R&D capitalised straight-line over a configured life (NOPAT +
  (R&D - amortisation) x (1 - t), capital + the unamortised R&D asset): amortisation_t = sum_{k=1..L} rd_{t-k} / L,
  asset_t = sum_{k=0..L-1} rd_{t-k} x (L - k) / L; less excess cash where configured.
- sasac: China SASAC's simplified EVA for central SOEs (notes on EVA methods, section 1.2): NOPAT = net profit +
  (interest expense + R&D - 50% x non-recurring gains) x (1 - 25%); capital = avg equity + avg liabilities - avg
  non-interest-bearing current liabilities - avg construction in progress; rate by the rule in force each year.
Equity-side methods (residual income, Ohlson 1995; profit attributable to owners is not NOPAT):
- residual_income: profit attributable to owners - cost of equity x opening equity attributable to owners.
- residual_income_adjusted: the same on the company's adjusted net profit (revaluation and share-based
  compensation excluded).

The module passes 400 lines because the five methods are one build-up with switches (NOPAT route, R&D
capitalisation, capital base, rate): split by method, each part would repeat the build-up the table prints.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cost_of_capital import effective_tax_rate
from .market import pick
from .quantity import Q, Wide, concat_long, stack
from .select import sort_rows

METHODS = ("simple", "residual_income_adjusted", "residual_income", "stern_stewart", "sasac")
ENTITY_METHODS = ("simple", "stern_stewart", "sasac")

# the formula of each method, printed in its build-up table (eva_buildup.csv, column formula)
FORMULAS = {
    "simple": "EVA = [adjusted net profit + interest x (1 - t)] - WACC x [avg total equity + avg interest-bearing "
              "debt]",
    "stern_stewart": "EVA = [adjusted net profit + interest x (1 - t) + (R&D - R&D amortisation) x (1 - t)] - WACC x "
                     "[avg total equity + avg interest-bearing debt + avg unamortised R&D - avg excess cash]",
    "sasac": "EVA = [net profit + (interest + R&D - 50% x non-recurring gains) x (1 - 25%)] - SASAC rate x "
             "[avg equity + avg liabilities - avg non-interest-bearing current liabilities - avg construction in "
             "progress]; rate by the rule of the year",
    "residual_income": "RI = profit attributable to owners - cost of equity x opening equity attributable to owners",
    "residual_income_adjusted": "RI = adjusted net profit - cost of equity x opening equity attributable to owners",
}


def tax_rate(w: Wide, statutory: Q, cfg: dict) -> Q:
    """The tax rate t (per cent) of NOPAT: the market's statutory rate (eva.nopat.tax: statutory) or the year's
    effective rate (effective)."""
    return statutory if cfg["nopat"]["tax"] == "statutory" else effective_tax_rate(w)


def interest_cost(w: Wide, debt: Q, kd: Q, cfg: dict) -> Q:
    """Interest expense as printed, where it is an interest cost: above `max_interest_rate_percent` of average
    interest-bearing debt a printed figure holds more than interest (aggregators fold other finance items into it),
    and the year takes the notional interest at the pre-tax cost of debt on average debt, marked as derived."""
    n = cfg["nopat"]
    printed = w[n["interest_item"]]
    implied = printed / debt.where_positive("average interest-bearing debt") * 100.0
    too_high = (implied.v > float(n["max_interest_rate_percent"])).to_numpy()
    notional = kd * debt * 0.01
    years = w.index.get_level_values(1)
    label = pd.Series([f"derived {n['interest_item']} FY{y} (notional: cost of debt x average debt)" if bad else ""
                       for y, bad in zip(years, too_high)], index=w.index, dtype=object)
    est = notional.est.where(~too_high, label) if too_high.any() else printed.est
    return Q(printed.v.where(~too_high, notional.v), printed.why.where(~too_high, notional.why), "interest",
             printed.est.where(~too_high, est))


def entity_nopat(w: Wide, tax: Q, kd: Q, debt: Q, cfg: dict) -> tuple[Q, list[tuple[str, Q, str]]]:
    """NOPAT of the enterprise (eva.nopat) and its build-up lines.

    adjusted: adjusted net profit + interest x (1 - t); the lines show profit for the year, the non-IFRS adjustments
    that lead to the adjusted profit and, as a memo, the revaluation of investments among them (pre-tax, as printed).
    operating: (operating profit - removed items) x (1 - t).
    revaluation_in (a scenario): the revaluation added back after tax (the portfolio's gains counted as value)."""
    n = cfg["nopat"]
    one_minus_t = tax * -0.01 + 1.0
    reval = w[n["revaluation_item"]]
    if n["route"] == "adjusted":
        profit, adj = w["profit_for_year"], w[n["adjusted_item"]]
        interest = interest_cost(w, debt, kd, cfg)
        after_tax = interest * one_minus_t
        nopat = adj + after_tax
        lines = [("profit for the year (IFRS)", profit, "money"),
                 ("less: non-IFRS adjustments (after tax)", adj - profit, "money"),
                 ("memo: fair-value changes of investments removed (pre-tax)", -reval, "money"),
                 ("adjusted net profit", adj, "money"),
                 ("plus: interest expense x (1 - t)", after_tax, "money")]
    elif n["route"] == "operating":
        ebit = w["operating_profit"]
        removed = w.constant(0.0, "0")
        for it in n["remove_items"]:
            removed = removed + w[it]
        adj = ebit - removed
        taxes = -(adj * tax * 0.01)
        nopat = adj + taxes
        lines = [("operating profit (EBIT)", ebit, "money"),
                 ("less: removed non-operating items (revaluation of investments, associates)", -removed, "money"),
                 ("less: taxes at t", taxes, "money")]
    else:
        raise ValueError(f"eva.nopat.route: unknown value {n['route']!r}; accepted: adjusted, operating")
    if n.get("revaluation_in"):
        back = reval * one_minus_t
        nopat = nopat + back
        lines.append(("plus: revaluation of investments x (1 - t) (scenario: revaluation counted)", back, "money"))
    return nopat, lines


def entity_capital(w: Wide, cfg: dict) -> tuple[Q, list[tuple[str, Q, str]], str]:
    """Invested capital of the enterprise: avg total equity + avg interest-bearing debt (one definition each,
    Wide.definition); less the avg investment portfolio in the matched 'portfolio out' scenario."""
    eq, eq_item = avg_one_of(w, cfg["equity_items"])
    debt, debt_item = avg_one_of(w, cfg["debt_items"])
    lines = [("capital: avg total equity", eq, "money"), ("capital: avg interest-bearing debt", debt, "money")]
    capital = eq + debt
    if cfg["capital"].get("portfolio_out"):
        portfolio, _ = w.first_of(list(cfg["capital"]["portfolio_items"]))
        prev, _ = w.first_of(list(cfg["capital"]["portfolio_items"]), lag=1)
        avg = (portfolio + prev) * 0.5
        capital = capital - avg
        lines.append(("capital: less avg investment portfolio (scenario: portfolio out)", -avg, "money"))
    return capital, lines, f"equity: {eq_item}; debt: {debt_item}"


def eva_simple(w: Wide, wacc: Q, tax: Q, kd: Q, cfg: dict) -> pd.DataFrame:
    t = tax_rate(w, tax, cfg)
    debt, _ = avg_one_of(w, cfg["debt_items"])
    nopat, nlines = entity_nopat(w, t, kd, debt, cfg)
    capital, clines, definition = entity_capital(w, cfg)
    return _lines(w, "simple", nlines + clines + _finish(w, nopat, capital, wacc, w["revenue"]), definition)


def eva_stern_stewart(w: Wide, wacc: Q, tax: Q, kd: Q, cfg: dict, life: int | None = None) -> pd.DataFrame:
    s = cfg["stern_stewart"]
    life = life or s["rd_life_years"]
    t = tax_rate(w, tax, cfg)
    debt, _ = avg_one_of(w, cfg["debt_items"])
    nopat, nlines = entity_nopat(w, t, kd, debt, cfg)
    amort, asset = rd_capitalisation(w, life)
    rd_adj = (w["rd_expenses"] - amort) * (t * -0.01 + 1.0)
    capital, clines, definition = entity_capital(w, cfg)
    avg_rd_asset = (asset + rd_asset(w, life, lag=1)) / 2.0
    cash = w.constant(0.0, "0")
    if s["excess_cash"] == "cash_and_deposits":
        cash = w.avg("cash_and_equivalents") + w.avg("short_term_bank_deposits")
    lines = nlines + [(f"plus: (R&D expense - R&D amortisation, {life}y) x (1 - t)", rd_adj, "money")] + clines + [
        (f"capital: avg unamortised R&D ({life}y)", avg_rd_asset, "money"),
        ("capital: less avg excess cash", -cash, "money")]
    return _lines(w, "stern_stewart", lines + _finish(w, nopat + rd_adj, capital + avg_rd_asset - cash, wacc,
                                                      w["revenue"]), definition)


def eva_residual_income(w: Wide, ke: Q, cfg: dict, adjusted: bool = False) -> pd.DataFrame:
    """Residual income (Ohlson 1995): profit - ke x opening equity attributable to owners; on the company's adjusted
    net profit when `adjusted` (revaluation and share-based compensation excluded).

    Opening (prior year-end) equity, not the average: the charge is on the capital the owners had at the start of
    the year. It needs no debt figure. Before a listing whose preferred shares were carried as liabilities, the
    owners' book equity is not the capital they committed: such a year is 'not meaningful' unless the shares'
    carrying amount is sourced (then added back)."""
    if adjusted:
        profit, label, method = w[cfg["residual_income"]["adjusted_profit_item"]], "adjusted net profit", \
            "residual_income_adjusted"
    else:
        profit, label, method = w["profit_attributable_owners"], "profit attributable to owners", "residual_income"
    item = cfg["residual_income"]["equity_item"]
    eq = w.prev(item)
    pref, nm = preferred_equivalent(w, cfg, opening=True)
    lines = [(label, profit, "money"),
             ("capital: opening equity attributable to owners", eq, "money"),
             ("capital: opening preferred shares (equity equivalent)", pref, "money")]
    return _lines(w, method, lines + _finish(w, profit, eq + pref, ke, w["revenue"], nm, _nm_reason(cfg)),
                  f"equity: {item} (opening)")



def avg_one_of(w: Wide, items: list[str]) -> tuple[Q, str]:
    """Average of opening and closing balance of the one item chosen for the whole window (Wide.definition)."""
    it = w.definition(items)
    return w.avg(it), it


def rd_asset(w: Wide, life: int, lag: int = 0) -> Q:
    """Unamortised R&D asset at the end of year t - lag: sum_{k=0..L-1} rd_{t-lag-k} x (L - k) / L."""
    asset = w.constant(0.0, "0")
    for k in range(0, life):
        asset = asset + w._q("rd_expenses", k + lag) * ((life - k) / life)
    asset.name = f"R&D asset ({life}y)"
    return asset


def rd_capitalisation(w: Wide, life: int) -> tuple[Q, Q]:
    """(amortisation in year t, unamortised R&D asset at the end of t) for straight-line life L years."""
    amort = w.constant(0.0, "0")
    for k in range(1, life + 1):
        amort = amort + w._q("rd_expenses", k) * (1.0 / life)
    amort.name = f"R&D amortisation ({life}y)"
    return amort, rd_asset(w, life)


def _lines(w: Wide, method: str, lines: list[tuple[str, Q, str]], definition: str = "") -> pd.DataFrame:
    """Long build-up; `definition` names the one equity / debt item used for every year (Wide.definition)."""
    blocks = [({"method": method, "order": order, "line": line, "unit": unit, "definition": definition}, q)
              for order, (line, q, unit) in enumerate(lines)]
    return stack(w.index, blocks, ["company", "fiscal_year", "method", "order", "line", "value", "unit", "status",
                                   "estimate_inputs", "definition"])


def not_meaningful(w: Wide, q: Q, mask: pd.Series, reason: str) -> Q:
    """NaN with `reason` where mask (a year whose result has no economic meaning), distinct from a missing input."""
    m = mask.reindex(q.v.index).fillna(False).to_numpy(dtype=bool)
    return Q(q.v.where(~m), q.why.where(~m, reason), q.name, q.est.where(~m, ""))


def preferred_equivalent(w: Wide, cfg: dict, opening: bool) -> tuple[Q, pd.Series]:
    """Pre-IPO convertible redeemable preferred shares as an equity equivalent (eva.preferred_shares).

    Up to `last_year_end` the shares were carried as liabilities at fair value. Where their carrying amount is in
    the panel (item), it is added back to capital (average, or opening for residual income); a year that needs a
    balance up to `last_year_end` without it is 'not meaningful' (mask True). Returns (add-back, mask)."""
    pc = cfg.get("preferred_shares")
    years = pd.Series(w.index.get_level_values(1), index=w.index)
    if not pc:                                        # a company that never had such shares
        return w.constant(0.0, "no preferred shares"), pd.Series(False, index=w.index)
    needs = (years - 1 <= pc["last_year_end"])          # the opening (prior year-end) balance carries them
    q = w.prev(pc["item"]) if opening else w.avg(pc["item"])
    have = q.v.notna()
    add = Q(q.v.where(needs & have, 0.0), pd.Series("", index=w.index, dtype=object),
            f"preferred shares ({pc['item']})", q.est.where(needs & have, ""))
    return add, needs & ~have


def _finish(w: Wide, nopat: Q, capital: Q, rate: Q, revenue: Q, nm: pd.Series | None = None,
            nm_reason: str = "") -> list[tuple[str, Q, str]]:
    if nm is not None:
        capital = not_meaningful(w, capital, nm, nm_reason)
    capital = capital.where_positive("invested capital")
    charge = capital * rate * 0.01
    eva = nopat - charge
    roc = nopat / capital * 100.0
    return [("nopat", nopat, "money"), ("invested_capital", capital, "money"),
            ("cost_of_capital", rate, "percent"), ("capital_charge", charge, "money"),
            ("eva", eva, "money"), ("return_on_capital", roc, "percent"),
            ("eva_spread", roc - rate, "percentage_points"), ("eva_to_revenue", eva / revenue * 100.0, "percent")]


def _nm_reason(cfg: dict) -> str:
    pc = cfg.get("preferred_shares")
    if not pc:
        return ""
    return (f"not meaningful: preferred shares carried as liabilities up to FY{pc['last_year_end']} "
            f"(carrying amount not sourced)")


def sasac_rate(w: Wide, market: pd.DataFrame, s: dict, eq: Q, debt: Q) -> tuple[Q, str]:
    """SASAC capital-cost rate by the rule of the fiscal year (eva.sasac.rule).

    pre2019 (the 2010-2018 rule, notes §1.3): 5.5% base + 0.5 pp when the debt ratio exceeds the threshold.
    post2019 (the weighted rule, notes §1.4): kd x D/(D+E) x (1 - 25%) + ke x E/(D+E), kd = interest expense /
    avg interest-bearing debt, ke = the equity cost rate of the enterprise type (competitive commercial 6.5%).
    by_year: pre2019 up to FY2018, post2019 from FY2019."""
    t = s["nopat_tax_rate_percent"] * 0.01
    rate_v, _ = pick(market, s["rate_item"], None)
    sur_v, _ = pick(market, s["surcharge_item"], None)
    debt_ratio = w["total_liabilities"] / w["total_assets"] * 100.0
    pre = w.constant(rate_v, "SASAC rate") + Q((debt_ratio.v > s["surcharge_debt_ratio_percent"]).astype(float)
                                                * sur_v, debt_ratio.why, "surcharge", debt_ratio.est)
    ke_v, _ = pick(market, s["equity_cost_rate_item"], None)
    kd = w["interest_expense"] / debt.where_positive("average interest-bearing debt") * 100.0
    total = eq + debt
    post = kd * (debt / total) * (1 - t) + (eq / total) * ke_v
    years = pd.Series(w.index.get_level_values(1), index=w.index)
    use_post = {"pre2019": years < 0, "post2019": years >= 0, "by_year": years >= 2019}[s["rule"]]
    rate = Q(pre.v.where(~use_post, post.v), pre.why.where(~use_post, post.why), "SASAC rate",
             pre.est.where(~use_post, post.est))
    return rate, s["rule"]


def eva_sasac(w: Wide, market: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    s = cfg["sasac"]
    t = s["nopat_tax_rate_percent"] * 0.01
    np_ = w["profit_for_year"]
    interest = w["interest_expense"] * (1 - t)
    rd = w["rd_expenses"] * (1 - t)
    gains = w.constant(0.0, "0")
    for it in s["nonrecurring_gain_items"]:
        g = w[it]
        gains = gains + Q(g.v.clip(lower=0.0), g.why, it, g.est)
    nonrec = -(gains * (s["nonrecurring_weight"] * (1 - t)))
    nopat = np_ + interest + rd + nonrec
    eq, eq_item = avg_one_of(w, s["equity_items"])
    debt, debt_item = avg_one_of(w, cfg["debt_items"])
    liab = w.avg("total_liabilities")
    nibcl = w.constant(0.0, "0")
    for it in s["nibcl_items"]:
        nibcl = nibcl + w.avg(it)
    if not s["nibcl_items"]:
        nibcl = Q(pd.Series(np.nan, index=w.index), pd.Series(
            "non-interest-bearing current liabilities: no items configured", index=w.index, dtype=object), "nibcl")
    cip = w.avg("construction_in_progress")
    capital = eq + liab - nibcl - cip
    rate, rule = sasac_rate(w, market, s, eq, debt)
    _, nm = preferred_equivalent(w, cfg, opening=False)
    lines = [("net profit", np_, "money"), ("plus: interest expense x (1-25%)", interest, "money"),
             ("plus: R&D expense x (1-25%)", rd, "money"),
             ("less: 50% of non-recurring gains x (1-25%)", nonrec, "money"),
             ("capital: avg equity", eq, "money"), ("capital: avg total liabilities", liab, "money"),
             ("capital: less avg non-interest-bearing current liabilities", -nibcl, "money"),
             ("capital: less avg construction in progress", -cip, "money")]
    return _lines(w, "sasac", lines + _finish(w, nopat, capital, rate, w["revenue"], nm, _nm_reason(cfg)),
                  f"equity: {eq_item}; debt: {debt_item}; rate rule: {rule}")


def wacc_q(w: Wide, wacc: pd.DataFrame, shift_pp: float = 0.0) -> tuple[Q, Q]:
    wa = wacc.set_index(["company", "fiscal_year"]).reindex(w.index)
    why = wa["status"].fillna("no WACC").astype(object)
    est = wa["estimate_inputs"].fillna("").astype(object)
    q = Q(wa["wacc"].astype(float) + shift_pp, why.where(wa["wacc"].isna(), ""), "WACC", est)
    tax = Q(wa["tax_rate"].astype(float), pd.Series("", index=w.index, dtype=object).where(
        wa["tax_rate"].notna(), "no tax rate"), "t")
    return q, tax


def ke_q(w: Wide, wacc: pd.DataFrame, shift_pp: float = 0.0) -> Q:
    """The CAPM cost of equity of wacc.csv as a Q (with the imputed inputs it rests on)."""
    wa = wacc.set_index(["company", "fiscal_year"]).reindex(w.index)
    v = wa["cost_of_equity"].astype(float)
    # an all-empty text column reads as float: cast to object before filling
    why = wa["cost_of_equity_status"].astype(object).fillna("no cost of equity") if "cost_of_equity_status" in wa \
        else pd.Series("no cost of equity", index=w.index, dtype=object)
    est = wa["cost_of_equity_inputs"].astype(object).fillna("") if "cost_of_equity_inputs" in wa \
        else pd.Series("", index=w.index, dtype=object)
    return Q(v + shift_pp, why.where(v.isna(), ""), "cost of equity", est)


def eva_summary(buildup: pd.DataFrame, method: str) -> pd.DataFrame:
    """Wide summary per company-year for one method: nopat, invested_capital, cost_of_capital, eva, ..."""
    b = buildup[buildup["method"] == method]
    keep = ["nopat", "invested_capital", "cost_of_capital", "capital_charge", "eva", "return_on_capital",
            "eva_spread", "eva_to_revenue"]
    v = b[b["line"].isin(keep)].pivot_table(index=["company", "fiscal_year"], columns="line", values="value",
                                            aggfunc="first", dropna=False)
    st = b[b["line"] == "eva"].set_index(["company", "fiscal_year"])
    v = v.reindex(columns=keep)
    v["status"] = st["status"]
    v["estimate_inputs"] = st["estimate_inputs"].fillna("")
    v.insert(0, "method", method)
    return v.reset_index()


def shifted_evas(buildup: pd.DataFrame, method: str, shifts_pp: list[float]) -> list[pd.DataFrame]:
    """EVA of one method when its rate moves by each shift (pp): only the capital charge changes,
    EVA = NOPAT - capital x (rate + shift) / 100, from the base build-up (no recomputation of NOPAT or capital;
    the build-up is read once for all shifts)."""
    b = buildup[buildup["method"] == method]
    key = ["company", "fiscal_year"]
    w = b.pivot_table(index=key, columns="line", values="value", aggfunc="first", dropna=False)
    base = b[b["line"] == "eva"].set_index(key)
    nopat, capital = w["nopat"], w["invested_capital"]
    out = []
    for shift_pp in shifts_pp:
        charge = capital * (w["cost_of_capital"] + shift_pp) * 0.01
        out.append(base.assign(value=(nopat - charge).reindex(base.index).to_numpy()).reset_index())
    return out


def sensitivity(panel: pd.DataFrame, market: pd.DataFrame, wacc: pd.DataFrame, cfg: dict,
                buildup: pd.DataFrame | None = None) -> pd.DataFrame:
    """EVA under shifts (pp) of the rate (WACC, or the cost of equity for residual income): only the capital
    charge varies (shifted_evas on the base build-up); EVA under R&D lives for stern_stewart (recomputed)."""
    w = Wide(panel)
    base = buildup if buildup is not None else compute_eva(panel, market, wacc, cfg)
    rows = []
    base_rate, tax = wacc_q(w, wacc)
    kd = kd_q(w, wacc)
    shifts = [float(shift) for shift in cfg["sensitivity"]["wacc_shift_pp"]]
    for method in ("simple", "residual_income_adjusted", "residual_income", "stern_stewart"):
        for shift, e in zip(shifts, shifted_evas(base, method, shifts)):
            rows.append(e.assign(parameter="wacc_shift_pp", setting=shift))
    for life in cfg["sensitivity"]["rd_life_years"]:
        e = eva_stern_stewart(w, base_rate, tax, kd, cfg, life=life)
        rows.append(e[e["line"] == "eva"].assign(parameter="rd_life_years", setting=float(life)))
    out = pd.concat(rows, ignore_index=True)[["company", "fiscal_year", "method", "parameter", "setting", "value", "status",
                                             "estimate_inputs"]]
    return sort_rows(out.rename(columns={"value": "eva"}), ["company", "method", "parameter", "setting", "fiscal_year"])


# What each method reads besides the panel: the cost of equity (ke), the rest of the WACC (wacc: weights, cost of
# debt, tax), the NOPAT and capital settings, its own settings. A robustness scenario that changes only some of these
# recomputes only the methods that read them (corpfin.robustness); a test checks each claim of independence.
METHOD_READS = {"residual_income": {"ke", "residual_income"}, "residual_income_adjusted": {"ke", "residual_income"},
                "simple": {"ke", "wacc", "nopat", "capital"},
                "stern_stewart": {"ke", "wacc", "nopat", "capital", "stern_stewart"}, "sasac": {"sasac"}}


def kd_q(w: Wide, wacc: pd.DataFrame) -> Q:
    """The pre-tax cost of debt of wacc.csv as a Q (per cent)."""
    wa = wacc.set_index(["company", "fiscal_year"]).reindex(w.index)
    v = wa["cost_of_debt_pretax"].astype(float)
    return Q(v, pd.Series("", index=w.index, dtype=object).where(v.notna(), "no cost of debt"), "cost of debt")


def compute_eva(panel: pd.DataFrame, market: pd.DataFrame, wacc: pd.DataFrame, cfg: dict,
                methods: tuple[str, ...] = METHODS) -> pd.DataFrame:
    """Build-up of the five methods (or of `methods`) (long): company, fiscal_year, method, order, line, value,
    unit, status, estimate_inputs, definition, formula."""
    w = Wide(panel)
    rate, tax = wacc_q(w, wacc)
    kd = kd_q(w, wacc)
    build = {"simple": lambda: eva_simple(w, rate, tax, kd, cfg),
             "residual_income_adjusted": lambda: eva_residual_income(w, ke_q(w, wacc), cfg, adjusted=True),
             "residual_income": lambda: eva_residual_income(w, ke_q(w, wacc), cfg),
             "stern_stewart": lambda: eva_stern_stewart(w, rate, tax, kd, cfg),
             "sasac": lambda: eva_sasac(w, market, cfg)}
    out = concat_long([build[m]() for m in METHODS if m in methods])
    out["formula"] = out["method"].map(FORMULAS)
    return sort_rows(out, ["company", "method", "fiscal_year", "order"])


def eva_change(summary: pd.DataFrame) -> pd.DataFrame:
    """The change of EVA from one year to the next split into spread and capital (per company and method):
    EVA_t - EVA_(t-1) = (s_t - s_(t-1)) x IC_(t-1) + s_t x (IC_t - IC_(t-1)), s the spread (per cent / 100) and IC
    invested capital; both parts need both years."""
    s = summary.sort_values(["company", "method", "fiscal_year"])
    g = s.groupby(["company", "method"], sort=False)
    prev = g[["eva", "eva_spread", "invested_capital", "fiscal_year"]].shift(1)
    ok = prev["fiscal_year"] == s["fiscal_year"] - 1
    spread, capital = s["eva_spread"] / 100.0, s["invested_capital"]
    out = pd.DataFrame({
        "company": s["company"], "method": s["method"], "fiscal_year": s["fiscal_year"],
        "eva_change": (s["eva"] - prev["eva"]).where(ok),
        "from_spread": ((spread - prev["eva_spread"] / 100.0) * prev["invested_capital"]).where(ok),
        "from_capital": (spread * (capital - prev["invested_capital"])).where(ok)})
    return out.dropna(subset=["eva_change"]).reset_index(drop=True)
