"""EVA by four methods, with the full build-up (the cost of capital is corpfin.cost_of_capital).

EVA = NOPAT - capital charge, capital charge = invested capital x cost of capital,
return on capital = NOPAT / invested capital, EVA spread = return on capital - cost of capital,
so EVA = spread x capital holds for every method and year (tested).

Methods (config eva.method; all three are always computed for the comparison table):
- simple: NOPAT = operating_profit x (1 - t); capital = avg(equity) + avg(interest-bearing debt); rate = WACC.
- sasac: China SASAC's simplified EVA for central SOEs, as quoted in shared/sources/notes/eva_methods.md §1.2
  (dongao CPA Q&A): NOPAT = net profit + (interest expense + R&D adjustment - 50% x non-recurring gains) x (1 - 25%);
  adjusted capital = avg equity + avg liabilities - avg non-interest-bearing current liabilities - avg construction
  in progress; rate = SASAC capital-cost rate 5.5% (+0.5 pp when the debt ratio exceeds 75%, pre-2019 rule).
  The 50% weight is documented only in words (2010 SASAC statement); see the notes.
- stern_stewart: NOPAT = (operating_profit + R&D expense - R&D amortisation - removed non-operating gains) x (1 - t);
  capital = avg(equity + interest-bearing debt + unamortised R&D asset) - excess cash (per config); rate = WACC.
  R&D is capitalised straight-line over a configured life: amortisation_t = sum_{k=1..L} rd_{t-k} / L,
  asset_t = sum_{k=0..L-1} rd_{t-k} x (L - k) / L. Cash taxes are not in the sources: the statutory rate is applied.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .estimates import BASIS_FX
from .cost_of_capital import market_series
from .market import pick
from .quantity import Q, Wide, concat_long, stack
from .select import sort_rows


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


METHODS = ("residual_income", "simple", "sasac", "stern_stewart")


# the formula of each method, printed in its build-up table (eva_buildup.csv, column formula)
FORMULAS = {
    "simple": "EVA = (EBIT - removed non-operating items) x (1 - t) - WACC x [avg equity + avg interest-bearing debt]",
    "stern_stewart": "EVA = (EBIT + R&D - R&D amortisation - removed non-operating items) x (1 - t) - WACC x "
                     "[avg equity + avg interest-bearing debt + avg unamortised R&D - avg excess cash]",
    "sasac": "EVA = [net profit + (interest + R&D - 50% x non-recurring gains) x (1 - 25%)] - SASAC rate x "
             "[avg equity + avg liabilities - avg non-interest-bearing current liabilities - avg construction in "
             "progress]; rate by the rule of the year",
    "residual_income": "RI = profit attributable to owners - cost of equity x opening equity attributable to owners",
}


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
    return [("nopat", nopat, "RMB_million"), ("invested_capital", capital, "RMB_million"),
            ("cost_of_capital", rate, "percent"), ("capital_charge", charge, "RMB_million"),
            ("eva", eva, "RMB_million"), ("return_on_capital", roc, "percent"),
            ("eva_spread", roc - rate, "percentage_points"), ("eva_to_revenue", eva / revenue * 100.0, "percent")]


def _nm_reason(cfg: dict) -> str:
    pc = cfg.get("preferred_shares")
    if not pc:
        return ""
    return (f"not meaningful: preferred shares carried as liabilities up to FY{pc['last_year_end']} "
            f"(carrying amount not sourced)")


def removed_items(w: Wide, items: list[str]) -> Q:
    """Sum of the non-operating items removed from EBIT (eva.nopat_remove_items): portfolio revaluations and
    results of associates are not returns of the operating business. A missing item is a gap, never a zero."""
    removed = w.constant(0.0, "0")
    for it in items:
        removed = removed + w[it]
    removed.name = "removed non-operating items"
    return removed


def eva_simple(w: Wide, wacc: Q, tax: Q, cfg: dict) -> pd.DataFrame:
    ebit = w["operating_profit"]
    removed = removed_items(w, cfg["nopat_remove_items"])
    adj = ebit - removed
    taxes = -(adj * tax * 0.01)
    nopat = adj + taxes
    eq, eq_item = avg_one_of(w, cfg["equity_items"])
    debt, debt_item = avg_one_of(w, cfg["debt_items"])
    pref, nm = preferred_equivalent(w, cfg, opening=False)
    lines = [("operating_profit (EBIT)", ebit, "RMB_million"),
             ("less: removed non-operating items", -removed, "RMB_million"),
             ("less: taxes at t", taxes, "RMB_million"),
             ("capital: avg equity", eq, "RMB_million"), ("capital: avg interest-bearing debt", debt, "RMB_million"),
             ("capital: avg preferred shares (equity equivalent)", pref, "RMB_million")]
    return _lines(w, "simple", lines + _finish(w, nopat, eq + debt + pref, wacc, w["revenue"], nm, _nm_reason(cfg)),
                  f"equity: {eq_item}; debt: {debt_item}")


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
    lines = [("net profit", np_, "RMB_million"), ("plus: interest expense x (1-25%)", interest, "RMB_million"),
             ("plus: R&D expense x (1-25%)", rd, "RMB_million"),
             ("less: 50% of non-recurring gains x (1-25%)", nonrec, "RMB_million"),
             ("capital: avg equity", eq, "RMB_million"), ("capital: avg total liabilities", liab, "RMB_million"),
             ("capital: less avg non-interest-bearing current liabilities", -nibcl, "RMB_million"),
             ("capital: less avg construction in progress", -cip, "RMB_million")]
    return _lines(w, "sasac", lines + _finish(w, nopat, capital, rate, w["revenue"], nm, _nm_reason(cfg)),
                  f"equity: {eq_item}; debt: {debt_item}; rate rule: {rule}")


def eva_stern_stewart(w: Wide, wacc: Q, tax: Q, cfg: dict, life: int | None = None) -> pd.DataFrame:
    s = cfg["stern_stewart"]
    life = life or s["rd_life_years"]
    amort, asset = rd_capitalisation(w, life)
    ebit = w["operating_profit"]
    removed = removed_items(w, cfg["nopat_remove_items"])
    adj_ebit = ebit + w["rd_expenses"] - amort - removed
    taxes = -(adj_ebit * tax * 0.01)
    nopat = adj_ebit + taxes
    eq, eq_item = avg_one_of(w, cfg["equity_items"])
    debt, debt_item = avg_one_of(w, cfg["debt_items"])
    pref, nm = preferred_equivalent(w, cfg, opening=False)
    avg_rd_asset = (asset + rd_asset(w, life, lag=1)) / 2.0
    cash = w.constant(0.0, "0")
    if s["excess_cash"] == "cash_and_deposits":
        cash = w.avg("cash_and_equivalents") + w.avg("short_term_bank_deposits")
    capital = eq + debt + pref + avg_rd_asset - cash
    lines = [("operating_profit (EBIT)", ebit, "RMB_million"), ("plus: R&D expense", w["rd_expenses"], "RMB_million"),
             (f"less: R&D amortisation ({life}y)", -amort, "RMB_million"),
             ("less: removed non-operating items", -removed, "RMB_million"),
             ("less: taxes at t on adjusted EBIT", taxes, "RMB_million"),
             ("capital: avg equity", eq, "RMB_million"), ("capital: avg interest-bearing debt", debt, "RMB_million"),
             ("capital: avg preferred shares (equity equivalent)", pref, "RMB_million"),
             (f"capital: avg unamortised R&D ({life}y)", avg_rd_asset, "RMB_million"),
             ("capital: less avg excess cash", -cash, "RMB_million")]
    return _lines(w, "stern_stewart", lines + _finish(w, nopat, capital, wacc, w["revenue"], nm, _nm_reason(cfg)),
                  f"equity: {eq_item}; debt: {debt_item}")


def eva_residual_income(w: Wide, ke: Q, cfg: dict) -> pd.DataFrame:
    """Equity-side EVA (residual income): RI = profit attributable to owners - ke x opening attributable equity.

    Opening (prior year-end) equity, not the average: the charge is on the capital the owners had at the start of
    the year. It needs no debt figure. It equals entity EVA when the firm has no debt and no non-operating items
    (NOPAT = net income, capital = equity, WACC = ke); otherwise the two differ by the debt side and by what the
    entity NOPAT removes."""
    ni = w["profit_attributable_owners"]
    item = cfg["residual_income"]["equity_item"]
    eq = w.prev(item)
    pref, nm = preferred_equivalent(w, cfg, opening=True)
    lines = [("profit attributable to owners", ni, "RMB_million"),
             ("capital: opening equity attributable to owners", eq, "RMB_million"),
             ("capital: opening preferred shares (equity equivalent)", pref, "RMB_million")]
    return _lines(w, "residual_income", lines + _finish(w, ni, eq + pref, ke, w["revenue"], nm, _nm_reason(cfg)),
                  f"equity: {item} (opening)")


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


# what each method reads besides the panel, the market data and the EVA settings common to all: the WACC table
# (its rate, cost of equity or tax rate) and its own settings. A scenario that changes only these recomputes only
# the methods that read them (corpfin.robustness); a test checks each claim of independence.
METHOD_READS = {"residual_income": {"wacc", "residual_income"}, "simple": {"wacc"}, "sasac": {"sasac"},
                "stern_stewart": {"wacc", "stern_stewart"}}


def compute_eva(panel: pd.DataFrame, market: pd.DataFrame, wacc: pd.DataFrame, cfg: dict,
                methods: tuple[str, ...] = tuple(METHOD_READS)) -> pd.DataFrame:
    """Build-up of the four methods (or of `methods`) (long): company, fiscal_year, method, order, line, value,
    unit, status, estimate_inputs, definition, formula."""
    w = Wide(panel)
    rate, tax = wacc_q(w, wacc)
    build = {"residual_income": lambda: eva_residual_income(w, ke_q(w, wacc), cfg),
             "simple": lambda: eva_simple(w, rate, tax, cfg), "sasac": lambda: eva_sasac(w, market, cfg),
             "stern_stewart": lambda: eva_stern_stewart(w, rate, tax, cfg)}
    out = concat_long([build[m]() for m in METHOD_READS if m in methods])
    out["formula"] = out["method"].map(FORMULAS)
    return sort_rows(out, ["company", "method", "fiscal_year", "order"])


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
    shifts = [float(shift) for shift in cfg["sensitivity"]["wacc_shift_pp"]]
    for method in ("simple", "stern_stewart", "residual_income"):
        for shift, e in zip(shifts, shifted_evas(base, method, shifts)):
            rows.append(e.assign(parameter="wacc_shift_pp", setting=shift))
    for life in cfg["sensitivity"]["rd_life_years"]:
        e = eva_stern_stewart(w, base_rate, tax, cfg, life=life)
        rows.append(e[e["line"] == "eva"].assign(parameter="rd_life_years", setting=float(life)))
    out = pd.concat(rows, ignore_index=True)[["company", "fiscal_year", "method", "parameter", "setting", "value", "status",
                                             "estimate_inputs"]]
    return sort_rows(out.rename(columns={"value": "eva"}), ["company", "method", "parameter", "setting", "fiscal_year"])


def market_value_added(panel: pd.DataFrame, market: pd.DataFrame, market_cap: dict | None, fx: dict,
                       equity_items: list[str], debt_items: list[str] | None = None,
                       cash_items: list[str] | None = None, currency: str = "RMB") -> pd.DataFrame:
    """Market value added, enterprise value and multiples per company-year.

    MVA = market capitalisation (RMB) - book equity; market-to-book = capitalisation / book equity;
    EV = capitalisation + interest-bearing debt - cash; EV/EBITDA with EBITDA = operating profit + depreciation and
    amortisation; EV/revenue. The sourced capitalisations are in HKD (HKD million after corpfin.market); each is
    converted at the year-end rate of the same year (`fx`: cleaning.fx_estimates.yearend_rate_items, first
    available: the SAFE central parity, else the ECB cross rate), so every value here is a flagged estimate.
    Book equity, debt and cash are one definition each over the window (Wide.definition).
    """
    w = Wide(panel)
    per = float(fx["per"])
    cap_item, cap_ccy = (market_cap or {}).get("item", "no capitalisation configured"), (market_cap or {}).get("currency")
    mcap, mcap_info = market_series(w, market, [cap_item], 0, f"market capitalisation ({cap_ccy})")
    years = pd.Series(w.index.get_level_values(1), index=w.index)
    if cap_ccy == fx["from_currency"] and currency == fx["to_currency"]:
        # converted at the year-end rate of the same year: a flagged estimate
        rate, rate_info = market_series(w, market, list(fx["yearend_rate_items"]), 0, "year-end HKD/RMB rate")
        mcap_rmb = mcap * rate / per
        label = f"{BASIS_FX} market_cap FY" + years.astype(str)
        mcap_rmb.est = pd.Series(np.where(mcap_rmb.v.notna(), label, ""), index=w.index, dtype=object)
    else:
        rate = w.constant(per if cap_ccy == currency else np.nan, "same currency")
        rate_info = pd.DataFrame({"source_id": ""}, index=w.index)
        mcap_rmb = mcap if cap_ccy == currency else Q(mcap.v * np.nan, pd.Series(
            f"capitalisation in {cap_ccy}, statements in {currency}: no rate", index=w.index, dtype=object), "mcap")
    equity, used = w.one_of(equity_items)
    mva = (mcap_rmb - equity).clean()
    mtb = (mcap_rmb / equity.where_positive("book equity")).clean()
    debt, debt_item = w.one_of(debt_items or ["total_borrowings"])
    cash, cash_item = w.one_of(cash_items or ["cash_and_equivalents"])
    ev = (mcap_rmb + debt - cash).clean()
    ebitda = (w["operating_profit"] + w["depreciation_amortization"]).clean()
    ev_ebitda = (ev / ebitda.where_positive("EBITDA")).clean()
    ev_rev = (ev / w["revenue"]).clean()
    return pd.DataFrame({
        "company": [c for c, _ in w.index], "fiscal_year": [y for _, y in w.index],
        "market_cap_hkd_million": mcap.v.values, "market_cap_source": mcap_info["source_id"].values,
        "rate_rmb_per_hkd": (rate / per).v.values, "rate_source": rate_info["source_id"].values,
        "market_cap_rmb_million": mcap_rmb.clean().v.values, "book_equity": equity.v.values,
        "book_equity_item": used, "mva": mva.v.values, "market_to_book": mtb.v.values,
        "status": mva.why.values, "estimate_inputs": mva.est.values,
        "debt": debt.v.values, "debt_item": debt_item, "cash": cash.v.values, "cash_item": cash_item,
        "enterprise_value": ev.v.values, "ebitda": ebitda.v.values, "ev_to_ebitda": ev_ebitda.v.values,
        "ev_to_revenue": ev_rev.v.values, "ev_status": ev.why.values, "ev_estimate_inputs": ev.est.values,
        "ev_to_ebitda_status": ev_ebitda.why.values,
    })
