"""Cost of capital by CAPM: each input chosen per fiscal year from its sourced vintages, the cost of equity and the WACC.

cost of equity = (rf - default spread) + beta x (ERP + CRP)  (or rf + beta x ERP: wacc.risk_free.treatment);
WACC = E/(D+E) x ke + D/(D+E) x kd x (1 - t). Every input keeps its source id, vintage and tier (reported, carried,
derived); a year without a sourced input has no WACC.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .market import TIER_CARRIED, TIER_DERIVED, TIER_REPORTED, pick, select_from, vintage_candidates
from .quantity import Q, Wide


def market_series(w: Wide, market: pd.DataFrame, items: list[str], lag: int = 0, label: str = "", *,
                  carry: bool = False, allow_derived: bool = False) -> tuple[Q, pd.DataFrame]:
    """Per fiscal year t, the input for year t + lag (e.g. lag=1: start of next year), chosen by
    corpfin.market.select_by_vintage: the exact year first, then (carry=True, tiered mode) the nearest vintage at or
    before, else after. Returns the Q (its `est` names carried and derived values with their vintage) and a frame
    of source_id, vintage and tier per index row."""
    candidates = vintage_candidates(market, items, allow_derived)
    name = label or items[0]
    # chosen once per fiscal year, with its reason and estimate texts, and spread to the rows of that year
    distinct, row_of = np.unique(w.index.get_level_values(1).to_numpy(), return_inverse=True)
    picks = [select_from(candidates, items, int(y) + lag, carry) for y in distinct]
    v = np.array([p["value"] for p in picks], dtype=float)[row_of]
    why = np.array(["" if not np.isnan(p["value"]) else f"no source for {name} (year {y + lag})"
                    for y, p in zip(distinct, picks)], dtype=object)[row_of]
    est = np.array([f"{p['tier']} {name} FY{y} (vintage {int(p['vintage'])})"
                    if p["tier"] in (TIER_CARRIED, TIER_DERIVED) else "" for y, p in zip(distinct, picks)],
                   dtype=object)[row_of]
    # the rows' source, vintage and tier as Python values, typed by pandas as before (vintage int, or float with
    # a gap)
    info = pd.DataFrame({key: np.array([p[key] for p in picks], dtype=object)[row_of].tolist()
                         for key in ("source_id", "vintage", "tier")}, index=w.index)
    return Q(pd.Series(v, index=w.index), why, name, est), info


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


def capm_inputs(w: Wide, market: pd.DataFrame, cfg: dict, imputation: dict) -> dict[str, tuple[Q, pd.DataFrame]]:
    """Each CAPM input per fiscal year with its source, vintage and tier (corpfin.market.select_by_vintage).

    strict: the exact year only for the risk-free rate, ERP and cost of debt; the configured single vintage for
    beta and the country premium (as before issue 12). tiered: every input by year, carried from the nearest
    sourced vintage where imputation.carried lists it, derived market values allowed."""
    tiered = imputation["mode"] == "tiered"
    carry = set(imputation["carried"]) if tiered else set()
    erp = cfg.get("equity_risk_premium")
    lag = 1 if erp and erp["timing"] == "start_of_next_year" else 0
    out = {}
    for key, label, shift in (("risk_free", "risk-free rate", 0), ("equity_risk_premium", "equity risk premium", lag),
                              ("cost_of_debt", "cost of debt", 0)):
        c = cfg.get(key)
        out[key] = (market_series(w, market, c["items"], shift, label, carry=key in carry, allow_derived=tiered)
                    if c else not_configured(w, label))
    for key, label in (("country_risk_premium", "country risk premium"), ("beta", "beta"),
                       ("default_spread", "sovereign default spread")):
        c = cfg.get(key)
        if not c:
            out[key] = not_configured(w, label)
        elif tiered:
            out[key] = market_series(w, market, c.get("items", [c["item"]]), 0, label, carry=key in carry,
                                     allow_derived=True)
        else:
            out[key] = fixed_vintage(w, market, c["item"], c["year"], label)
    return out


def not_configured(w: Wide, label: str) -> tuple[Q, pd.DataFrame]:
    """An input the configuration does not name for this company or market (no beta of its own, a market without a
    country premium): a gap in every year, with the reason."""
    why = pd.Series(f"no {label} configured", index=w.index, dtype=object)
    info = pd.DataFrame({"source_id": "", "vintage": np.nan, "tier": ""}, index=w.index)
    return Q(pd.Series(np.nan, index=w.index, dtype=float), why, label), info


STRICT = {"mode": "strict", "carried": [], "derived_identities": [], "market_derivations": []}


def cost_of_equity(rf: Q, beta: Q, erp: Q, crp: Q, spread: Q, treatment: str) -> tuple[Q, Q]:
    """(risk-free rate used, CAPM cost of equity) in per cent.

    less_default_spread: the local 10-year yield already prices China's sovereign default risk, so the default
    spread is removed from it and the country risk premium added to the equity premium:
    ke = (rf - default spread) + beta x (ERP + CRP)  (Damodaran's treatment of a local-currency rate).
    local_no_crp: the local yield as it is and no country premium: ke = rf + beta x ERP."""
    if treatment == "less_default_spread":
        rf_used = rf - spread
        rf_used.name = "rf - default spread"
        return rf_used, rf_used + beta * (erp + crp)
    if treatment == "local_no_crp":
        return rf, rf + beta * erp
    raise ValueError(f"wacc.risk_free.treatment: unknown value {treatment!r}; accepted: less_default_spread, "
                     "local_no_crp")


def effective_tax_rate(w: Wide) -> Q:
    """Income tax / profit before tax (per cent); none where profit before tax is not positive or the rate falls
    outside 0-100% (a year of non-taxable gains or losses)."""
    etr = w["income_tax_expense"] / w["profit_before_tax"].where_positive("profit before tax") * 100.0
    bad = ((etr.v < 0) | (etr.v > 100)).to_numpy()
    return Q(etr.v.where(~bad), etr.why.where(~bad, "effective tax rate outside 0-100%"), "effective tax rate",
             etr.est)


def compute_wacc(panel: pd.DataFrame, market: pd.DataFrame, cfg: dict, imputation: dict | None = None,
                 beta_override: float | None = None, ke_shift_pp: float = 0.0,
                 market_equity: pd.Series | None = None, tax_override: pd.Series | None = None) -> pd.DataFrame:
    """CAPM cost of equity and WACC per company-year, every input with its source id, vintage and tier (percent).
    Equity and debt are one definition each over the whole window (Wide.definition). imputation: the config's
    `imputation` section (default strict). For the robustness grid: beta_override, one beta for every year;
    ke_shift_pp, a shift of the cost of equity; market_equity (by company and fiscal year) for weights: market (the
    year-end capitalisation in the company's currency; debt at book value, as its market value is not sourced);
    tax_override, a tax rate per company and year (per cent) instead of the market's statutory rate."""
    imputation = imputation or STRICT
    w = Wide(panel)
    inp = capm_inputs(w, market, cfg, imputation)
    if beta_override is not None:
        q = w.constant(beta_override, "beta (scenario)")
        inp["beta"] = (q, pd.DataFrame({"source_id": "scenario", "vintage": np.nan, "tier": "scenario"},
                                       index=w.index))
    rf, erp, crp, beta, kd, ds = (inp[k][0] for k in ("risk_free", "equity_risk_premium", "country_risk_premium",
                                                      "beta", "cost_of_debt", "default_spread"))
    kd = kd + (cfg.get("cost_of_debt") or {}).get("spread_pp", 0.0)
    tax_cfg = cfg.get("tax_rate") or {}
    if tax_cfg.get("effective"):
        tax, tax_src = effective_tax_rate(w), "effective: income tax / profit before tax"
    elif tax_cfg.get("item"):
        tax, tax_src = market_constant(w, market, tax_cfg["item"], None)
    else:
        tax, tax_src = not_configured(w, "tax rate")[0], ""
    if tax_override is not None:
        t = tax_override.reindex(w.index).astype(float)
        tax = Q(t, pd.Series("", index=w.index, dtype=object).where(t.notna(), "no tax rate (scenario)"), "t")
        tax_src = "scenario"
    treatment = (cfg.get("risk_free") or {}).get("treatment", "local_no_crp")
    rf_used, ke = cost_of_equity(rf, beta, erp, crp, ds, treatment)
    ke = ke + ke_shift_pp
    d, d_item = w.one_of(cfg["debt_items"])
    if cfg["weights"] == "book":
        e, e_item = w.one_of(cfg["equity_items"])
        e = e.where_positive("book equity")
    elif market_equity is not None:
        me = market_equity.reindex(w.index).astype(float)
        e = Q(me, pd.Series("", index=w.index, dtype=object).where(me.notna(), "no market capitalisation"),
              "market equity").where_positive("market equity")
        e_item = "market capitalisation"
    else:
        nan = pd.Series(np.nan, index=w.index)
        e = Q(nan, pd.Series("market weights need the market value of equity", index=w.index, dtype=object),
              "market equity")
        e_item = ""
    total = e + d
    we, wd = e / total, d / total
    wacc = (we * ke + wd * kd * (tax * -0.01 + 1.0)).clean()
    cols = {"company": [c for c, _ in w.index], "fiscal_year": [y for _, y in w.index]}
    for key, (q, info) in inp.items():
        cols[key] = q.v.values
        cols[f"{key}_source"] = info["source_id"].values
        cols[f"{key}_vintage"] = info["vintage"].values
        cols[f"{key}_tier"] = info["tier"].values
    ke_c = ke.clean()
    out = pd.DataFrame({
        **cols, "risk_free_treatment": treatment, "risk_free_used": rf_used.v.values,
        "cost_of_equity": ke_c.v.values, "cost_of_equity_status": ke_c.why.values,
        "cost_of_equity_inputs": ke_c.est.values, "cost_of_debt_pretax": kd.v.values,
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
