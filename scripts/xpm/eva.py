"""WACC (CAPM) and EVA by three methods, with the full build-up.

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
from .market import TIER_CARRIED, TIER_DERIVED, TIER_REPORTED, pick, select_by_vintage
from .quantity import Q, Wide


def market_series(w: Wide, market: pd.DataFrame, items: list[str], lag: int = 0, label: str = "", *,
                  carry: bool = False, allow_derived: bool = False) -> tuple[Q, pd.DataFrame]:
    """Per fiscal year t, the input for year t + lag (e.g. lag=1: start of next year), chosen by
    xpm.market.select_by_vintage: the exact year first, then (carry=True, tiered mode) the nearest vintage at or
    before, else after. Returns the Q (its `est` names carried and derived values with their vintage) and a frame
    of source_id, vintage and tier per index row."""
    picks = {y: select_by_vintage(market, items, y + lag, carry, allow_derived)
             for y in sorted(set(w.index.get_level_values(1)))}
    years = pd.Series(w.index.get_level_values(1), index=w.index)
    info = pd.DataFrame([picks[y] for y in years], index=w.index)
    v = info["value"].astype(float)
    why = pd.Series("", index=w.index, dtype=object)
    miss = v.isna()
    why[miss] = f"no source for {label or items[0]} (year " + (years[miss] + lag).astype(str) + ")"
    imputed = info["tier"].isin([TIER_CARRIED, TIER_DERIVED])
    est = pd.Series("", index=w.index, dtype=object)
    est[imputed] = [f"{t} {label or items[0]} FY{y} (vintage {int(vin)})" for t, y, vin in
                    zip(info.loc[imputed, "tier"], years[imputed], info.loc[imputed, "vintage"])]
    return Q(v, why, label or items[0], est), info[["source_id", "vintage", "tier"]]


def fixed_vintage(w: Wide, market: pd.DataFrame, item: str, year: int, label: str) -> tuple[Q, pd.DataFrame]:
    """Strict mode's single configured vintage of a slow parameter, applied to every year: the vintage and the
    tier ('carried' wherever the vintage is not the fiscal year) are shown with it."""
    v, sid = pick(market, item, year)
    years = pd.Series(w.index.get_level_values(1), index=w.index)
    why = pd.Series("" if not np.isnan(v) else f"no source for {item}", index=w.index, dtype=object)
    carried = (years != year) & (not np.isnan(v))
    est = pd.Series("", index=w.index, dtype=object)
    est[carried] = [f"{TIER_CARRIED} {label} FY{y} (vintage {year})" for y in years[carried]]
    tier = np.where(np.isnan(v), "", np.where(carried, TIER_CARRIED, TIER_REPORTED))
    info = pd.DataFrame({"source_id": sid, "vintage": year if not np.isnan(v) else np.nan, "tier": tier},
                        index=w.index)
    return Q(pd.Series(v, index=w.index, dtype=float), why, label, est), info


def market_constant(w: Wide, market: pd.DataFrame, item: str, year) -> tuple[Q, str]:
    v, sid = pick(market, item, year)
    why = pd.Series("" if not np.isnan(v) else f"no source for {item}", index=w.index, dtype=object)
    return Q(pd.Series(v, index=w.index, dtype=float), why, item), sid


def avg_one_of(w: Wide, items: list[str]) -> tuple[Q, str]:
    """Average of opening and closing balance of the one item chosen for the whole window (Wide.definition)."""
    it = w.definition(items)
    return w.avg(it), it


def capm_inputs(w: Wide, market: pd.DataFrame, cfg: dict, imputation: dict) -> dict[str, tuple[Q, pd.DataFrame]]:
    """Each CAPM input per fiscal year with its source, vintage and tier (xpm.market.select_by_vintage).

    strict: the exact year only for the risk-free rate, ERP and cost of debt; the configured single vintage for
    beta and the country premium (as before issue 12). tiered: every input by year, carried from the nearest
    sourced vintage where imputation.carried lists it, derived market values allowed."""
    tiered = imputation["mode"] == "tiered"
    carry = set(imputation["carried"]) if tiered else set()
    lag = 1 if cfg["equity_risk_premium"]["timing"] == "start_of_next_year" else 0
    out = {
        "risk_free": market_series(w, market, cfg["risk_free"]["items"], 0, "risk-free rate",
                                   carry="risk_free" in carry, allow_derived=tiered),
        "equity_risk_premium": market_series(w, market, cfg["equity_risk_premium"]["items"], lag,
                                             "equity risk premium", carry="equity_risk_premium" in carry,
                                             allow_derived=tiered),
        "cost_of_debt": market_series(w, market, cfg["cost_of_debt"]["items"], 0, "cost of debt",
                                      carry="cost_of_debt" in carry, allow_derived=tiered),
    }
    for key, label in (("country_risk_premium", "country risk premium"), ("beta", "beta")):
        c = cfg[key]
        if tiered:
            out[key] = market_series(w, market, c.get("items", [c["item"]]), 0, label, carry=key in carry,
                                     allow_derived=True)
        else:
            out[key] = fixed_vintage(w, market, c["item"], c["year"], label)
    return out


STRICT = {"mode": "strict", "carried": [], "derived_identities": [], "market_derivations": []}


def compute_wacc(panel: pd.DataFrame, market: pd.DataFrame, cfg: dict, imputation: dict | None = None) -> pd.DataFrame:
    """CAPM cost of equity and WACC per company-year, every input with its source id, vintage and tier (percent).
    Equity and debt are one definition each over the whole window (Wide.definition). imputation: the config's
    `imputation` section (default strict)."""
    imputation = imputation or STRICT
    w = Wide(panel)
    inp = capm_inputs(w, market, cfg, imputation)
    rf, erp, crp, beta, kd = (inp[k][0] for k in ("risk_free", "equity_risk_premium", "country_risk_premium",
                                                  "beta", "cost_of_debt"))
    kd = kd + cfg["cost_of_debt"]["spread_pp"]
    tax, tax_src = market_constant(w, market, cfg["tax_rate"]["item"], None)
    ke = rf + beta * (erp + crp)
    if cfg["weights"] == "book":
        e, e_item = w.one_of(cfg["equity_items"])
        d, d_item = w.one_of(cfg["debt_items"])
        e = e.where_positive("book equity")
    else:
        nan = pd.Series(np.nan, index=w.index)
        why = pd.Series("market weights are not implemented: the market value of equity exists only as a flagged "
                        "FX estimate (mva.csv), and the market value of debt is not sourced", index=w.index,
                        dtype=object)
        e, d = Q(nan, why, "market equity"), Q(nan.copy(), why.copy(), "market debt")
        e_item = d_item = ""
    total = e + d
    we, wd = e / total, d / total
    wacc = (we * ke + wd * kd * (tax * -0.01 + 1.0)).clean()
    cols = {"company": [c for c, _ in w.index], "fiscal_year": [y for _, y in w.index]}
    for key, (q, info) in inp.items():
        cols[key] = q.v.values
        cols[f"{key}_source"] = info["source_id"].values
        cols[f"{key}_vintage"] = info["vintage"].values
        cols[f"{key}_tier"] = info["tier"].values
    out = pd.DataFrame({
        **cols, "cost_of_equity": ke.v.values, "cost_of_debt_pretax": kd.v.values,
        "tax_rate": tax.v.values, "tax_rate_source": tax_src,
        "equity": e.v.values, "equity_item": e_item, "debt": d.v.values, "debt_item": d_item,
        "weight_equity": we.v.values, "weight_debt": wd.v.values, "wacc": wacc.v.values, "status": wacc.why.values,
        "estimate_inputs": wacc.est.values,
    })
    lo, hi = cfg["bounds_percent"]["min"], cfg["bounds_percent"]["max"]
    bad = out[out["wacc"].notna() & ((out["wacc"] < lo) | (out["wacc"] > hi))]
    if not bad.empty:
        r = bad.iloc[0]
        raise ValueError(f"{r.company} FY{r.fiscal_year}: WACC {r.wacc:.3f}% outside the configured bounds "
                         f"[{lo}, {hi}]% (rf {r.risk_free}, beta {r.beta}, ERP {r.equity_risk_premium}, CRP "
                         f"{r.country_risk_premium}, kd {r.cost_of_debt_pretax}): check wacc inputs in "
                         f"workflow/config.yaml")
    return out


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
    frames = []
    for order, (line, q, unit) in enumerate(lines):
        q = q.clean()
        frames.append(pd.DataFrame({"company": [c for c, _ in w.index], "fiscal_year": [y for _, y in w.index],
                                    "method": method, "order": order, "line": line, "value": q.v.values,
                                    "unit": unit, "status": q.why.values, "estimate_inputs": q.est.values,
                                    "definition": definition}))
    return pd.concat(frames, ignore_index=True)


def _finish(w: Wide, nopat: Q, capital: Q, rate: Q, revenue: Q) -> list[tuple[str, Q, str]]:
    capital = capital.where_positive("invested capital")
    charge = capital * rate * 0.01
    eva = nopat - charge
    roc = nopat / capital * 100.0
    return [("nopat", nopat, "RMB_million"), ("invested_capital", capital, "RMB_million"),
            ("cost_of_capital", rate, "percent"), ("capital_charge", charge, "RMB_million"),
            ("eva", eva, "RMB_million"), ("return_on_capital", roc, "percent"),
            ("eva_spread", roc - rate, "percentage_points"), ("eva_to_revenue", eva / revenue * 100.0, "percent")]


def eva_simple(w: Wide, wacc: Q, tax: Q, cfg: dict) -> pd.DataFrame:
    ebit = w["operating_profit"]
    taxes = -(ebit * tax * 0.01)
    nopat = ebit + taxes
    eq, eq_item = avg_one_of(w, cfg["equity_items"])
    debt, debt_item = avg_one_of(w, cfg["debt_items"])
    lines = [("operating_profit (EBIT)", ebit, "RMB_million"), ("less: taxes at t", taxes, "RMB_million"),
             ("capital: avg equity", eq, "RMB_million"), ("capital: avg interest-bearing debt", debt, "RMB_million")]
    return _lines(w, "simple", lines + _finish(w, nopat, eq + debt, wacc, w["revenue"]),
                  f"equity: {eq_item}; debt: {debt_item}")


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
    liab = w.avg("total_liabilities")
    nibcl = w.constant(0.0, "0")
    for it in s["nibcl_items"]:
        nibcl = nibcl + w.avg(it)
    if not s["nibcl_items"]:
        nibcl = Q(pd.Series(np.nan, index=w.index), pd.Series(
            "non-interest-bearing current liabilities: no items configured", index=w.index, dtype=object), "nibcl")
    cip = w.avg("construction_in_progress")
    capital = eq + liab - nibcl - cip
    rate_v, _ = pick(market, s["rate_item"], None)
    sur_v, _ = pick(market, s["surcharge_item"], None)
    debt_ratio = w["total_liabilities"] / w["total_assets"] * 100.0
    rate = w.constant(rate_v, "SASAC rate") + Q((debt_ratio.v > s["surcharge_debt_ratio_percent"]).astype(float)
                                                 * sur_v, debt_ratio.why, "surcharge", debt_ratio.est)
    lines = [("net profit", np_, "RMB_million"), ("plus: interest expense x (1-25%)", interest, "RMB_million"),
             ("plus: R&D expense x (1-25%)", rd, "RMB_million"),
             ("less: 50% of non-recurring gains x (1-25%)", nonrec, "RMB_million"),
             ("capital: avg equity", eq, "RMB_million"), ("capital: avg total liabilities", liab, "RMB_million"),
             ("capital: less avg non-interest-bearing current liabilities", -nibcl, "RMB_million"),
             ("capital: less avg construction in progress", -cip, "RMB_million")]
    return _lines(w, "sasac", lines + _finish(w, nopat, capital, rate, w["revenue"]), f"equity: {eq_item}")


def eva_stern_stewart(w: Wide, wacc: Q, tax: Q, cfg: dict, life: int | None = None) -> pd.DataFrame:
    s = cfg["stern_stewart"]
    life = life or s["rd_life_years"]
    amort, asset = rd_capitalisation(w, life)
    ebit = w["operating_profit"]
    removed = w.constant(0.0, "0")
    for it in s["remove_items"]:
        removed = removed + w[it]
    adj_ebit = ebit + w["rd_expenses"] - amort - removed
    taxes = -(adj_ebit * tax * 0.01)
    nopat = adj_ebit + taxes
    eq, eq_item = avg_one_of(w, cfg["equity_items"])
    debt, debt_item = avg_one_of(w, cfg["debt_items"])
    avg_rd_asset = (asset + rd_asset(w, life, lag=1)) / 2.0
    cash = w.constant(0.0, "0")
    if s["excess_cash"] == "cash_and_deposits":
        cash = w.avg("cash_and_equivalents") + w.avg("short_term_bank_deposits")
    capital = eq + debt + avg_rd_asset - cash
    lines = [("operating_profit (EBIT)", ebit, "RMB_million"), ("plus: R&D expense", w["rd_expenses"], "RMB_million"),
             (f"less: R&D amortisation ({life}y)", -amort, "RMB_million"),
             ("less: removed non-operating gains", -removed, "RMB_million"),
             ("less: taxes at t on adjusted EBIT", taxes, "RMB_million"),
             ("capital: avg equity", eq, "RMB_million"), ("capital: avg interest-bearing debt", debt, "RMB_million"),
             (f"capital: avg unamortised R&D ({life}y)", avg_rd_asset, "RMB_million"),
             ("capital: less avg excess cash", -cash, "RMB_million")]
    return _lines(w, "stern_stewart", lines + _finish(w, nopat, capital, wacc, w["revenue"]),
                  f"equity: {eq_item}; debt: {debt_item}")


def wacc_q(w: Wide, wacc: pd.DataFrame, shift_pp: float = 0.0) -> tuple[Q, Q]:
    wa = wacc.set_index(["company", "fiscal_year"]).reindex(w.index)
    why = wa["status"].fillna("no WACC").astype(object)
    est = wa["estimate_inputs"].fillna("").astype(object)
    q = Q(wa["wacc"].astype(float) + shift_pp, why.where(wa["wacc"].isna(), ""), "WACC", est)
    tax = Q(wa["tax_rate"].astype(float), pd.Series("", index=w.index, dtype=object).where(
        wa["tax_rate"].notna(), "no tax rate"), "t")
    return q, tax


def compute_eva(panel: pd.DataFrame, market: pd.DataFrame, wacc: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """Build-up of all three methods (long): company, fiscal_year, method, order, line, value, unit, status."""
    w = Wide(panel)
    rate, tax = wacc_q(w, wacc)
    out = pd.concat([eva_simple(w, rate, tax, cfg), eva_sasac(w, market, cfg), eva_stern_stewart(w, rate, tax, cfg)],
                    ignore_index=True)
    return out.sort_values(["company", "method", "fiscal_year", "order"]).reset_index(drop=True)


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


def sensitivity(panel: pd.DataFrame, market: pd.DataFrame, wacc: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """EVA under WACC shifts (pp) for the WACC-based methods and under R&D lives for stern_stewart."""
    w = Wide(panel)
    rows = []
    base_rate, tax = wacc_q(w, wacc)
    for shift in cfg["sensitivity"]["wacc_shift_pp"]:
        rate, _ = wacc_q(w, wacc, shift)
        for method, df in (("simple", eva_simple(w, rate, tax, cfg)), ("stern_stewart", eva_stern_stewart(w, rate, tax, cfg))):
            e = df[df["line"] == "eva"]
            rows.append(e.assign(parameter="wacc_shift_pp", setting=float(shift)))
    for life in cfg["sensitivity"]["rd_life_years"]:
        e = eva_stern_stewart(w, base_rate, tax, cfg, life=life)
        rows.append(e[e["line"] == "eva"].assign(parameter="rd_life_years", setting=float(life)))
    out = pd.concat(rows, ignore_index=True)[["company", "fiscal_year", "method", "parameter", "setting", "value", "status",
                                             "estimate_inputs"]]
    return out.rename(columns={"value": "eva"}).sort_values(["company", "method", "parameter", "setting", "fiscal_year"]
                                                          ).reset_index(drop=True)


def market_value_added(panel: pd.DataFrame, market: pd.DataFrame, market_cap_item: str, fx: dict,
                       equity_items: list[str]) -> pd.DataFrame:
    """MVA = market capitalisation (RMB) - book equity, and the market-to-book ratio, per company-year.

    The sourced market capitalisations are in HKD (HKD million after xpm.market); each is converted at the
    year-end rate of the same year (`fx`: cleaning.fx_estimates.yearend_rate_items, first available: the SAFE
    central parity, else the ECB cross rate), so every MVA is a flagged estimate (estimate_inputs names the
    converted capitalisation). Book equity is one definition over the window (Wide.definition of `equity_items`).
    """
    w = Wide(panel)
    per = float(fx["per"])
    mcap, mcap_info = market_series(w, market, [market_cap_item], 0, "market capitalisation (HKD)")
    rate, rate_info = market_series(w, market, list(fx["yearend_rate_items"]), 0, "year-end HKD/RMB rate")
    years = pd.Series(w.index.get_level_values(1), index=w.index)
    label = f"{BASIS_FX} market_cap FY" + years.astype(str)
    mcap_rmb = mcap * rate / per
    mcap_rmb.est = pd.Series(np.where(mcap_rmb.v.notna(), label, ""), index=w.index, dtype=object)
    equity, used = w.one_of(equity_items)
    mva = (mcap_rmb - equity).clean()
    mtb = (mcap_rmb / equity.where_positive("book equity")).clean()
    return pd.DataFrame({
        "company": [c for c, _ in w.index], "fiscal_year": [y for _, y in w.index],
        "market_cap_hkd_million": mcap.v.values, "market_cap_source": mcap_info["source_id"].values,
        "rate_rmb_per_hkd": (rate / per).v.values, "rate_source": rate_info["source_id"].values,
        "market_cap_rmb_million": mcap_rmb.clean().v.values, "book_equity": equity.v.values,
        "book_equity_item": used, "mva": mva.v.values, "market_to_book": mtb.v.values,
        "status": mva.why.values, "estimate_inputs": mva.est.values,
    })
