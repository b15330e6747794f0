"""Robustness of the sign of EVA: every method and year recomputed over a grid of the choices behind it.

The grid (eva.robustness in the config): the cost of equity shifted by each of `cost_of_equity_shift_pp`; the lowest
and the highest sourced beta of the company; the beta only in the years a beta is sourced for (not carried); the
other timing of the equity premium; the other treatment of the risk-free rate; market instead of book weights; the
cost of debt with a sourced credit spread; the effective instead of the statutory tax rate; the revaluation of
investments counted in NOPAT; the investment portfolio out of capital; NOPAT by the operating route; strict instead
of tiered imputation; other R&D lives (Stern Stewart only).

A scenario counts for a method only when it changes something the method reads (corpfin.eva.METHOD_READS): an R&D
life cannot move residual income and is not counted for it. Per company, year and method the summary gives the base
EVA and spread (return on capital - cost of capital, pp: how far the rate must move to flip the sign), how many of
the counted scenarios give a value and how many keep the base's sign, the range of EVA and of the cost of capital
over them, and the scenarios that flip the sign. A year is robust only where every counted scenario keeps it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cost_of_capital import compute_wacc, effective_tax_rate
from .derive import panel_in_mode
from .eva import METHOD_READS, METHODS, compute_eva
from .market_value import market_value_added
from .quantity import Wide

OTHER_TIMING = {"start_of_next_year": "start_of_year", "start_of_year": "start_of_next_year"}
OTHER_TREATMENT = {"less_default_spread": "local_no_crp", "local_no_crp": "less_default_spread"}
# a scenario that changes the panel (imputation) moves every method
EVERY_METHOD = "panel"


def sourced_betas(market: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """The company's sourced betas (its configured beta items, every vintage), lowest first."""
    m = market[market["item"].isin(items) & market["value"].notna()]
    if "chosen" in m:
        m = m[m["chosen"].astype(bool)]
    return m.sort_values(["value", "source_id"])


def scenarios(panel: pd.DataFrame, market: pd.DataFrame, wacc_cfg: dict, eva_cfg: dict, imputation: dict,
              identities: list[dict], catalogue: pd.DataFrame) -> list[dict]:
    """The grid (eva.robustness): name, description, what it changes (`changes`, keys of METHOD_READS or 'panel')
    and its inputs."""
    grid = eva_cfg["robustness"]
    base = {"name": "base", "description": "as configured", "changes": set(), "panel": panel, "wacc": wacc_cfg,
            "imp": imputation, "beta": None, "ke_shift": 0.0, "eva": eva_cfg, "weights": wacc_cfg["weights"],
            "tax": eva_cfg["nopat"]["tax"]}
    out = [base]

    def add(name: str, description: str, changes: set, **kw) -> None:
        out.append({**base, "name": name, "description": description, "changes": changes, **kw})

    for shift in grid["cost_of_equity_shift_pp"]:
        add(f"ke_{shift:+g}", f"cost of equity {shift:+g} pp", {"ke"}, ke_shift=float(shift))
    beta = wacc_cfg.get("beta") or {}
    betas = sourced_betas(market, list(beta.get("items", [beta["item"]] if beta else [])))
    if not betas.empty:
        lo, hi = betas.iloc[0], betas.iloc[-1]
        add("beta_low", f"beta {lo['value']:g}, the lowest sourced ({lo['source_id']})", {"ke"}, beta=float(lo["value"]))
        add("beta_high", f"beta {hi['value']:g}, the highest sourced ({hi['source_id']})", {"ke"},
            beta=float(hi["value"]))
    if imputation["mode"] == "tiered" and "beta" in imputation["carried"]:
        add("beta_by_year", "beta only in the years a beta is sourced for (not carried to other years)", {"ke"},
            imp={**imputation, "carried": [c for c in imputation["carried"] if c != "beta"]})
    if wacc_cfg.get("equity_risk_premium"):
        timing = OTHER_TIMING[wacc_cfg["equity_risk_premium"]["timing"]]
        add("erp_timing", f"equity risk premium published at the {timing.replace('_', ' ')}", {"ke"},
            wacc={**wacc_cfg, "equity_risk_premium": {**wacc_cfg["equity_risk_premium"], "timing": timing}})
    if wacc_cfg.get("risk_free") and wacc_cfg.get("default_spread") and wacc_cfg.get("country_risk_premium"):
        treat = OTHER_TREATMENT[wacc_cfg["risk_free"].get("treatment", "less_default_spread")]
        add("risk_free", "risk-free rate " + {"local_no_crp": "as the local yield, no country premium",
                                              "less_default_spread": "less the default spread, plus the country "
                                                                     "premium"}[treat],
            {"ke"}, wacc={**wacc_cfg, "risk_free": {**wacc_cfg["risk_free"], "treatment": treat}})
    if wacc_cfg["weights"] == "book":
        add("market_weights", "market instead of book weights (equity at its year-end capitalisation)", {"wacc"},
            weights="market")
    spread = market.loc[market["item"] == grid.get("credit_spread_item", ""), "value"].dropna()
    if len(spread) and wacc_cfg.get("cost_of_debt"):
        s = float(spread.iloc[-1])
        add("credit_spread", f"cost of debt plus a credit spread of {s:g} pp (sourced)", {"wacc"},
            wacc={**wacc_cfg, "cost_of_debt": {**wacc_cfg["cost_of_debt"],
                                               "spread_pp": wacc_cfg["cost_of_debt"]["spread_pp"] + s}})
    if eva_cfg["nopat"]["tax"] == "statutory" and (wacc_cfg.get("tax_rate") or {}).get("item"):
        add("tax_effective", "effective instead of statutory tax rate (NOPAT and WACC)", {"wacc", "nopat"},
            tax="effective", eva={**eva_cfg, "nopat": {**eva_cfg["nopat"], "tax": "effective"}})
    add("revaluation_in", "revaluation of investments counted in NOPAT", {"nopat"},
        eva={**eva_cfg, "nopat": {**eva_cfg["nopat"], "revaluation_in": True}})
    add("portfolio_out", "investment portfolio out of capital (where its book value is sourced)", {"capital"},
        eva={**eva_cfg, "capital": {**eva_cfg["capital"], "portfolio_out": True}})
    other_route = "operating" if eva_cfg["nopat"]["route"] == "adjusted" else "adjusted"
    if other_route == "operating" or eva_cfg["nopat"]["adjusted_item"]:
        add("nopat_route", f"NOPAT by the {other_route} route", {"nopat"},
            eva={**eva_cfg, "nopat": {**eva_cfg["nopat"], "route": other_route}})
    alt_mode = "strict" if imputation["mode"] == "tiered" else "tiered"
    add("imputation", f"{alt_mode} imputation" + (" (no derived or carried values)" if alt_mode == "strict" else ""),
        {EVERY_METHOD}, imp={**imputation, "mode": alt_mode},
        panel=panel_in_mode(panel, alt_mode, identities, imputation["derived_identities"], catalogue,
                            eva_cfg.get("debt")))
    for life in grid["rd_life_years"]:
        if life != eva_cfg["stern_stewart"]["rd_life_years"]:
            add(f"rd_life_{life}", f"R&D amortised over {life} years", {"stern_stewart"},
                eva={**eva_cfg, "stern_stewart": {**eva_cfg["stern_stewart"], "rd_life_years": life}})
    return out


def applies(scenario: dict, method: str) -> bool:
    """Whether a scenario can move a method (the base applies to every method)."""
    ch = scenario["changes"]
    return scenario["name"] == "base" or EVERY_METHOD in ch or bool(ch & METHOD_READS[method])


def scenario_wacc(sc: dict, market: pd.DataFrame, fx: dict, currency: str) -> pd.DataFrame:
    """The WACC table of a scenario (its inputs, its beta, its cost-of-equity shift, its weights and tax)."""
    p = sc["panel"]
    market_equity = tax = None
    if sc["weights"] == "market":
        m = market_value_added(p, market, sc["eva"]["mva"]["market_cap"], fx, sc["eva"]["equity_items"],
                               sc["eva"]["debt_items"], sc["eva"]["mva"]["cash_items"], currency)
        market_equity = m.set_index(["company", "fiscal_year"])["market_cap_rmb_million"]
    if sc["tax"] == "effective":
        w = Wide(p)
        tax = effective_tax_rate(w).v
    return compute_wacc(p, market, {**sc["wacc"], "weights": sc["weights"]}, sc["imp"], beta_override=sc["beta"],
                        ke_shift_pp=sc["ke_shift"], market_equity=market_equity, tax_override=tax)


def grid_values(panel: pd.DataFrame, market: pd.DataFrame, wacc_cfg: dict, eva_cfg: dict, imputation: dict,
                identities: list[dict], catalogue: pd.DataFrame, fx: dict, currency: str) -> pd.DataFrame:
    """One row per scenario, company, year and method the scenario applies to: eva, spread, rate, status."""
    frames = []
    for sc in scenarios(panel, market, wacc_cfg, eva_cfg, imputation, identities, catalogue):
        methods = tuple(m for m in METHODS if applies(sc, m))
        try:
            w = scenario_wacc(sc, market, fx, currency)
        except ValueError as e:      # a WACC outside the bounds under this scenario: recorded, not fatal
            frames.append(pd.DataFrame({"scenario": [sc["name"]], "description": [sc["description"]],
                                        "status": [str(e)]}))
            continue
        b = compute_eva(sc["panel"], market, w, sc["eva"], methods)
        lines = b[b["line"].isin(["eva", "eva_spread", "cost_of_capital"])]
        v = lines.pivot_table(index=["company", "fiscal_year", "method"], columns="line", values="value",
                              aggfunc="first", dropna=False).reindex(columns=["eva", "eva_spread", "cost_of_capital"])
        st = b[b["line"] == "eva"].set_index(["company", "fiscal_year", "method"])["status"]
        v["status"] = st.reindex(v.index).fillna("").astype(str)
        frames.append(v.reset_index().assign(scenario=sc["name"], description=sc["description"]))
    long = pd.concat(frames, ignore_index=True)
    long = long.dropna(subset=["company"])
    long["fiscal_year"] = long["fiscal_year"].astype(int)
    return long[["company", "fiscal_year", "method", "scenario", "description", "eva", "eva_spread",
                 "cost_of_capital", "status"]].reset_index(drop=True)


def summarise(long: pd.DataFrame) -> pd.DataFrame:
    """Per company, year and method with a base EVA: the base, its spread, the scenarios counted with a value, the
    share that keep the base's sign, the ranges of EVA and of the cost of capital, the flipping scenarios and the
    verdict (robust only where every counted scenario keeps the sign)."""
    key = ["company", "fiscal_year", "method"]
    base = long[long["scenario"] == "base"].set_index(key)
    others = long[(long["scenario"] != "base") & long["eva"].notna()].join(
        base["eva"].rename("base_eva"), on=key)
    others = others[others["base_eva"].notna()]
    keeps = np.sign(others["eva"]) == np.sign(others["base_eva"])
    g = others.assign(keeps=keeps).groupby(key)
    rows = base[["eva", "eva_spread", "cost_of_capital"]].rename(
        columns={"eva": "base", "eva_spread": "spread_pp", "cost_of_capital": "rate"})
    rows = rows[rows["base"].notna()]
    counted = g.size().reindex(rows.index).fillna(0).astype(int)
    kept = g["keeps"].sum().reindex(rows.index).fillna(0).astype(int)
    out = rows.assign(
        n_scenarios=counted, n_keep=kept,
        share_keep=(kept / counted.where(counted > 0)).astype(float),
        min=pd.concat([rows["base"], g["eva"].min().reindex(rows.index)], axis=1).min(axis=1),
        max=pd.concat([rows["base"], g["eva"].max().reindex(rows.index)], axis=1).max(axis=1),
        rate_min=pd.concat([rows["rate"], g["cost_of_capital"].min().reindex(rows.index)], axis=1).min(axis=1),
        rate_max=pd.concat([rows["rate"], g["cost_of_capital"].max().reindex(rows.index)], axis=1).max(axis=1),
        flips=others[~keeps].groupby(key)["scenario"].agg(" ".join).reindex(rows.index).fillna(""))
    out["sign"] = np.where(out["base"] > 0, "positive", np.where(out["base"] < 0, "negative", "zero"))
    out["verdict"] = np.where((out["n_scenarios"] > 0) & (out["n_keep"] == out["n_scenarios"]), "robust",
                              np.where(out["n_scenarios"] > 0, "not robust", "no scenario"))
    return out.reset_index()


def robustness(panel: pd.DataFrame, market: pd.DataFrame, wacc_cfg: dict, eva_cfg: dict, imputation: dict,
               identities: list[dict], catalogue: pd.DataFrame, fx: dict,
               currency: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every scenario's value, the summary per company, year and method)."""
    long = grid_values(panel, market, wacc_cfg, eva_cfg, imputation, identities, catalogue, fx, currency)
    return long, summarise(long)
